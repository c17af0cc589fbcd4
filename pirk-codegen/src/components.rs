//! Multi-component fields (`field: phi[N]`): which names index components and which are
//! free in a kernel.
//!
//! N is a literal, so components are unrolled while checking: `sum_a(e)` over a component
//! index becomes `Σ_{c<N} e[a := c]` and a vector kernel `K_{x,a}` becomes N expressions, one
//! per value of its free index. Every later stage sees only literal components.

use crate::ast::Ast;
use crate::ir::Component;
use proc_macro2::Span;
use syn::Ident;

/// Every component of a field with `declared` components (`None`: one, without a slot).
pub fn all(declared: Option<u32>) -> Vec<Component> {
    match declared {
        None => vec![None],
        Some(n) => (0..n).map(Some).collect(),
    }
}

/// How the body of `sum_<name>(…)` uses `name`.
#[derive(Clone, Copy, Debug)]
pub enum Role {
    /// Not in any field index.
    Unused,
    /// In field shifts only: a lattice direction.
    Direction,
    /// In component slots only: a component index.
    Component,
    /// In both; the span is the first component slot that uses it.
    Both(Span),
}

/// How `body` uses the name `name` (bound around it) in indices of the field `field`.
pub fn role(name: &str, field: &str, body: &Ast) -> Role {
    let (mut direction, mut component) = (false, None);
    visit_indices(field, body, &mut |shift, slot| {
        direction |= shift.is_some_and(|s| s.find_ident(&|i| i == name).is_some());
        if component.is_none() {
            component = slot.and_then(|s| s.find_ident(&|i| i == name).map(Ident::span));
        }
    });
    match (direction, component) {
        (false, None) => Role::Unused,
        (true, None) => Role::Direction,
        (false, Some(_)) => Role::Component,
        (true, Some(span)) => Role::Both(span),
    }
}

/// The names in component slots of `ast` that no enclosing `sum_<name>` binds, each once, in
/// order of first use.
pub fn free_indices(field: &str, ast: &Ast) -> Vec<Ident> {
    fn go(field: &str, ast: &Ast, bound: &mut Vec<String>, out: &mut Vec<Ident>) {
        match ast {
            Ast::Call(name, args) => {
                let binds = name.to_string().strip_prefix("sum_").map(str::to_string);
                bound.extend(binds.clone());
                if name == "mean" {
                    args.iter().skip(1).for_each(|a| slot_names(a, bound, out));
                } else {
                    args.iter().for_each(|a| go(field, a, bound, out));
                }
                if binds.is_some() {
                    bound.pop();
                }
            }
            Ast::Index(name, _, Some(slot)) if name == field => slot_names(slot, bound, out),
            Ast::Neg(e, _) => go(field, e, bound, out),
            Ast::Binary(_, a, b, _) => {
                go(field, a, bound, out);
                go(field, b, bound, out);
            }
            Ast::Num(..) | Ast::Ident(_) | Ast::Index(..) => {}
        }
    }
    fn slot_names(slot: &Ast, bound: &[String], out: &mut Vec<Ident>) {
        if let Ast::Ident(i) = slot
            && !bound.iter().any(|b| i == b)
            && !out.contains(i)
        {
            out.push(i.clone());
        }
    }
    let mut out = Vec::new();
    go(field, ast, &mut Vec::new(), &mut out);
    out
}

/// Calls `f(shift, slot)` for every index of the field in `ast`: `phi[shift]`,
/// `phi[shift, slot]`, or `mean(phi, slot)` (no shift).
fn visit_indices(field: &str, ast: &Ast, f: &mut impl FnMut(Option<&Ast>, Option<&Ast>)) {
    match ast {
        Ast::Index(name, shift, slot) if name == field => f(Some(shift), slot.as_deref()),
        Ast::Call(name, args) if name == "mean" => {
            args.iter().skip(1).for_each(|slot| f(None, Some(slot)));
        }
        Ast::Call(_, args) => args.iter().for_each(|a| visit_indices(field, a, f)),
        Ast::Neg(e, _) => visit_indices(field, e, f),
        Ast::Binary(_, a, b, _) => {
            visit_indices(field, a, f);
            visit_indices(field, b, f);
        }
        Ast::Num(..) | Ast::Ident(_) | Ast::Index(..) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse::Parser;

    fn parse(src: &str) -> Ast {
        crate::parse::parse_expr.parse_str(src).unwrap()
    }

    #[test]
    fn roles_follow_the_index_positions() {
        let body = parse("phi[x, a] * phi[x + mu, a]");
        assert!(matches!(role("a", "phi", &body), Role::Component));
        assert!(matches!(role("mu", "phi", &body), Role::Direction));
        assert!(matches!(role("b", "phi", &body), Role::Unused));
        assert!(matches!(
            role("a", "phi", &parse("mean(phi, a)^2")),
            Role::Component
        ));
        assert!(matches!(
            role("mu", "phi", &parse("phi[x + mu, 0] * phi[x, mu]")),
            Role::Both(_)
        ));
    }

    #[test]
    fn free_indices_skip_bound_names() {
        let names = |src: &str| -> Vec<String> {
            free_indices("phi", &parse(src))
                .iter()
                .map(Ident::to_string)
                .collect()
        };
        assert_eq!(names("phi[x, a] * tanh(sum_b(phi[x, b]^2))"), ["a"]);
        assert_eq!(names("sum_mu(phi[x + mu, a] + phi[x - mu, a])"), ["a"]);
        assert_eq!(names("mean(phi, a)"), ["a"]);
        assert_eq!(names("phi[x, a] * phi[x, c]"), ["a", "c"]);
        assert!(names("sum_a(phi[x, a]^2) + phi[x, 1]").is_empty());
    }

    #[test]
    fn every_component_once() {
        assert_eq!(all(None), [None]);
        assert_eq!(all(Some(3)), [Some(0), Some(1), Some(2)]);
    }
}
