//! Snapshots of the generated code (prettyplease-formatted) and of the simplified symbolic
//! forms, one per theory: a rule change shows first as a small symbolic diff.

mod theories;

use std::fmt::Write;

/// The test theories, the built-in XY model (a periodic field), the built-in O(2) and O(3)
/// models (multi-component fields) and U(1) (a periodic link field with gradient kernels).
fn declarations() -> impl Iterator<Item = (&'static str, &'static str)> {
    let built_in = ["xy", "o2_hopping", "o3_hopping", "u1"]
        .map(|stem| (stem, pirk_theories::declaration(stem).expect("built in")));
    theories::DECLARATIONS.into_iter().chain(built_in)
}

/// `name = form` per component: one line for a one-component field, `name[a] = …` otherwise.
fn components(out: &mut String, name: &str, forms: &[pirk_codegen::ir::Expr]) {
    match forms {
        [form] => writeln!(out, "{name} = {form}").unwrap(),
        _ => {
            for (a, form) in forms.iter().enumerate() {
                writeln!(out, "{name}[{a}] = {form}").unwrap();
            }
        }
    }
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
        components(&mut out, "force      ", &c.derived.force);
        components(&mut out, "Hφ at φ = 0", &c.derived.quadratic_force);
        for (p, g) in c.model.params.iter().zip(&c.derived.param_grads) {
            writeln!(out, "∂s/∂{p:<7} = {g}").unwrap();
        }
        for ((k, _), (kc, div)) in c
            .model
            .kernels
            .iter()
            .zip(c.derived.kernels.iter().zip(&c.derived.divergences))
        {
            components(&mut out, &format!("K[{k}]"), kc);
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
