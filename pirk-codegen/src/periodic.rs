//! The check behind `field: periodic theta`: the action and every kernel must keep the period
//! 2π in each site's angle, so that configurations can be wrapped into [−π, π) at any time
//! without changing the action, the velocity or its divergence (and so log q).
//!
//! Each subexpression is classified by what a shift θ_y → θ_y + 2π does to it: nothing
//! (`Free` of the field, or `Periodic`), a whole multiple of 2π (`Winding`: whole-number
//! combinations of angles, plus periodic parts), or anything else (an error). Only `sin` and
//! `cos` turn a winding argument into a periodic value.

use crate::ast::{Ast, BinOp};
use crate::check::parse_decimal;
use num_rational::BigRational;
use num_traits::Zero;
use proc_macro2::Span;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Free,
    Periodic,
    Winding,
}

/// Why an expression breaks the period, and where.
type Violation = (Span, String);

/// The first place where `ast` (an action density or a kernel) breaks the period 2π in the
/// field `field`.
pub fn violation(field: &str, ast: &Ast) -> Option<Violation> {
    match classify(field, ast) {
        Ok(Class::Winding) => Some((ast.first_span(), entry_rule(field))),
        Ok(_) => None,
        Err(v) => Some(v),
    }
}

fn entry_rule(field: &str) -> String {
    format!(
        "`{field}` is periodic, so angles may enter only through `sin` and `cos` of whole-number \
         combinations of them (and functions of those)"
    )
}

fn classify(field: &str, ast: &Ast) -> Result<Class, Violation> {
    use Class::*;
    let bad = |span: Span, msg: String| Err((span, msg));
    match ast {
        Ast::Num(..) | Ast::Ident(_) => Ok(Free),
        Ast::Index(name, ..) => Ok(if name == field { Winding } else { Free }),
        Ast::Neg(e, _) => classify(field, e),
        Ast::Call(name, args) => {
            let fname = name.to_string();
            if fname == "mean" {
                return bad(
                    name.span(),
                    format!("`mean({field})` of a periodic field is not periodic"),
                );
            }
            let mut class = Free;
            for arg in args {
                class = join(class, classify(field, arg)?);
            }
            match (fname.as_str(), class) {
                (_, Free) => Ok(Free),
                ("sin" | "cos", _) => Ok(Periodic),
                (f, c) if f.starts_with("sum_") => Ok(c),
                (_, Periodic) => Ok(Periodic),
                (_, Winding) => bad(name.span(), entry_rule(field)),
            }
        }
        Ast::Binary(op, a, b, span) => {
            let (ca, cb) = (classify(field, a)?, classify(field, b)?);
            match op {
                BinOp::Add | BinOp::Sub => Ok(join(ca, cb)),
                BinOp::Mul => match (ca, cb) {
                    (Winding, Winding) | (Winding, Periodic) | (Periodic, Winding) => {
                        bad(*span, entry_rule(field))
                    }
                    (Winding, Free) | (Free, Winding) => {
                        let factor = if ca == Free { a } else { b };
                        if constant(factor).is_some_and(|c| c.is_integer()) {
                            Ok(Winding)
                        } else {
                            bad(
                                factor.first_span(),
                                format!(
                                    "`{field}` is periodic: a multiple of an angle must be a \
                                     whole number, or the period 2π is lost"
                                ),
                            )
                        }
                    }
                    _ => Ok(join(ca, cb)),
                },
                BinOp::Div | BinOp::Pow => match (ca, cb) {
                    (Winding, _) | (_, Winding) => bad(*span, entry_rule(field)),
                    _ => Ok(join(ca, cb)),
                },
            }
        }
    }
}

/// The class of a sum (or of any combination that keeps the winding).
fn join(a: Class, b: Class) -> Class {
    use Class::*;
    match (a, b) {
        (Winding, _) | (_, Winding) => Winding,
        (Periodic, _) | (_, Periodic) => Periodic,
        _ => Free,
    }
}

/// The exact value of a constant written with numbers and `+ − × ÷`, if it is one.
fn constant(ast: &Ast) -> Option<BigRational> {
    match ast {
        Ast::Num(text, _) => parse_decimal(text),
        Ast::Neg(e, _) => Some(-constant(e)?),
        Ast::Binary(op, a, b, _) => {
            let (a, b) = (constant(a)?, constant(b)?);
            match op {
                BinOp::Add => Some(a + b),
                BinOp::Sub => Some(a - b),
                BinOp::Mul => Some(a * b),
                BinOp::Div => (!b.is_zero()).then(|| a / b),
                BinOp::Pow => crate::ir::rat_to_i32(&b)
                    .filter(|n| !(a.is_zero() && *n < 0))
                    .map(|n| num_traits::pow::Pow::pow(&a, n)),
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse::Parser;

    fn ok(src: &str) -> bool {
        let ast = crate::parse::parse_expr.parse_str(src).unwrap();
        violation("theta", &ast).is_none()
    }

    #[test]
    fn periodic_expressions_pass() {
        assert!(ok("-beta * sum_mu(cos(theta[x + mu] - theta[x]))"));
        assert!(ok("sum_mu(sin(theta[x + mu] - theta[x]))"));
        assert!(ok("sin(2 * theta[x] - 3 * theta[x + mu])"));
        assert!(ok("sin((4 - 2) * theta[x])"));
        assert!(ok("exp(cos(theta[x])) * tanh(sin(theta[x]))"));
        assert!(ok("sin(theta[x] + cos(theta[x]))"));
        assert!(ok("cos(theta[x])^2 / 3"));
    }

    #[test]
    fn expressions_that_lose_the_period_fail() {
        assert!(!ok("theta[x]"));
        assert!(!ok("theta[x]^2"));
        assert!(!ok("sin(theta[x] / 2)"));
        assert!(!ok("sin(0.5 * theta[x])"));
        assert!(!ok("sin(beta * theta[x])"));
        assert!(!ok("sin(theta[x] * theta[x])"));
        assert!(!ok("sin(tanh(theta[x]))"));
        assert!(!ok("cos(mean(theta))"));
        assert!(!ok("sum_mu(theta[x + mu] - theta[x])"));
    }
}
