//! The e-graph language: exact rational constants, atoms, and a derivative operator `d`.

use crate::ir::{Binder, Component, Dir, Expr, Func, Shift};
use egg::{Analysis, DidMerge, EGraph, Id, Language, RecExpr, define_language};
use num_rational::BigRational;
use num_traits::Zero;
use std::fmt;
use std::str::FromStr;

define_language! {
    /// Per-site expressions with derivative and direction-sum nodes.
    pub enum Sym {
        "d" = D([Id; 2]),
        "sum" = Sum([Id; 2]),
        // A direction sum that a derivative passed through with respect to a field
        // occurrence whose shift names this direction: it is pulled out to the top.
        "dsum" = DSum([Id; 2]),
        "+" = Add([Id; 2]),
        "*" = Mul([Id; 2]),
        "^" = Pow([Id; 2]),
        "exp" = Exp(Id),
        "log" = Log(Id),
        "sqrt" = Sqrt(Id),
        "sin" = Sin(Id),
        "cos" = Cos(Id),
        "tanh" = Tanh(Id),
        "sinh" = Sinh(Id),
        "cosh" = Cosh(Id),
        Num(BigRational),
        Atom(Atom),
    }
}

/// Leaves other than numbers.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Atom {
    /// A coupling.
    Param(usize),
    /// A field occurrence.
    Field(Shift, Component),
    /// `mean(φ)` (of one component).
    Mean(Component),
    /// A direction variable (first child of `sum`).
    Binder(Binder),
    /// `[μ_a ≠ μ_b]`: constant in the field.
    Distinct(Binder, Binder),
}

impl fmt::Display for Atom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Atom::Param(i) => write!(f, "θ{i}"),
            Atom::Field(s, a) => write!(f, "{}", Expr::Field(s.clone(), *a)),
            Atom::Mean(a) => write!(f, "{}", Expr::Mean(*a)),
            Atom::Binder(b) => write!(f, "μ{b}"),
            Atom::Distinct(a, b) => write!(f, "{}", Expr::Distinct(*a, *b)),
        }
    }
}

impl FromStr for Atom {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("not an atom: {s}");
        if let Some(a) = s.strip_prefix("mean") {
            let a = (!a.is_empty())
                .then(|| a.parse())
                .transpose()
                .map_err(|_| bad())?;
            return Ok(Atom::Mean(a));
        }
        if let Some(i) = s.strip_prefix('θ') {
            return i.parse().map(Atom::Param).map_err(|_| bad());
        }
        if let Some(b) = s.strip_prefix('μ') {
            return b.parse().map(Atom::Binder).map_err(|_| bad());
        }
        if let Some(pair) = s.strip_prefix("[μ").and_then(|r| r.strip_suffix(']')) {
            let (a, b) = pair.split_once("≠μ").ok_or_else(bad)?;
            return Ok(Atom::Distinct(
                a.parse().map_err(|_| bad())?,
                b.parse().map_err(|_| bad())?,
            ));
        }
        let inner = s
            .strip_prefix("φ[x")
            .and_then(|r| r.strip_suffix(']'))
            .ok_or_else(bad)?;
        let (inner, a) = match inner.split_once(", ") {
            Some((shift, a)) => (shift, Some(a.parse().map_err(|_| bad())?)),
            None => (inner, None),
        };
        let mut terms = Vec::new();
        for part in inner.replace('-', "+-").split('+') {
            if part.is_empty() {
                continue;
            }
            let (coef, dir) = match part.split_once('μ') {
                Some((coef, b)) => (coef, Dir::Bound(b.parse().map_err(|_| bad())?)),
                None => {
                    let (coef, k) = part.split_once('ê').ok_or_else(bad)?;
                    (coef, Dir::Axis(k.parse().map_err(|_| bad())?))
                }
            };
            let coef = match coef {
                "" => 1,
                "-" => -1,
                c => c.parse().map_err(|_| bad())?,
            };
            terms.push((dir, coef));
        }
        Ok(Atom::Field(Shift::zero().add(&Shift(terms)), a))
    }
}

/// Exact constant folding: an e-class holding a constant carries its value.
#[derive(Default)]
pub struct ConstFold;

impl Analysis<Sym> for ConstFold {
    type Data = Option<BigRational>;

    fn make(egraph: &mut EGraph<Sym, Self>, enode: &Sym, _id: Id) -> Self::Data {
        let c = |i: &Id| egraph[*i].data.clone();
        match enode {
            Sym::Num(v) => Some(v.clone()),
            Sym::Add([a, b]) => Some(c(a)? + c(b)?),
            Sym::Mul([a, b]) => match (c(a), c(b)) {
                (Some(x), Some(y)) => Some(x * y),
                _ => None,
            },
            Sym::Pow([a, p]) => {
                let (a, p) = (c(a)?, c(p)?);
                let n = crate::ir::rat_to_i32(&p).filter(|n| n.abs() <= 64)?;
                (!(a.is_zero() && n < 0)).then(|| num_traits::pow::Pow::pow(&a, n))
            }
            _ => None,
        }
    }

