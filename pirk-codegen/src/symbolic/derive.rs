//! Shift-aware differentiation (docs/theory.md §8, the lattice calculus) on top of the e-graph.
//!
//! `∂/∂φ_z Σ_y f(φ_{y+s_1}, …) = Σ_i (∂_i f)(y = z − s_i)`: each distinct occurrence shift is
//! an independent variable; its partial derivative is taken in the e-graph, direction sums
//! that its shift names are pulled to the top, and the result is moved by `−s_i`.

use super::canon::canonical;
use super::lang::{Atom, ConstFold, NoDerivatives, Sym, add_expr, unary_func};
use super::rules::rule_table;
use crate::check::{Kernel, Model};
use crate::ir::{Binder, Component, Expr, Shift};
use egg::{Extractor, Id, RecExpr, Runner, SimpleScheduler};

/// Iteration and node limits of one derivative run (never a time limit: determinism).
const ITER_LIMIT: usize = 100;
const NODE_LIMIT: usize = 100_000;
/// Fresh binders for pulled direction sums start here (checked binders count from 0).
const FRESH_BINDERS: Binder = 1 << 20;

/// Everything the generated code evaluates besides the action and the kernels, simplified.
pub struct Derived {
    /// The action density, canonical.
    pub action: Expr,
    /// `∂S/∂φ_{x,a}`, one per component.
    pub force: Vec<Expr>,
    /// `(Hφ)_{x,a}` with `H = ∂²S/∂φ∂φ` at `φ = 0`, one per component: the force of the
    /// action's quadratic part at zero field, from which the runtime builds a Gaussian prior
    /// matching the theory.
    pub quadratic_force: Vec<Expr>,
    /// `∂s/∂θ_i` per site, one per coupling (summed over sites by the code).
    pub param_grads: Vec<Expr>,
    /// Kernels, canonical: per kernel, one expression per component.
    pub kernels: Vec<Vec<Expr>>,
    /// `Σ_a ∂K_{j,x,a}/∂φ_{x,a}` per site, one per kernel.
    pub divergences: Vec<Expr>,
    /// Largest `Σ|c|` over kernel shifts: the divergence is exact on extents above it.
    pub kernel_span: u32,
}

/// Derive force, coupling gradients and divergences of a checked model.
pub fn derive(model: &Model) -> Result<Derived, String> {
    let f = &model.action;
    let (mut force, mut quadratic_force) = (Vec::new(), Vec::new());
    for a in model.components() {
        let (d, linear) = component_force(f, a, model.params.len())?;
        force.push(d);
        quadratic_force.push(linear);
    }
    let param_grads = (0..model.params.len())
        .map(|i| Ok(canonical(partial(f, &Atom::Param(i))?.0)))
        .collect::<Result<_, String>>()?;
    let kernels = model
        .kernels
        .iter()
        .map(|(name, k)| kernel_components(model, name, k))
        .collect::<Result<Vec<_>, String>>()?;
    let divergences = kernels
        .iter()
        .map(|k| {
            let mut terms = Vec::new();
            for (k, a) in k.iter().zip(model.components()) {
                terms.push(partial(k, &Atom::Field(Shift::zero(), a))?.0);
                if k.any(&|e| *e == Expr::Mean(a)) {
                    terms.push(Expr::Mul(vec![
                        Expr::InvVolume,
                        partial(k, &Atom::Mean(a))?.0,
                    ]));
                }
            }
            Ok(canonical(Expr::Add(terms)))
        })
        .collect::<Result<_, String>>()?;
    Ok(Derived {
        action: canonical(f.clone()),
        force,
        quadratic_force,
        param_grads,
        kernel_span: (kernels.iter())
            .flat_map(|k| k.iter().flat_map(Expr::field_occurrences))
            .map(|(s, _)| s.span())
            .max()
            .unwrap_or(0),
        kernels: (kernels.into_iter())
            .map(|k| k.into_iter().map(canonical).collect())
            .collect(),
        divergences,
    })
}

