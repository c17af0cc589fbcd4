//! Which kernel field indices can land on `x` itself. A kernel's divergence keeps only the
//! occurrences at shift zero, so an index such as `x + μ − ν`, which is `x` where μ = ν, would
//! lose a term; a factor `distinct(μ, ν)` around it removes exactly those direction values.

use crate::ir::{Binder, Dir, Expr, Shift};

/// Whether some field index of `e` is `x` for a choice of its directions that no enclosing
/// `distinct` factor excludes.
pub fn reaches_site(e: &Expr) -> bool {
    fn walk(e: &Expr, guards: &mut Vec<(Binder, Binder)>) -> bool {
        match e {
            Expr::Field(s, _) => can_vanish(s, guards),
            Expr::Mul(factors) => {
                let before = guards.len();
                guards.extend(factors.iter().filter_map(|f| match f {
                    Expr::Distinct(a, b) => Some((*a, *b)),
                    _ => None,
                }));
                let reaches = factors.iter().any(|f| walk(f, guards));
                guards.truncate(before);
                reaches
            }
            _ => e.children().into_iter().any(|c| walk(c, guards)),
        }
    }
    walk(e, &mut Vec::new())
}

/// Whether `x + s` is `x` for some assignment of directions to the binders of `s` in which
/// every guarded pair differs: some grouping of the terms into equal directions (a set
/// partition, enumerated as restricted growth strings; fixed axes in different groups) where
/// each group's coefficients cancel.
fn can_vanish(s: &Shift, guards: &[(Binder, Binder)]) -> bool {
    let terms = &s.0;
    if terms.is_empty() {
        return false;
    }
    let mut group = vec![0usize; terms.len()];
    loop {
        let allowed = guards.iter().all(|&(a, b)| {
            let (ia, ib) = (
                terms.iter().position(|t| t.0 == Dir::Bound(a)),
                terms.iter().position(|t| t.0 == Dir::Bound(b)),
            );
            !matches!((ia, ib), (Some(i), Some(j)) if group[i] == group[j])
        }) && axes_apart(terms, &group);
        let cancels = (0..terms.len()).all(|g| {
            terms
                .iter()
                .zip(&group)
                .filter(|(_, k)| **k == g)
                .map(|(t, _)| t.1)
                .sum::<i32>()
                == 0
        });
        if allowed && cancels {
            return true;
        }
        // Next restricted growth string: group[i] ≤ 1 + max(group[..i]).
        let Some(i) = (1..terms.len())
            .rev()
            .find(|&i| group[i] <= *group[..i].iter().max().expect("i ≥ 1"))
        else {
            return false;
        };
        group[i] += 1;
        group[i + 1..].iter_mut().for_each(|g| *g = 0);
    }
}

/// Whether no group holds two different fixed axes (a bound direction may join an axis).
fn axes_apart(terms: &[(Dir, i32)], group: &[usize]) -> bool {
    let axes: Vec<usize> = (0..terms.len())
        .filter(|&i| matches!(terms[i].0, Dir::Axis(_)))
        .collect();
    axes.iter()
        .enumerate()
        .all(|(n, &i)| axes[n + 1..].iter().all(|&j| group[i] != group[j]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(terms: &[(Binder, i32)]) -> Expr {
        let terms = terms.iter().map(|&(b, c)| (Dir::Bound(b), c)).collect();
        Expr::Field(Shift::zero().add(&Shift(terms)), None)
    }

    #[test]
    fn mixed_signs_reach_the_site_unless_guarded() {
        let anti = field(&[(0, 1), (1, -1)]);
        assert!(reaches_site(&anti));
        assert!(!reaches_site(&Expr::Mul(vec![
            Expr::Distinct(0, 1),
            Expr::Func(crate::ir::Func::Sin, Box::new(anti.clone())),
        ])));
        // A guard elsewhere in a sum does not cover the term.
        assert!(reaches_site(&Expr::Add(vec![
            Expr::Mul(vec![Expr::Distinct(0, 1), field(&[(0, 1)])]),
            anti,
        ])));
    }

    #[test]
    fn different_axes_never_coincide() {
        let axes =
            |terms: &[(Dir, i32)]| Expr::Field(Shift::zero().add(&Shift(terms.to_vec())), None);
        assert!(!reaches_site(&axes(&[
            (Dir::Axis(0), 1),
            (Dir::Axis(1), -1)
        ])));
        // A bound direction may be the axis it cancels.
        assert!(reaches_site(&axes(&[
            (Dir::Axis(0), 1),
            (Dir::Bound(0), -1)
        ])));
    }

    #[test]
    fn only_cancelling_groupings_count() {
        assert!(!reaches_site(&field(&[(0, 1), (1, 1)])));
        assert!(!reaches_site(&field(&[(0, 2), (1, -1)])));
        assert!(!reaches_site(&field(&[(0, 2)])));
        // x + μ + ν − ρ − σ is x for μ = ρ, ν = σ, which one guard does not exclude...
        let four = field(&[(0, 1), (1, 1), (2, -1), (3, -1)]);
        assert!(reaches_site(&Expr::Mul(vec![
            Expr::Distinct(0, 2),
            four.clone()
        ])));
        // ... but μ ≠ ρ and μ ≠ σ leave no cancelling grouping.
        assert!(!reaches_site(&Expr::Mul(vec![
            Expr::Distinct(0, 2),
            Expr::Distinct(3, 0),
            four,
        ])));
    }
}
