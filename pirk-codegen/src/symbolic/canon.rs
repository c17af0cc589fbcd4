//! A canonical form built in plain Rust: sums of monomials with sorted factors and exact
//! rational coefficients, so like terms combine (which rewriting without AC rules cannot do).
//!
//! Direction sums are named by nesting depth (de Bruijn levels), sums over the same level
//! in one sum of terms merge into one loop, and a direction sum of something that does not
//! depend on its direction becomes `D ·` that thing.

use crate::ir::{Binder, Expr, Func, rat_to_i32};
use num_rational::BigRational;
use num_traits::{One, Zero};
use std::collections::BTreeMap;

/// Products expand only while they stay this small.
const EXPANSION_LIMIT: usize = 64;
/// Rounds of normalisation before the fixed point is taken as reached.
const MAX_ROUNDS: usize = 8;

/// The canonical form of an expression (a fixed point of normalisation).
pub fn canonical(e: Expr) -> Expr {
    let mut cur = relevel(e);
    for _ in 0..MAX_ROUNDS {
        let next = relevel(normalize(cur.clone()));
        if next == cur {
            break;
        }
        cur = next;
    }
    cur
}

/// Rename binders to their nesting depth; `Σ_x` reductions start again at depth 0.
pub fn relevel(e: Expr) -> Expr {
    fn go(e: Expr, scope: &mut Vec<(Binder, Binder)>) -> Expr {
        let lookup = |scope: &Vec<(Binder, Binder)>, b: Binder| {
            scope
                .iter()
                .rev()
                .find(|(old, _)| *old == b)
                .map_or(b, |p| p.1)
        };
        match e {
            Expr::Field(s, a) => Expr::Field(s.rename(&|b| lookup(scope, b)), a),
            // Symmetric: the lower level first, so `[μ0≠μ1]` and `[μ1≠μ0]` combine.
            Expr::Distinct(a, b) => {
                let (a, b) = (lookup(scope, a), lookup(scope, b));
                Expr::Distinct(a.min(b), a.max(b))
            }
            Expr::Sum(b, body) => {
                let level = scope.len() as Binder;
                scope.push((b, level));
                let body = go(*body, scope);
                scope.pop();
                Expr::Sum(level, Box::new(body))
            }
            Expr::Total(body) => Expr::Total(Box::new(go(*body, &mut Vec::new()))),
            Expr::Pow(b, p) => Expr::Pow(Box::new(go(*b, scope)), p),
            Expr::Func(f, a) => Expr::Func(f, Box::new(go(*a, scope))),
            Expr::Add(v) => Expr::Add(v.into_iter().map(|c| go(c, scope)).collect()),
            Expr::Mul(v) => Expr::Mul(v.into_iter().map(|c| go(c, scope)).collect()),
            leaf => leaf,
        }
    }
    go(e, &mut Vec::new())
}

/// Factors (base → exponent), sorted.
type Monomial = BTreeMap<Expr, BigRational>;
/// Monomials → coefficients.
type Poly = BTreeMap<Monomial, BigRational>;

fn normalize(e: Expr) -> Expr {
    match e {
        Expr::Add(v) => from_poly(sum_polys(v.into_iter().map(|c| to_poly(&normalize(c))))),
        Expr::Mul(v) => {
            let factors: Vec<Expr> = v.into_iter().map(normalize).collect();
            from_poly(product(&factors))
        }
        Expr::Pow(b, p) => from_poly(power(&normalize(*b), &p)),
        Expr::Func(f, a) => func(f, normalize(*a)),
        Expr::Sum(l, body) => direction_sum(l, normalize(*body)),
        Expr::Total(body) => Expr::Total(Box::new(normalize(*body))),
        leaf => leaf,
    }
}

fn constant(c: BigRational) -> Poly {
    if c.is_zero() {
        Poly::new()
    } else {
        Poly::from([(Monomial::new(), c)])
    }
}

fn atom(e: Expr) -> Poly {
    Poly::from([(
        Monomial::from([(e, BigRational::one())]),
        BigRational::one(),
    )])
}

/// An already normalised expression as a polynomial in its atoms.
fn to_poly(e: &Expr) -> Poly {
    match e {
        Expr::Num(c) => constant(c.clone()),
        Expr::Add(v) => sum_polys(v.iter().map(to_poly)),
        Expr::Mul(v) => product(v),
        Expr::Pow(b, p) => power(b, p),
        other => atom(other.clone()),
    }
}

fn sum_polys(polys: impl Iterator<Item = Poly>) -> Poly {
    let mut out = Poly::new();
    for p in polys {
        for (m, c) in p {
            let entry = out.entry(m).or_insert_with(BigRational::zero);
            *entry += c;
        }
    }
    out.retain(|_, c| !c.is_zero());
    out
}

fn mul_polys(a: &Poly, b: &Poly) -> Poly {
    let mut out = Poly::new();
    for (ma, ca) in a {
        for (mb, cb) in b {
            let mut m = ma.clone();
            for (base, e) in mb {
                let entry = m.entry(base.clone()).or_insert_with(BigRational::zero);
                *entry += e;
                if entry.is_zero() {
                    m.remove(base);
                }
            }
            let entry = out.entry(m).or_insert_with(BigRational::zero);
            *entry += ca * cb;
        }
    }
    out.retain(|_, c| !c.is_zero());
    out
}

