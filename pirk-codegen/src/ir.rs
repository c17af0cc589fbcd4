//! The intermediate representation shared by every stage after `check`: a per-site
//! expression tree with exact rational constants and shift-indexed field occurrences.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};
use std::fmt;

/// A direction variable bound by `sum_mu(…)`; unique per binder after `check`, a de Bruijn
/// level (nesting depth) after canonicalisation.
pub type Binder = u32;

/// A field component: `None` on a one-component field (`phi[x]`), `Some(a)` for `phi[x, a]`
/// on a field declared `phi[N]` (components are unrolled: `a` is a literal below `N`).
pub type Component = Option<u32>;

/// The offset of a component among its site's values (`phi[x * N + a]`).
pub fn component_index(a: Component) -> usize {
    a.map_or(0, |a| a as usize)
}

/// Where one term of a shift points.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dir {
    /// Along a direction bound by `sum_mu(…)`, known at run time.
    Bound(Binder),
    /// Along a fixed lattice axis: a link field's direction sums are unrolled, so its shifts
    /// name axes.
    Axis(u32),
}

/// A field displacement `Σ_d c_d · ê_d`: sorted by direction, no zero coefficients.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Shift(pub Vec<(Dir, i32)>);

impl Shift {
    /// The site itself.
    pub fn zero() -> Self {
        Self(Vec::new())
    }

    /// Whether this is the zero displacement.
    pub fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    /// `self + other`, normalised.
    pub fn add(&self, other: &Shift) -> Shift {
        let mut terms = self.0.clone();
        for &(d, c) in &other.0 {
            match terms.iter_mut().find(|(td, _)| *td == d) {
                Some(t) => t.1 += c,
                None => terms.push((d, c)),
            }
        }
        terms.retain(|&(_, c)| c != 0);
        terms.sort();
        Shift(terms)
    }

    /// `−self`.
    pub fn neg(&self) -> Shift {
        Shift(self.0.iter().map(|&(d, c)| (d, -c)).collect())
    }

    /// Whether the displacement involves binder `b`.
    pub fn mentions(&self, b: Binder) -> bool {
        self.0.iter().any(|&(d, _)| d == Dir::Bound(b))
    }

    /// The bound directions the displacement involves.
    pub fn binders(&self) -> impl Iterator<Item = Binder> + '_ {
        self.0.iter().filter_map(|&(d, _)| match d {
            Dir::Bound(b) => Some(b),
            Dir::Axis(_) => None,
        })
    }

    /// On extents larger than this, `x + s` is never `x` (unless `s` is zero): Σ|c_d|, since
    /// bound directions may coincide; on fixed axes alone, which never do, the largest |c_d|.
    pub fn span(&self) -> u32 {
        let sizes = self.0.iter().map(|&(_, c)| c.unsigned_abs());
        if self.binders().next().is_none() {
            sizes.max().unwrap_or(0)
        } else {
            sizes.sum()
        }
    }

    /// The shift with binders renamed by `f` (axes stay).
    pub fn rename(&self, f: &impl Fn(Binder) -> Binder) -> Shift {
        let mut terms: Vec<_> = (self.0.iter())
            .map(|&(d, c)| match d {
                Dir::Bound(b) => (Dir::Bound(f(b)), c),
                axis => (axis, c),
            })
            .collect();
        terms.sort();
        Shift::zero().add(&Shift(terms))
    }
}

impl fmt::Display for Shift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "x")?;
        for &(d, c) in &self.0 {
            let sign = if c < 0 { '-' } else { '+' };
            match c.unsigned_abs() {
                1 => write!(f, "{sign}")?,
                n => write!(f, "{sign}{n}")?,
            }
            match d {
                Dir::Bound(b) => write!(f, "μ{b}")?,
                Dir::Axis(k) => write!(f, "ê{k}")?,
            }
        }
        Ok(())
    }
}

/// Elementary functions of the surface language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Func {
    /// `exp`
    Exp,
    /// `log` (natural)
    Log,
    /// `sqrt`
    Sqrt,
    /// `sin`
    Sin,
    /// `cos`
    Cos,
    /// `tanh`
    Tanh,
    /// `sinh`
    Sinh,
    /// `cosh`
    Cosh,
}

impl Func {
    /// Every function, in a fixed order.
    pub const ALL: [Func; 8] = [
        Func::Exp,
        Func::Log,
        Func::Sqrt,
        Func::Sin,
        Func::Cos,
        Func::Tanh,
        Func::Sinh,
        Func::Cosh,
    ];

