//! Semantic checks: AST → IR, every error collected and spanned on the user's tokens.

use crate::ast::{Ast, BinOp, Decl};
use crate::components::{Role, free_indices, role};
use crate::ir::{Binder, Component, Dir, Expr, Func, Shift};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Zero};
use proc_macro2::Span;
use syn::{Attribute, Ident, Visibility};

/// A checked theory: names resolved, shifts normalised, binders unique.
pub struct Model {
    /// Outer attributes of the declaration.
    pub attrs: Vec<Attribute>,
    /// Visibility of the generated type.
    pub vis: Visibility,
    /// Name of the generated type.
    pub name: Ident,
    /// Coupling names.
    pub params: Vec<String>,
    /// The action density at `x`.
    pub action: Expr,
    /// Named kernels `K_j(φ)_x`.
    pub kernels: Vec<(String, Kernel)>,
    /// The field is an angle (`field: periodic theta`); everything is 2π-periodic in it.
    pub periodic: bool,
    /// `field: phi[N]`: N components per site, each indexed by a slot (`None`: one, without).
    pub components: Option<u32>,
    /// `field: link theta[D]`: the components are the directions of a D-dimensional lattice.
    pub link: bool,
}

/// A declared kernel.
pub enum Kernel {
    /// As written: one expression per component (`K_{j,x,a}`).
    Components(Vec<Expr>),
    /// `grad(f)`: `K_{x,a} = ∂/∂φ_{x,a} Σ_y f(y)` of a scalar density `f`, derived by the
    /// compiler. The gradient of a gauge-invariant `f` is a gauge-covariant kernel.
    Gradient(Expr),
}

impl Kernel {
    /// The components as declared (`None` for a gradient, whose components are derived).
    pub fn declared(&self) -> Option<&[Expr]> {
        match self {
            Kernel::Components(k) => Some(k),
            Kernel::Gradient(_) => None,
        }
    }
}

impl Model {
    /// Every component of the field, in order.
    pub fn components(&self) -> Vec<Component> {
        crate::components::all(self.components)
    }
}

/// Check a parsed declaration; on failure, every error at once.
pub fn check(decl: &Decl) -> Result<Model, syn::Error> {
    let mut cx = Checker {
        field: decl
            .field
            .as_ref()
            .map_or("phi".to_string(), Ident::to_string),
        params: decl.params.iter().map(Ident::to_string).collect(),
        components: decl.components.map(|c| c.0),
        link: decl.link.is_some(),
        indices: Vec::new(),
        scope: Vec::new(),
        next_binder: 0,
        errors: Vec::new(),
    };
    let rejected = cx.check_names(decl);
    if decl.periodic.is_some()
        && decl.link.is_none()
        && let Some((_, span)) = decl.components
    {
        cx.error(span, "a periodic field has one component per site");
    }
    let before = cx.errors.len();
    let action = decl.action.as_ref().map(|a| (cx.expr(a), a.first_span()));
    // An action with errors holds placeholders: checking what it uses would only echo them.
    if let Some((action, span)) = &action
        && cx.errors.len() == before
    {
        if !action.uses_field() {
            cx.error(
                *span,
                format!("the action does not depend on the field `{}`", cx.field),
            );
        }
        for (i, p) in decl.params.iter().enumerate() {
            if !rejected.contains(&i) && !action.any(&|e| *e == Expr::Param(i)) {
                cx.error(
                    p.span(),
                    format!("coupling `{p}` does not appear in the action"),
                );
            }
        }
    }
    if decl.kernels.is_empty() {
        cx.error(
            decl.kernels_span,
            "the kernel list is empty: declare at least one kernel",
        );
    }
    let kernels: Vec<(String, Kernel)> = decl
        .kernels
        .iter()
        .map(|(name, ast)| {
            if let Some(p) = ast.find_ident(&|i| decl.params.contains(i)) {
                cx.error(p.span(), format!("kernel `{name}` depends on the coupling `{p}`; kernels are functions of the field only"));
            }
            let k = match gradient_of(ast) {
                Some(density) => Kernel::Gradient(cx.expr(density)),
                None => Kernel::Components(cx.kernel(name, ast)),
            };
            if let Kernel::Components(k) = &k
                && k.iter().any(crate::coincide::reaches_site)
            {
                cx.error(ast.span(), format!("kernel `{name}` reads a field index that is `x` when two directions coincide; its divergence would miss that term (a factor `distinct(mu, nu)` excludes it)"));
            }
            (name.to_string(), k)
        })
        .collect();
    if decl.periodic.is_some() {
        let field = cx.field.clone();
        let kernels = decl
            .kernels
            .iter()
            .map(|k| gradient_of(&k.1).unwrap_or(&k.1));
        let declared = decl.action.iter().chain(kernels);
        for ast in declared {
            if let Some((span, msg)) = crate::periodic::violation(&field, ast) {
                cx.error(span, msg);
            }
        }
    }
    let mut errors = cx.errors.into_iter();
    match errors.next() {
        Some(mut first) => {
            errors.for_each(|e| first.combine(e));
            Err(first)
        }
        None => Ok(Model {
            attrs: decl.attrs.clone(),
            vis: decl.vis.clone(),
            name: decl.name.clone(),
            params: decl.params.iter().map(Ident::to_string).collect(),
            action: action.map(|a| a.0).unwrap_or_else(|| Expr::int(0)),
            kernels,
            periodic: decl.periodic.is_some(),
            components: decl.components.map(|c| c.0),
            link: decl.link.is_some(),
        }),
    }
}

