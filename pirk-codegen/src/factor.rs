//! Factoring for sharing: the canonical form pushes everything into sums of monomials and
//! into direction sums; before lowering, common factors come back out (`−2a − 2b` becomes
//! `−2·(a + b)`, `Σ_μ c·g` becomes `c·Σ_μ g`) so the remaining sums are shared with kernels
//! and forces that contain them, and fewer multiplications run per site.

use crate::ir::Expr;
use num_rational::BigRational;
use num_traits::{One, Signed};

/// `e` with common factors pulled out of sums and direction-independent factors out of
/// direction sums, bottom-up.
pub fn factor(e: &Expr) -> Expr {
    match e {
        Expr::Add(terms) => factor_sum(terms.iter().map(factor).collect()),
        Expr::Sum(l, body) => match factor(body) {
            Expr::Mul(factors) => {
                let (outside, inside): (Vec<Expr>, Vec<Expr>) = factors
                    .into_iter()
                    .partition(|f| !f.free_binders().contains(l));
                if outside.is_empty() || inside.is_empty() {
                    return Expr::Sum(
                        *l,
                        Box::new(product(outside.into_iter().chain(inside).collect())),
                    );
                }
                let mut all = outside;
                all.push(Expr::Sum(*l, Box::new(product(inside))));
                Expr::Mul(all)
            }
            body => Expr::Sum(*l, Box::new(body)),
        },
        Expr::Mul(v) => Expr::Mul(v.iter().map(factor).collect()),
        Expr::Total(b) => Expr::Total(Box::new(factor(b))),
        Expr::Pow(b, p) => Expr::Pow(Box::new(factor(b)), p.clone()),
        Expr::Func(f, a) => Expr::Func(*f, Box::new(factor(a))),
        leaf => leaf.clone(),
    }
}

fn product(mut factors: Vec<Expr>) -> Expr {
    if factors.len() == 1 {
        factors.pop().expect("one factor")
    } else {
        Expr::Mul(factors)
    }
}

/// A term as coefficient and other factors.
fn split(term: &Expr) -> (BigRational, Vec<Expr>) {
    match term {
        Expr::Num(c) => (c.clone(), vec![]),
        Expr::Mul(f) => match f.first() {
            Some(Expr::Num(c)) => (c.clone(), f[1..].to_vec()),
            _ => (BigRational::one(), f.clone()),
        },
        other => (BigRational::one(), vec![other.clone()]),
    }
}

fn factor_sum(terms: Vec<Expr>) -> Expr {
    let parts: Vec<(BigRational, Vec<Expr>)> = terms.iter().map(split).collect();
    let coef = parts[0].0.clone();
    let same_magnitude = parts.iter().all(|(c, _)| c.abs() == coef.abs());
    let coef = if same_magnitude && !coef.is_one() {
        coef
    } else {
        BigRational::one()
    };
    let common: Vec<Expr> = parts[0]
        .1
        .iter()
        .filter(|f| parts[1..].iter().all(|(_, fs)| fs.contains(f)))
        .cloned()
        .collect();
    if terms.len() < 2 || (coef.is_one() && common.is_empty()) {
        return Expr::Add(terms);
    }
    let rest: Vec<Expr> = parts
        .into_iter()
        .map(|(c, mut fs)| {
            for f in &common {
                let i = fs.iter().position(|g| g == f).expect("common factor");
                fs.remove(i);
            }
            let c = c / &coef;
            if !c.is_one() || fs.is_empty() {
                fs.insert(0, Expr::Num(c));
            }
            product(fs)
        })
        .collect();
    let mut outer = Vec::new();
    if !coef.is_one() {
        outer.push(Expr::Num(coef));
    }
    outer.extend(common);
    outer.push(Expr::Add(rest));
    Expr::Mul(outer)
}