    /// The surface name (also the `f64` method name).
    pub fn name(self) -> &'static str {
        match self {
            Func::Exp => "exp",
            Func::Log => "log",
            Func::Sqrt => "sqrt",
            Func::Sin => "sin",
            Func::Cos => "cos",
            Func::Tanh => "tanh",
            Func::Sinh => "sinh",
            Func::Cosh => "cosh",
        }
    }

    /// Parse a surface name.
    pub fn from_name(name: &str) -> Option<Func> {
        Func::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Evaluate on a float.
    pub fn eval(self, v: f64) -> f64 {
        match self {
            Func::Exp => v.exp(),
            Func::Log => v.ln(),
            Func::Sqrt => v.sqrt(),
            Func::Sin => v.sin(),
            Func::Cos => v.cos(),
            Func::Tanh => v.tanh(),
            Func::Sinh => v.sinh(),
            Func::Cosh => v.cosh(),
        }
    }
}

/// A per-site expression: its value at site `x`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Expr {
    /// An exact constant.
    Num(BigRational),
    /// The i-th declared coupling.
    Param(usize),
    /// The field (one component of it) at `x + shift`.
    Field(Shift, Component),
    /// The lattice average of the field (of one component).
    Mean(Component),
    /// `1/V`, from `∂ mean/∂φ_x`.
    InvVolume,
    /// The number of lattice directions (a direction sum of something that does not
    /// depend on its direction).
    Dims,
    /// `Σ_y e(y)`: a global reduction (forces of actions that use `mean`).
    Total(Box<Expr>),
    /// `Σ_μ body` over all lattice directions.
    Sum(Binder, Box<Expr>),
    /// `[μ_a ≠ μ_b]`: 1 where the two bound directions differ, 0 where they coincide. As a
    /// factor it keeps a field index such as `x + μ − ν` away from `x`.
    Distinct(Binder, Binder),
    /// Sum of terms.
    Add(Vec<Expr>),
    /// Product of factors.
    Mul(Vec<Expr>),
    /// A power with a constant exponent.
    Pow(Box<Expr>, BigRational),
    /// An elementary function.
    Func(Func, Box<Expr>),
}

impl Expr {
    /// An integer constant.
    pub fn int(v: i64) -> Expr {
        Expr::Num(BigRational::from_integer(BigInt::from(v)))
    }

    /// `1/e`.
    pub fn recip(e: Expr) -> Expr {
        Expr::Pow(Box::new(e), -BigRational::one())
    }

    /// The constant value, if this is a number.
    pub fn as_num(&self) -> Option<&BigRational> {
        match self {
            Expr::Num(v) => Some(v),
            _ => None,
        }
    }

    /// Whether this is the exact constant zero.
    pub fn is_zero(&self) -> bool {
        self.as_num().is_some_and(Zero::is_zero)
    }

    /// Direct children, in order.
    pub fn children(&self) -> Vec<&Expr> {
        match self {
            Expr::Num(_)
            | Expr::Param(_)
            | Expr::Field(..)
            | Expr::Mean(_)
            | Expr::InvVolume
            | Expr::Dims
            | Expr::Distinct(..) => vec![],
            Expr::Total(e) | Expr::Sum(_, e) | Expr::Pow(e, _) | Expr::Func(_, e) => vec![e],
            Expr::Add(v) | Expr::Mul(v) => v.iter().collect(),
        }
    }

    /// Whether any node satisfies `pred`.
    pub fn any(&self, pred: &impl Fn(&Expr) -> bool) -> bool {
        pred(self) || self.children().into_iter().any(|c| c.any(pred))
    }

    /// Whether the expression reads the field anywhere (including through `mean`).
    pub fn uses_field(&self) -> bool {
        self.any(&|e| matches!(e, Expr::Field(..) | Expr::Mean(_)))
    }

    /// Binders that occur free (referenced by a field shift but not bound inside).
    pub fn free_binders(&self) -> Vec<Binder> {
        let mut out = Vec::new();
        self.collect_free(&mut Vec::new(), &mut out);
        out.sort();
        out.dedup();
        out
    }

    fn collect_free(&self, bound: &mut Vec<Binder>, out: &mut Vec<Binder>) {
        match self {
            Expr::Field(s, _) => out.extend(s.binders().filter(|b| !bound.contains(b))),
            Expr::Distinct(a, b) => out.extend([a, b].into_iter().filter(|b| !bound.contains(b))),
            Expr::Sum(b, body) => {
                bound.push(*b);
                body.collect_free(bound, out);
                bound.pop();
            }
            Expr::Total(body) => body.collect_free(&mut Vec::new(), out),
            _ => self
                .children()
                .into_iter()
                .for_each(|c| c.collect_free(bound, out)),
        }
    }

    /// Distinct field occurrences (shift and component) read by the expression, sorted.
    pub fn field_occurrences(&self) -> Vec<(Shift, Component)> {
        fn walk(e: &Expr, out: &mut Vec<(Shift, Component)>) {
            if let Expr::Field(s, a) = e {
                out.push((s.clone(), *a));
            }
            e.children().into_iter().for_each(|c| walk(c, out));
        }
        let mut out = Vec::new();
        walk(self, &mut out);
        out.sort();
        out.dedup();
        out
    }