/// The density `f` of a kernel declared `grad(f)`.
fn gradient_of(kernel: &Ast) -> Option<&Ast> {
    match kernel {
        Ast::Call(name, args) if name == "grad" && args.len() == 1 => Some(&args[0]),
        _ => None,
    }
}

struct Checker {
    field: String,
    params: Vec<String>,
    /// `field: phi[N]`.
    components: Option<u32>,
    /// `field: link theta[D]`: every direction is unrolled into a component index, which
    /// shifts read as a fixed axis.
    link: bool,
    /// Component indices bound to values (by unrolled sums or a kernel's free index).
    indices: Vec<(String, u32)>,
    /// Directions bound by enclosing `sum_…(…)`, innermost last.
    scope: Vec<(String, Binder)>,
    next_binder: Binder,
    errors: Vec<syn::Error>,
}

/// Names the expression language reserves.
fn is_reserved(name: &str) -> bool {
    name == "x" || name == "mean" || name.starts_with("sum_") || Func::from_name(name).is_some()
}

impl Checker {
    fn error(&mut self, span: Span, msg: impl std::fmt::Display) {
        self.errors.push(syn::Error::new(span, msg));
    }

    /// Check declared names; returns the indices of rejected couplings.
    fn check_names(&mut self, decl: &Decl) -> Vec<usize> {
        let mut rejected = Vec::new();
        for (i, p) in decl.params.iter().enumerate() {
            let name = p.to_string();
            if decl.params[..i].iter().any(|q| *q == name) {
                self.error(p.span(), format!("duplicate coupling `{name}`"));
                rejected.push(i);
            } else if name == self.field || is_reserved(&name) {
                self.error(
                    p.span(),
                    format!("`{name}` cannot name a coupling: it is the field or a reserved name"),
                );
                rejected.push(i);
            }
        }
        if let Some(f) = &decl.field
            && is_reserved(&f.to_string())
        {
            self.error(
                f.span(),
                format!("`{f}` is reserved and cannot name the field"),
            );
        }
        for (i, (k, _)) in decl.kernels.iter().enumerate() {
            if decl.kernels[..i].iter().any(|(q, _)| q == k) {
                self.error(k.span(), format!("duplicate kernel `{k}`"));
            }
        }
        rejected
    }