    fn merge(&mut self, to: &mut Self::Data, from: Self::Data) -> DidMerge {
        // Exact arithmetic: two constants in one class are equal, so keep the first.
        egg::merge_option(to, from, |_, _| DidMerge(false, false))
    }

    fn modify(egraph: &mut EGraph<Sym, Self>, id: Id) {
        if let Some(c) = egraph[id].data.clone() {
            let added = egraph.add(Sym::Num(c));
            egraph.union(id, added);
        }
    }
}

/// Extraction cost: tree size, with leftover derivatives priced out.
pub struct NoDerivatives;

impl egg::CostFunction<Sym> for NoDerivatives {
    type Cost = usize;
    fn cost<C: FnMut(Id) -> usize>(&mut self, enode: &Sym, mut costs: C) -> usize {
        let own = if matches!(enode, Sym::D(_)) {
            1_000_000
        } else {
            1
        };
        enode.fold(own, |sum, i| sum.saturating_add(costs(i)))
    }
}

fn unary(f: Func, a: Id) -> Sym {
    match f {
        Func::Exp => Sym::Exp(a),
        Func::Log => Sym::Log(a),
        Func::Sqrt => Sym::Sqrt(a),
        Func::Sin => Sym::Sin(a),
        Func::Cos => Sym::Cos(a),
        Func::Tanh => Sym::Tanh(a),
        Func::Sinh => Sym::Sinh(a),
        Func::Cosh => Sym::Cosh(a),
    }
}

/// The function applied by a unary node.
pub fn unary_func(node: &Sym) -> Option<(Func, Id)> {
    Some(match *node {
        Sym::Exp(a) => (Func::Exp, a),
        Sym::Log(a) => (Func::Log, a),
        Sym::Sqrt(a) => (Func::Sqrt, a),
        Sym::Sin(a) => (Func::Sin, a),
        Sym::Cos(a) => (Func::Cos, a),
        Sym::Tanh(a) => (Func::Tanh, a),
        Sym::Sinh(a) => (Func::Sinh, a),
        Sym::Cosh(a) => (Func::Cosh, a),
        _ => return None,
    })
}

/// Add an IR expression (as binary nodes) to a `RecExpr`. Only field-level nodes are
/// allowed: `1/V`, `D` and global sums are introduced after the symbolic stage.
pub fn add_expr(rec: &mut RecExpr<Sym>, e: &Expr) -> Id {
    let chain = |rec: &mut RecExpr<Sym>, v: &[Expr], op: fn([Id; 2]) -> Sym| {
        let mut acc = add_expr(rec, &v[0]);
        for c in &v[1..] {
            let next = add_expr(rec, c);
            acc = rec.add(op([acc, next]));
        }
        acc
    };
    match e {
        Expr::Num(v) => rec.add(Sym::Num(v.clone())),
        Expr::Param(i) => rec.add(Sym::Atom(Atom::Param(*i))),
        Expr::Field(s, a) => rec.add(Sym::Atom(Atom::Field(s.clone(), *a))),
        Expr::Mean(a) => rec.add(Sym::Atom(Atom::Mean(*a))),
        Expr::Distinct(a, b) => rec.add(Sym::Atom(Atom::Distinct(*a, *b))),
        Expr::Sum(b, body) => {
            let b = rec.add(Sym::Atom(Atom::Binder(*b)));
            let body = add_expr(rec, body);
            rec.add(Sym::Sum([b, body]))
        }
        Expr::Add(v) if v.is_empty() => rec.add(Sym::Num(BigRational::zero())),
        Expr::Add(v) => chain(rec, v, Sym::Add),
        Expr::Mul(v) if v.is_empty() => rec.add(Sym::Num(num_traits::One::one())),
        Expr::Mul(v) => chain(rec, v, Sym::Mul),
        Expr::Pow(b, p) => {
            let b = add_expr(rec, b);
            let p = rec.add(Sym::Num(p.clone()));
            rec.add(Sym::Pow([b, p]))
        }
        Expr::Func(f, a) => {
            let a = add_expr(rec, a);
            rec.add(unary(*f, a))
        }
        Expr::InvVolume | Expr::Dims | Expr::Total(_) => {
            unreachable!("{e} enters the symbolic stage only after differentiation")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atoms_round_trip() {
        for s in [
            "θ3",
            "mean",
            "μ2",
            "φ[x]",
            "φ[x+μ0]",
            "φ[x-2μ1]",
            "φ[x+μ0-μ3]",
            "φ[x-μ1, 2]",
            "mean1",
            "[μ0≠μ1]",
        ] {
            assert_eq!(s.parse::<Atom>().unwrap().to_string(), s);
        }
        assert!("phi".parse::<Atom>().is_err());
    }
}