/// A kernel's components: as declared, or the derived gradient of a `grad(f)` kernel.
fn kernel_components(model: &Model, name: &str, k: &Kernel) -> Result<Vec<Expr>, String> {
    let f = match k {
        Kernel::Components(k) => return Ok(k.clone()),
        Kernel::Gradient(f) => f,
    };
    let gradient = (model.components().into_iter())
        .map(|a| Ok(component_force(f, a, model.params.len())?.0))
        .collect::<Result<Vec<_>, String>>()?;
    if gradient.iter().any(crate::coincide::reaches_site) {
        return Err(format!(
            "kernel `{name}`: the gradient reads a field index that is `x` when two directions \
             coincide, so its divergence would miss that term; guard the density's mixed shifts \
             with `distinct(mu, nu)` or use a link field, whose directions are fixed axes"
        ));
    }
    Ok(gradient)
}

/// `∂S/∂φ_{x,a}` of the action density `f`, and its part linear in the field (both
/// canonical).
fn component_force(f: &Expr, a: Component, n_params: usize) -> Result<(Expr, Expr), String> {
    let (mut force_terms, mut linear_terms) = (Vec::new(), Vec::new());
    for (s, b) in f.field_occurrences() {
        if b != a {
            continue;
        }
        let (d, pulled) = partial(f, &Atom::Field(s.clone(), a))?;
        let rename = |b: Binder| pulled.iter().find(|(old, _)| *old == b).map_or(b, |p| p.1);
        let back = s.rename(&rename).neg();
        let place = |e: Expr| {
            pulled
                .iter()
                .fold(e, |e, &(_, fresh)| Expr::Sum(fresh, Box::new(e)))
                .shifted(&back)
        };
        linear_terms.push(place(linearised(&d, n_params)?));
        force_terms.push(place(d));
    }
    if f.any(&|e| *e == Expr::Mean(a)) {
        let d = partial(f, &Atom::Mean(a))?.0;
        let global = |e: Expr| Expr::Mul(vec![Expr::InvVolume, Expr::Total(Box::new(e))]);
        linear_terms.push(global(linearised(&d, n_params)?));
        force_terms.push(global(d));
    }
    Ok((
        canonical(Expr::Add(force_terms)),
        canonical(Expr::Add(linear_terms)),
    ))
}

/// `d/dε e(εφ)` at `ε = 0`: the part of `e` linear in the field (not yet simplified; its free
/// direction binders are kept for the caller to bind). The scale `ε` is the coupling index
/// `n_params`, which no declaration has.
fn linearised(e: &Expr, n_params: usize) -> Result<Expr, String> {
    let eps = Expr::Param(n_params);
    let scaled = e.clone().map_bottom_up(&mut |e| match e {
        Expr::Field(..) | Expr::Mean(_) => Expr::Mul(vec![eps.clone(), e]),
        other => other,
    });
    let slope = partial(&scaled, &Atom::Param(n_params))?.0;
    Ok(slope.map_bottom_up(&mut |e| if e == eps { Expr::int(0) } else { e }))
}

/// `∂e/∂var` with the variable's marked direction sums pulled out: returns the summand and
/// the pulled binders as (original, fresh) pairs (the result is `Σ_fresh… summand`).
fn partial(e: &Expr, var: &Atom) -> Result<(Expr, Vec<(Binder, Binder)>), String> {
    let mut rec = RecExpr::default();
    let root = add_expr(&mut rec, e);
    let v = rec.add(Sym::Atom(var.clone()));
    rec.add(Sym::D([v, root]));
    let rules: Vec<_> = rule_table().into_iter().flat_map(|g| g.rules).collect();
    let runner = Runner::<Sym, ConstFold>::default()
        .with_scheduler(SimpleScheduler)
        .with_iter_limit(ITER_LIMIT)
        .with_node_limit(NODE_LIMIT)
        .with_expr(&rec)
        .run(&rules);
    let (_, best) = Extractor::new(&runner.egraph, NoDerivatives).find_best(runner.roots[0]);
    let mut pulled = Vec::new();
    let root = Id::from(best.as_ref().len() - 1);
    let (expr, _) = lift(&best, root, &mut pulled)?;
    Ok((expr, pulled))
}