    /// Check an expression; on error, record it and return a placeholder.
    fn expr(&mut self, ast: &Ast) -> Expr {
        match ast {
            Ast::Num(text, span) => match parse_decimal(text) {
                Some(v) => Expr::Num(v),
                None => {
                    self.error(*span, format!("cannot read the number `{text}`"));
                    Expr::int(0)
                }
            },
            Ast::Ident(id) => self.ident(id),
            Ast::Index(name, index, slot) => {
                if *name != self.field {
                    self.error(
                        name.span(),
                        format!("only the field `{}` can be indexed", self.field),
                    );
                    return Expr::int(0);
                }
                let component = self.slot(name, slot.as_deref());
                match (self.shift(index), component) {
                    (Some(s), Some(a)) => Expr::Field(s, a),
                    _ => Expr::int(0),
                }
            }
            Ast::Call(name, args) => self.call(name, args),
            Ast::Neg(e, _) => -self.expr(e),
            Ast::Binary(op, a, b, span) => {
                let (a, b) = (self.expr(a), self.expr(b));
                match op {
                    BinOp::Add => Expr::Add(vec![a, b]),
                    BinOp::Sub => Expr::Add(vec![a, -b]),
                    BinOp::Mul => Expr::Mul(vec![a, b]),
                    BinOp::Div => {
                        if const_value(&b).is_some_and(|v| v.is_zero()) {
                            self.error(*span, "division by zero");
                        }
                        Expr::Mul(vec![a, Expr::recip(b)])
                    }
                    BinOp::Pow => match const_value(&b) {
                        Some(p) => Expr::Pow(Box::new(a), p),
                        None => {
                            self.error(
                                *span,
                                "exponents must be numbers (write exp(y * log(x)) for x^y)",
                            );
                            Expr::int(0)
                        }
                    },
                }
            }
        }
    }

    fn ident(&mut self, id: &Ident) -> Expr {
        let name = id.to_string();
        if let Some(i) = self.params.iter().position(|p| *p == name) {
            return Expr::Param(i);
        }
        let msg = if name == self.field {
            format!("the field needs an index: write `{name}[x]` or `{name}[x + mu]`")
        } else if name == "x" {
            "`x` may only appear inside a field index".to_string()
        } else if self.scope.iter().any(|(d, _)| *d == name) {
            format!("direction `{name}` may only appear inside a field index")
        } else if self.indices.iter().any(|(i, _)| *i == name) {
            if self.link {
                format!("direction `{name}` may only appear inside a field index")
            } else {
                format!("component index `{name}` may only appear in a component slot")
            }
        } else {
            let known = if self.params.is_empty() {
                "none".to_string()
            } else {
                self.params.join(", ")
            };
            format!(
                "unknown identifier `{name}` (couplings: {known}; the field is `{}`)",
                self.field
            )
        };
        self.error(id.span(), msg);
        Expr::int(0)
    }

    fn call(&mut self, name: &Ident, args: &[Ast]) -> Expr {
        let fname = name.to_string();
        if fname == "mean" {
            return self.mean(name, args);
        }
        if fname == "grad" {
            self.error(
                name.span(),
                "`grad(f)` is a whole kernel, `name: grad(f)` with one scalar density `f`",
            );
            return Expr::int(0);
        }
        if fname == "distinct" || fname == "ordered" {
            return self.guard(name, args);
        }
        if args.len() != 1 {
            self.error(
                name.span(),
                format!("`{fname}` takes 1 argument, got {}", args.len()),
            );
            return Expr::int(0);
        }
        let arg = &args[0];
        if let Some(dir) = fname.strip_prefix("sum_") {
            if dir.is_empty()
                || dir == "x"
                || *dir == self.field
                || self.params.iter().any(|p| p == dir)
            {
                self.error(
                    name.span(),
                    format!("`{fname}` must bind a fresh direction name, e.g. `sum_mu`"),
                );
                return Expr::int(0);
            }
            let bound = if self.scope.iter().any(|(d, _)| d == dir) {
                Some("direction")
            } else if self.indices.iter().any(|(i, _)| i == dir) {
                Some("component index")
            } else {
                None
            };
            if let Some(what) = bound {
                self.error(
                    name.span(),
                    format!("{what} `{dir}` is already bound by an enclosing `{fname}`"),
                );
                return Expr::int(0);
            }
            if self.link {
                return self.component_sum(dir, arg);
            }
            match role(dir, &self.field, arg) {
                Role::Both(span) => {
                    self.error(
                        span,
                        format!(
                            "`{dir}` is used both as a direction (in a shift) and as a component index"
                        ),
                    );
                    return Expr::int(0);
                }
                Role::Component => return self.component_sum(dir, arg),
                Role::Direction | Role::Unused => {}
            }
            let b = self.next_binder;
            self.next_binder += 1;
            self.scope.push((dir.to_string(), b));
            let body = self.expr(arg);
            self.scope.pop();
            return Expr::Sum(b, Box::new(body));
        }
        match Func::from_name(&fname) {
            Some(f) => Expr::Func(f, Box::new(self.expr(arg))),
            None => {
                let known: Vec<_> = Func::ALL.iter().map(|f| f.name()).collect();
                self.error(
                    name.span(),
                    format!(
                        "unknown function `{fname}`; known: {}, mean, distinct, ordered, sum_<direction>",
                        known.join(", ")
                    ),
                );
                Expr::int(0)
            }
        }
    }