/// Product of normalised factors, expanded while small.
fn product(factors: &[Expr]) -> Poly {
    let polys: Vec<Poly> = factors.iter().map(to_poly).collect();
    let mut acc = constant(BigRational::one());
    for p in &polys {
        if acc.len() * p.len() > EXPANSION_LIMIT {
            // Too large to expand: keep the multi-term factors as atoms.
            return polys.iter().fold(constant(BigRational::one()), |acc, p| {
                if p.len() > 1 {
                    mul_polys(&acc, &atom(from_poly(p.clone())))
                } else {
                    mul_polys(&acc, p)
                }
            });
        }
        acc = mul_polys(&acc, p);
    }
    acc
}

fn power(base: &Expr, p: &BigRational) -> Poly {
    let b = to_poly(base);
    if p.is_zero() {
        return constant(BigRational::one());
    }
    let n = rat_to_i32(p);
    match (b.len(), n) {
        (0, Some(n)) if n > 0 => Poly::new(),
        // A monomial to an integer power: coefficients and exponents multiply.
        (1, Some(n)) => {
            let (m, c) = b.into_iter().next().expect("one term");
            let m: Monomial = m.into_iter().map(|(base, e)| (base, e * p)).collect();
            Poly::from([(m, num_traits::pow::Pow::pow(&c, n))])
        }
        (len, Some(n)) if n > 1 && len.pow(n as u32) <= EXPANSION_LIMIT => {
            (0..n).fold(constant(BigRational::one()), |acc, _| mul_polys(&acc, &b))
        }
        // x^p for a single atom x (non-integer p).
        (1, None)
            if b.values().next().is_some_and(One::is_one)
                && b.keys()
                    .next()
                    .is_some_and(|m| m.len() == 1 && m.values().all(One::is_one)) =>
        {
            let base = b
                .into_keys()
                .next()
                .expect("one term")
                .into_keys()
                .next()
                .expect("one factor");
            Poly::from([(Monomial::from([(base, p.clone())]), BigRational::one())])
        }
        _ => Poly::from([(
            Monomial::from([(base.clone(), p.clone())]),
            BigRational::one(),
        )]),
    }
}

fn func(f: Func, a: Expr) -> Expr {
    if a.is_zero() {
        match f {
            Func::Sin | Func::Tanh | Func::Sinh | Func::Sqrt => return Expr::int(0),
            Func::Cos | Func::Cosh | Func::Exp => return Expr::int(1),
            Func::Log => {}
        }
    }
    if f == Func::Log && a.as_num().is_some_and(One::is_one) {
        return Expr::int(0);
    }
    Expr::Func(f, Box::new(a))
}

/// `Σ_l body`: terms that do not depend on `l` leave as `D · term`.
fn direction_sum(l: Binder, body: Expr) -> Expr {
    let (inside, outside): (Poly, Poly) = to_poly(&body).into_iter().partition(|(m, _)| {
        monomial_expr(m, &BigRational::one())
            .free_binders()
            .contains(&l)
    });
    let mut terms = vec![Expr::Mul(vec![Expr::Dims, from_poly(outside)])];
    if !inside.is_empty() {
        terms.push(Expr::Sum(l, Box::new(from_poly_plain(inside))));
    }
    from_poly(sum_polys(terms.iter().map(to_poly)))
}

fn monomial_expr(m: &Monomial, c: &BigRational) -> Expr {
    let mut factors = Vec::new();
    if !c.is_one() || m.is_empty() {
        factors.push(Expr::Num(c.clone()));
    }
    for (base, e) in m {
        factors.push(if e.is_one() {
            base.clone()
        } else {
            Expr::Pow(Box::new(base.clone()), e.clone())
        });
    }
    if factors.len() == 1 {
        factors.pop().expect("one factor")
    } else {
        Expr::Mul(factors)
    }
}

/// A polynomial as an expression, terms in canonical order.
fn from_poly_plain(p: Poly) -> Expr {
    let mut terms: Vec<Expr> = p.iter().map(|(m, c)| monomial_expr(m, c)).collect();
    match terms.len() {
        0 => Expr::int(0),
        1 => terms.pop().expect("one term"),
        _ => Expr::Add(terms),
    }
}

/// A polynomial as an expression, with every term holding exactly one direction sum moved
/// inside it and sums of the same level merged (one loop per level).
fn from_poly(p: Poly) -> Expr {
    let mut rest = Poly::new();
    let mut loops: BTreeMap<Binder, Vec<Expr>> = BTreeMap::new();
    for (m, c) in p {
        let sums: Vec<&Expr> = m
            .iter()
            .filter(|(b, _)| matches!(b, Expr::Sum(..)))
            .map(|(b, _)| b)
            .collect();
        match (
            sums.as_slice(),
            m.iter()
                .find(|(b, _)| matches!(b, Expr::Sum(..)))
                .map(|x| x.1),
        ) {
            ([Expr::Sum(l, body)], Some(e)) if e.is_one() => {
                let mut others = m.clone();
                others.remove(sums[0]);
                loops.entry(*l).or_default().push(Expr::Mul(vec![
                    monomial_expr(&others, &c),
                    (**body).clone(),
                ]));
            }
            _ => {
                rest.insert(m, c);
            }
        }
    }
    let mut terms: Vec<Expr> = match from_poly_plain(rest) {
        e if e.is_zero() => vec![],
        Expr::Add(v) => v,
        e => vec![e],
    };
    for (l, bodies) in loops {
        let body = normalize(Expr::Add(bodies));
        if !body.is_zero() {
            terms.push(Expr::Sum(l, Box::new(body)));
        }
    }
    match terms.len() {
        0 => Expr::int(0),
        1 => terms.pop().expect("one term"),
        _ => Expr::Add(terms),
    }
}