    /// Rebuild with `f` applied bottom-up to every node.
    pub fn map_bottom_up(self, f: &mut impl FnMut(Expr) -> Expr) -> Expr {
        let rebuilt = match self {
            Expr::Total(e) => Expr::Total(Box::new(e.map_bottom_up(f))),
            Expr::Sum(b, e) => Expr::Sum(b, Box::new(e.map_bottom_up(f))),
            Expr::Pow(e, p) => Expr::Pow(Box::new(e.map_bottom_up(f)), p),
            Expr::Func(g, e) => Expr::Func(g, Box::new(e.map_bottom_up(f))),
            Expr::Add(v) => Expr::Add(v.into_iter().map(|c| c.map_bottom_up(f)).collect()),
            Expr::Mul(v) => Expr::Mul(v.into_iter().map(|c| c.map_bottom_up(f)).collect()),
            leaf => leaf,
        };
        f(rebuilt)
    }

    /// Every direction binder (in field shifts and direction guards) renamed by `f`.
    pub fn rename_binders(self, f: &impl Fn(Binder) -> Binder) -> Expr {
        self.map_bottom_up(&mut |e| match e {
            Expr::Field(s, a) => Expr::Field(s.rename(f), a),
            Expr::Distinct(a, b) => Expr::Distinct(f(a), f(b)),
            e => e,
        })
    }

    /// Every field index moved by `by` (the expression evaluated at `x + by`).
    pub fn shifted(self, by: &Shift) -> Expr {
        self.map_shifts(&|s| s.add(by))
    }

    /// Every field shift replaced by `f(shift)`; global reductions are left alone.
    pub fn map_shifts(self, f: &impl Fn(&Shift) -> Shift) -> Expr {
        match self {
            Expr::Field(s, a) => Expr::Field(f(&s), a),
            Expr::Total(e) => Expr::Total(e),
            Expr::Sum(b, e) => Expr::Sum(b, Box::new(e.map_shifts(f))),
            Expr::Pow(e, p) => Expr::Pow(Box::new(e.map_shifts(f)), p),
            Expr::Func(g, e) => Expr::Func(g, Box::new(e.map_shifts(f))),
            Expr::Add(v) => Expr::Add(v.into_iter().map(|c| c.map_shifts(f)).collect()),
            Expr::Mul(v) => Expr::Mul(v.into_iter().map(|c| c.map_shifts(f)).collect()),
            leaf => leaf,
        }
    }
}

impl std::ops::Neg for Expr {
    type Output = Expr;
    fn neg(self) -> Expr {
        Expr::Mul(vec![Expr::int(-1), self])
    }
}

/// A rational as an `f64` (nearest).
pub fn rat_to_f64(r: &BigRational) -> f64 {
    r.to_f64().unwrap_or(f64::NAN)
}

/// Whether a rational is an integer that fits in an `i32`.
pub fn rat_to_i32(r: &BigRational) -> Option<i32> {
    r.is_integer().then(|| r.to_integer().to_i32()).flatten()
}

fn fmt_rat(r: &BigRational, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    if r.is_integer() {
        write!(f, "{}", r.numer())
    } else if r.is_negative() {
        write!(f, "(-{}/{})", r.numer().abs(), r.denom())
    } else {
        write!(f, "({}/{})", r.numer(), r.denom())
    }
}

impl fmt::Display for Expr {
    /// A readable infix form: the "simplified symbolic forms" of the snapshots.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |f: &mut fmt::Formatter<'_>, v: &[Expr], sep: &str| -> fmt::Result {
            write!(f, "(")?;
            for (i, c) in v.iter().enumerate() {
                if i > 0 {
                    write!(f, "{sep}")?;
                }
                write!(f, "{c}")?;
            }
            write!(f, ")")
        };
        match self {
            Expr::Num(r) => fmt_rat(r, f),
            Expr::Param(i) => write!(f, "θ{i}"),
            Expr::Field(s, None) => write!(f, "φ[{s}]"),
            Expr::Field(s, Some(a)) => write!(f, "φ[{s}, {a}]"),
            Expr::Mean(None) => write!(f, "mean"),
            Expr::Mean(Some(a)) => write!(f, "mean{a}"),
            Expr::InvVolume => write!(f, "(1/V)"),
            Expr::Dims => write!(f, "D"),
            Expr::Total(e) => write!(f, "Σ_x {{{e}}}"),
            Expr::Sum(b, e) => write!(f, "Σ_μ{b} {{{e}}}"),
            Expr::Distinct(a, b) => write!(f, "[μ{a}≠μ{b}]"),
            Expr::Add(v) => list(f, v, " + "),
            Expr::Mul(v) => list(f, v, "·"),
            Expr::Pow(e, p) => {
                write!(f, "{e}^")?;
                fmt_rat(p, f)
            }
            Expr::Func(g, e) => write!(f, "{}({e})", g.name()),
        }
    }
}