    /// A kernel, one expression per component: a kernel of an N-component field is a vector
    /// `K_{x,a}` over its one free component index `a`, checked once per value of `a`.
    fn kernel(&mut self, name: &Ident, ast: &Ast) -> Vec<Expr> {
        let free = free_indices(&self.field, ast);
        let Some(n) = self.components else {
            return vec![self.expr(ast)];
        };
        match free.as_slice() {
            [] => {
                self.error(
                    name.span(),
                    format!(
                        "kernel `{name}` does not depend on a free component index; a kernel of \
                         an N-component field is a vector K_{{x,a}}"
                    ),
                );
                vec![self.expr(ast)]
            }
            [a] => (0..n)
                .map_while(|c| self.with_index(&a.to_string(), c, ast))
                .collect(),
            [a, b, ..] => {
                self.error(
                    b.span(),
                    format!(
                        "kernel `{name}` has two free component indices, `{a}` and `{b}`; a \
                         vector kernel K_{{x,a}} has one"
                    ),
                );
                vec![Expr::int(0)]
            }
        }
    }

    /// `ast` with the component index `name` bound to `value`; `None` once it has errors (the
    /// other values would repeat them).
    fn with_index(&mut self, name: &str, value: u32, ast: &Ast) -> Option<Expr> {
        let before = self.errors.len();
        self.indices.push((name.to_string(), value));
        let e = self.expr(ast);
        self.indices.pop();
        (self.errors.len() == before).then_some(e)
    }

    /// `sum_a(body)` over a component index: `Σ_{c<N} body[a := c]`, unrolled.
    fn component_sum(&mut self, name: &str, body: &Ast) -> Expr {
        let n = self.components.unwrap_or(1);
        let terms: Vec<Expr> = (0..n)
            .map_while(|c| self.with_index(name, c, body))
            .collect();
        if terms.len() < n as usize {
            return Expr::int(0);
        }
        Expr::Add(terms)
    }

    /// The component slot of a field index (`phi[x, a]`): required on a field declared
    /// `phi[N]`, absent otherwise; `None` after an error.
    fn slot(&mut self, field: &Ident, slot: Option<&Ast>) -> Option<Component> {
        match (self.components, slot) {
            (None, None) => Some(None),
            (None, Some(slot)) => {
                self.error(
                    slot.first_span(),
                    format!(
                        "`{field}` has one component: its index takes no component slot \
                         (declare `field: {field}[N]` for N components)"
                    ),
                );
                None
            }
            (Some(n), None) => {
                self.error(
                    field.span(),
                    format!(
                        "`{field}` has {n} components: write `{field}[x, a]` with a component \
                         index or a literal below {n}"
                    ),
                );
                None
            }
            (Some(n), Some(slot)) => self.component(slot, n).map(Some),
        }
    }