/// Convert an extracted expression back to IR, replacing marked sums by their summands.
/// Returns whether the subtree held a marked sum; those must sit in linear positions.
fn lift(
    rec: &RecExpr<Sym>,
    id: Id,
    pulled: &mut Vec<(Binder, Binder)>,
) -> Result<(Expr, bool), String> {
    let nonlinear =
        || "internal: a marked direction sum ended up in a non-linear position".to_string();
    let node = &rec[id];
    if let Some((f, a)) = unary_func(node) {
        let (a, marked) = lift(rec, a, pulled)?;
        return if marked {
            Err(nonlinear())
        } else {
            Ok((Expr::Func(f, Box::new(a)), false))
        };
    }
    Ok(match node {
        Sym::D(_) => {
            return Err(
                "the expression is too large to differentiate within the e-graph limits".into(),
            );
        }
        Sym::Num(v) => (Expr::Num(v.clone()), false),
        Sym::Atom(Atom::Param(i)) => (Expr::Param(*i), false),
        Sym::Atom(Atom::Field(s, a)) => (Expr::Field(s.clone(), *a), false),
        Sym::Atom(Atom::Mean(a)) => (Expr::Mean(*a), false),
        Sym::Atom(Atom::Distinct(a, b)) => (Expr::Distinct(*a, *b), false),
        Sym::Atom(Atom::Binder(_)) => return Err("internal: a direction outside a sum".into()),
        Sym::Sum([b, body]) => {
            let (body, marked) = lift(rec, *body, pulled)?;
            (Expr::Sum(binder(rec, *b)?, Box::new(body)), marked)
        }
        Sym::DSum([b, body]) => {
            let old = binder(rec, *b)?;
            let fresh = match pulled.iter().find(|(o, _)| *o == old) {
                Some(&(_, fresh)) => fresh,
                None => {
                    let fresh = FRESH_BINDERS + pulled.len() as Binder;
                    pulled.push((old, fresh));
                    fresh
                }
            };
            let (body, _) = lift(rec, *body, pulled)?;
            (
                body.rename_binders(&|x| if x == old { fresh } else { x }),
                true,
            )
        }
        Sym::Add([a, b]) => {
            let (a, ma) = lift(rec, *a, pulled)?;
            let (b, mb) = lift(rec, *b, pulled)?;
            if ma != mb && !(if ma { &b } else { &a }).is_zero() {
                return Err(nonlinear());
            }
            (Expr::Add(vec![a, b]), ma || mb)
        }
        Sym::Mul([a, b]) => {
            let (a, ma) = lift(rec, *a, pulled)?;
            let (b, mb) = lift(rec, *b, pulled)?;
            if ma && mb {
                return Err(nonlinear());
            }
            (Expr::Mul(vec![a, b]), ma || mb)
        }
        Sym::Pow([a, p]) => {
            let (a, marked) = lift(rec, *a, pulled)?;
            let p = match &rec[*p] {
                Sym::Num(p) => p.clone(),
                _ => return Err("internal: non-constant exponent".into()),
            };
            if marked {
                return Err(nonlinear());
            }
            (Expr::Pow(Box::new(a), p), false)
        }
        _ => unreachable!("unary functions handled above"),
    })
}

fn binder(rec: &RecExpr<Sym>, id: Id) -> Result<Binder, String> {
    match &rec[id] {
        Sym::Atom(Atom::Binder(b)) => Ok(*b),
        _ => Err("internal: a sum without a direction".into()),
    }
}
