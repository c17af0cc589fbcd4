//! Compile-fail tests: every bad declaration fails with one error on the user's tokens.

#[test]
fn ui() {
    trybuild::TestCases::new().compile_fail("tests/ui/*.rs");
}