    /// A component: an integer literal below `n`, or a bound component index.
    fn component(&mut self, slot: &Ast, n: u32) -> Option<u32> {
        match slot {
            Ast::Num(text, span) => match text.parse::<u32>() {
                Ok(c) if c < n => Some(c),
                Ok(c) => {
                    self.error(
                        *span,
                        format!(
                            "component {c} is out of range: `{}` has {n} components (0 to {})",
                            self.field,
                            n - 1
                        ),
                    );
                    None
                }
                Err(_) => {
                    self.error(*span, "a component is a whole number");
                    None
                }
            },
            Ast::Ident(id) => match self.indices.iter().rev().find(|(i, _)| id == i) {
                Some(&(_, c)) => Some(c),
                None => {
                    self.error(
                        id.span(),
                        format!(
                            "component index `{id}` is not bound here: wrap the expression in \
                             `sum_{id}(…)` (only a kernel may have a free component index)"
                        ),
                    );
                    None
                }
            },
            other => {
                self.error(
                    other.first_span(),
                    "a component slot holds a component index or an integer literal",
                );
                None
            }
        }
    }

    /// The direction a name stands for: a bound `sum_mu` direction, or on a link field the axis
    /// an unrolled sum (or a kernel's free index) gave it.
    fn direction(&self, id: &Ident) -> Option<Dir> {
        if let Some(&(_, b)) = self.scope.iter().rev().find(|(d, _)| id == d) {
            return Some(Dir::Bound(b));
        }
        let axis = self.indices.iter().rev().find(|(i, _)| id == i);
        axis.filter(|_| self.link).map(|&(_, c)| Dir::Axis(c))
    }

    /// `distinct(mu, nu)`, 1 where two directions differ and 0 where they coincide, or on a
    /// link field `ordered(mu, nu)`, 1 where μ < ν (its directions are known axes).
    fn guard(&mut self, name: &Ident, args: &[Ast]) -> Expr {
        let ordered = name == "ordered";
        let usage = if ordered {
            "`ordered` takes two directions of a link field: `ordered(mu, nu)` (for directions \
             known only at run time, use `distinct(mu, nu)`)"
        } else {
            "`distinct` takes two different bound directions: `distinct(mu, nu)`"
        };
        let dirs: Vec<Option<Dir>> = args
            .iter()
            .map(|a| match a {
                Ast::Ident(d) => self.direction(d),
                _ => None,
            })
            .collect();
        let same_name = matches!(args, [Ast::Ident(a), Ast::Ident(b)] if a == b);
        let value = match dirs.as_slice() {
            _ if same_name => None,
            [Some(Dir::Axis(a)), Some(Dir::Axis(b))] => Some(Expr::int(if ordered {
                i64::from(a < b)
            } else {
                i64::from(a != b)
            })),
            [Some(Dir::Bound(a)), Some(Dir::Bound(b))] if a != b && !ordered => {
                Some(Expr::Distinct(*a, *b))
            }
            _ => None,
        };
        value.unwrap_or_else(|| {
            let span = args
                .iter()
                .zip(&dirs)
                .find(|(_, d)| d.is_none())
                .map_or(name.span(), |(a, _)| a.span());
            self.error(span, usage);
            Expr::int(0)
        })
    }

    /// `mean(phi)`, or `mean(phi, a)` on a field with components.
    fn mean(&mut self, name: &Ident, args: &[Ast]) -> Expr {
        let field = self.field.clone();
        let Some(Ast::Ident(f)) = args
            .first()
            .filter(|a| matches!(a, Ast::Ident(f) if *f == field))
        else {
            let span = args.first().map_or(name.span(), Ast::span);
            self.error(
                span,
                format!("`mean` takes the field itself: `mean({field})`"),
            );
            return Expr::int(0);
        };
        match (self.components, &args[1..]) {
            (None, []) => Expr::Mean(None),
            (Some(n), [slot]) => self
                .component(slot, n)
                .map_or(Expr::int(0), |a| Expr::Mean(Some(a))),
            (None, [slot, ..]) => {
                self.error(
                    slot.first_span(),
                    format!("`{f}` has one component: write `mean({f})`"),
                );
                Expr::int(0)
            }
            (Some(n), _) => {
                self.error(
                    name.span(),
                    format!(
                        "`{f}` has {n} components: write `mean({f}, a)` for the magnetisation of \
                         component `a`"
                    ),
                );
                Expr::int(0)
            }
        }
    }

