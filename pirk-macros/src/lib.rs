//! Procedural macro shims for pirk; the compiler itself is the `pirk-codegen` library.

use proc_macro::TokenStream;

/// Declare a lattice field theory; see the `pirk` crate documentation.
#[proc_macro]
pub fn theory(input: TokenStream) -> TokenStream {
    pirk_codegen::expand(input.into()).into()
}
