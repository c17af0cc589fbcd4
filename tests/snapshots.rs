//! Snapshots of the generated code (prettyplease-formatted) and of the simplified symbolic
//! forms, one per theory: a rule change shows first as a small symbolic diff.

mod theories;

use std::fmt::Write;

/// The test theories and the built-in XY model (the one periodic field).
fn declarations() -> impl Iterator<Item = (&'static str, &'static str)> {
    let xy = ("xy", pirk_theories::declaration("xy").expect("built in"));
    theories::DECLARATIONS.into_iter().chain([xy])
}

#[test]
fn generated_code() {
    for (name, text) in declarations() {
        let compiled = theories::compile(text);
        insta::assert_snapshot!(format!("{name}_code"), compiled.source.clone());
    }
}

#[test]
fn symbolic_forms() {
    for (name, text) in declarations() {
        let c = theories::compile(text);
        let mut out = String::new();
        writeln!(out, "action      = {}", c.derived.action).unwrap();
        writeln!(out, "force       = {}", c.derived.force).unwrap();
        writeln!(out, "Hφ at φ = 0 = {}", c.derived.quadratic_force).unwrap();
        for (p, g) in c.model.params.iter().zip(&c.derived.param_grads) {
            writeln!(out, "∂s/∂{p:<7} = {g}").unwrap();
        }
        for ((k, _), (kc, div)) in c
            .model
            .kernels
            .iter()
            .zip(c.derived.kernels.iter().zip(&c.derived.divergences))
        {
            writeln!(out, "K[{k}] = {kc}").unwrap();
            writeln!(out, "  ∂K/∂φ_x = {div}").unwrap();
        }
        insta::assert_snapshot!(format!("{name}_symbolic"), out);
    }
}

/// The same declaration gives the same bits (egg runs without time limits).
#[test]
fn expansion_is_deterministic() {
    for (_, text) in declarations() {
        assert_eq!(
            theories::compile(text).source.clone(),
            theories::compile(text).source.clone()
        );
    }
}