    /// A field index: `x` plus integer multiples of bound directions.
    fn shift(&mut self, index: &Ast) -> Option<Shift> {
        let mut terms = Vec::new();
        let x = self.linear(index, 1, &mut terms)?;
        if x != 1 {
            self.error(
                index.span(),
                "a field index is `x` plus integer multiples of directions, with `x` exactly once",
            );
            return None;
        }
        Some(Shift::zero().add(&Shift(terms)))
    }

    /// Accumulate `scale · index` into `terms`; returns the coefficient of `x`.
    fn linear(&mut self, ast: &Ast, scale: i32, terms: &mut Vec<(Dir, i32)>) -> Option<i32> {
        let bad = |cx: &mut Self, span, msg: &str| {
            cx.error(span, msg);
            None
        };
        match ast {
            Ast::Ident(id) if id == "x" => Some(scale),
            Ast::Ident(id) => match self.direction(id) {
                Some(d) => {
                    terms.push((d, scale));
                    Some(0)
                }
                None => bad(
                    self,
                    id.span(),
                    &format!(
                        "direction `{id}` is not bound here: wrap the expression in `sum_{id}(…)`"
                    ),
                ),
            },
            Ast::Neg(e, _) => self.linear(e, -scale, terms),
            Ast::Binary(BinOp::Add, a, b, _) => {
                Some(self.linear(a, scale, terms)? + self.linear(b, scale, terms)?)
            }
            Ast::Binary(BinOp::Sub, a, b, _) => {
                Some(self.linear(a, scale, terms)? + self.linear(b, -scale, terms)?)
            }
            Ast::Binary(BinOp::Mul, a, b, span) => {
                let (k, rest) = match (a.as_ref(), b.as_ref()) {
                    (Ast::Num(t, _), other) | (other, Ast::Num(t, _)) => (t, other),
                    _ => {
                        return bad(
                            self,
                            *span,
                            "a shift multiple must be an integer literal times a direction",
                        );
                    }
                };
                match k.parse::<i32>() {
                    Ok(k) => self.linear(rest, scale * k, terms),
                    Err(_) => bad(self, *span, "shift multiples must be integers"),
                }
            }
            Ast::Num(_, span) => bad(
                self,
                *span,
                "a field index cannot hold a constant offset: directions are known only at run time",
            ),
            other => bad(
                self,
                other.span(),
                "a field index is `x` plus integer multiples of directions",
            ),
        }
    }
}

/// The exact value of a constant expression.
pub fn const_value(e: &Expr) -> Option<BigRational> {
    match e {
        Expr::Num(v) => Some(v.clone()),
        Expr::Add(v) => v
            .iter()
            .try_fold(BigRational::zero(), |acc, c| Some(acc + const_value(c)?)),
        Expr::Mul(v) => v
            .iter()
            .try_fold(BigRational::one(), |acc, c| Some(acc * const_value(c)?)),
        Expr::Pow(b, p) => {
            let b = const_value(b)?;
            let n = crate::ir::rat_to_i32(p)?;
            (!(b.is_zero() && n < 0)).then(|| num_traits::pow::Pow::pow(&b, n))
        }
        _ => None,
    }
}

/// A decimal literal (`12`, `0.022`, `1e-3`, `2.5E4`) as an exact rational.
pub fn parse_decimal(text: &str) -> Option<BigRational> {
    let text = text.replace('_', "");
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(i) => (&text[..i], text[i + 1..].parse::<i32>().ok()?),
        None => (text.as_str(), 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits: BigInt = format!("{int}{frac}").parse().ok()?;
    let scale = exponent - frac.len() as i32;
    let ten = BigRational::from_integer(BigInt::from(10));
    Some(BigRational::from_integer(digits) * num_traits::pow::Pow::pow(&ten, scale))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Check `O3 { field: phi[3], params: [m], … }` with the given action and kernels.
    fn o3(action: &str, kernels: &str) -> Result<Model, String> {
        let text = format!(
            "O3 {{ field: phi[3], params: [m], action: {action}, kernels: {{ {kernels} }} }}"
        );
        let decl: Decl = syn::parse_str(&text).map_err(|e| e.to_string())?;
        check(&decl).map_err(|e| e.to_string())
    }

    fn error(action: &str, kernels: &str) -> String {
        match o3(action, kernels) {
            Ok(_) => panic!("`{action}` / `{kernels}` should not check"),
            Err(e) => e,
        }
    }

    #[test]
    fn component_sums_and_vector_kernels_unroll() {
        let model = o3(
            "m * sum_a(phi[x, a]^2) + phi[x, 2]",
            "hop: sum_mu(phi[x + mu, a]), zm: mean(phi, a) * sum_b(phi[x, b]^2)",
        )
        .unwrap();
        assert_eq!(model.components(), [Some(0), Some(1), Some(2)]);
        let action = model.action.to_string();
        for a in 0..3 {
            assert!(action.contains(&format!("φ[x, {a}]^2")), "{action}");
        }
        let [(_, Kernel::Components(hop)), (_, Kernel::Components(zm))] = model.kernels.as_slice()
        else {
            panic!("two kernels")
        };
        assert_eq!(hop.len(), 3);
        assert_eq!(zm.len(), 3);
        for (a, (h, z)) in hop.iter().zip(zm).enumerate() {
            // Each copy binds its own direction; levels name them alike.
            let h = crate::symbolic::relevel(h.clone());
            assert_eq!(h.to_string(), format!("Σ_μ0 {{φ[x+μ0, {a}]}}"));
            assert!(z.to_string().starts_with(&format!("(mean{a}·")), "{z}");
        }
    }

    #[test]
    fn component_errors_are_reported() {
        let action = "m * sum_a(phi[x, a]^2)";
        let id = "id: phi[x, a]";
        assert!(error("m * phi[x, 3]^2", id).contains("component 3 is out of range"));
        assert!(error("m * phi[x]^2", id).contains("`phi` has 3 components"));
        assert!(
            error("m * sum_mu(phi[x, mu] * phi[x + mu, 0])", id)
                .contains("both as a direction (in a shift) and as a component index")
        );
        assert!(
            error(action, "norm: sum_a(phi[x, a]^2)")
                .contains("does not depend on a free component index")
        );
        assert!(
            error(action, "mixed: phi[x, a] * phi[x, b]").contains("two free component indices")
        );
        assert!(error("m * phi[x, a]^2", id).contains("component index `a` is not bound"));
        assert!(
            error("m * sum_a(a * phi[x, a])", id)
                .contains("component index `a` may only appear in a component slot")
        );
        assert!(error(action, "zm: mean(phi) * phi[x, a]").contains("write `mean(phi, a)`"));
        assert!(
            error("m * sum_a(sum_a(phi[x, a]))", id)
                .contains("component index `a` is already bound")
        );
        let scalar = |action: &str, kernels: &str| {
            let text = format!("P {{ params: [m], action: {action}, kernels: {{ {kernels} }} }}");
            let decl: Decl = syn::parse_str(&text).unwrap();
            check(&decl).err().map(|e| e.to_string())
        };
        assert!(scalar("m * phi[x]^2", "id: phi[x]").is_none());
        assert!(
            scalar("m * phi[x, 0]^2", "id: phi[x]")
                .unwrap()
                .contains("takes no component slot")
        );
        assert!(
            scalar("m * phi[x]^2", "zm: mean(phi, 0)")
                .unwrap()
                .contains("write `mean(phi)`")
        );
    }

    /// An error inside an unrolled sum or vector kernel is reported once, not once per
    /// component.
    #[test]
    fn unrolled_errors_are_reported_once() {
        let e = error("m * sum_a(phi[x, a] * q)", "k: phi[x, a] * q");
        assert_eq!(e.matches("unknown identifier `q`").count(), 1, "{e}");
    }

    #[test]
    fn decimals_are_exact() {
        let r = |n: i64, d: i64| BigRational::new(n.into(), d.into());
        assert_eq!(parse_decimal("0.022"), Some(r(22, 1000)));
        assert_eq!(parse_decimal("1e-3"), Some(r(1, 1000)));
        assert_eq!(parse_decimal("2.5E2"), Some(r(250, 1)));
        assert_eq!(parse_decimal("12"), Some(r(12, 1)));
        assert_eq!(parse_decimal("1."), Some(r(1, 1)));
    }
}
