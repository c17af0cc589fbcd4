//! Lowering: canonical IR → a hash-consed DAG (common subexpressions shared) → statements
//! scheduled into scopes: loop-invariant values hoisted, direction sums of one level in one
//! scope fused into a single loop, everything in a fixed order.

mod families;

use crate::factor::factor;
use crate::ir::{Binder, Component, Dir, Expr, Func, Shift, rat_to_f64, rat_to_i32};
use crate::paths::{lanes, vector_function, vector_sin_cos};
use num_rational::BigRational;
use num_traits::{One, Signed};
use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{ToTokens, format_ident, quote};
use std::collections::{BTreeMap, BTreeSet};

/// Index of a DAG node.
type NodeId = usize;

/// A pseudo-binder for the site `x`: values free of it are computed once per sweep.
const SITE: Binder = Binder::MAX;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Node {
    /// An `f64` constant, by its bits.
    Const(u64),
    Param(usize),
    Mean(Component),
    InvVolume,
    Dims,
    /// The k-th global reduction, computed before the site loop.
    Total(usize),
    Field(Shift, Component),
    /// `[μ_a ≠ μ_b]` as 1.0 or 0.0.
    Distinct(Binder, Binder),
    /// Terms with their signs (`true` = subtract).
    Add(Vec<(bool, NodeId)>),
    Mul(Vec<NodeId>),
    Div(NodeId, NodeId),
    Neg(NodeId),
    Powi(NodeId, i32),
    Powf(NodeId, u64),
    Func(Func, NodeId),
    Sum(Binder, NodeId),
}

impl Node {
    fn children(&self) -> Vec<NodeId> {
        match self {
            Node::Add(v) => v.iter().map(|t| t.1).collect(),
            Node::Mul(v) => v.clone(),
            Node::Div(a, b) => vec![*a, *b],
            Node::Neg(a)
            | Node::Powi(a, _)
            | Node::Powf(a, _)
            | Node::Func(_, a)
            | Node::Sum(_, a) => vec![*a],
            _ => vec![],
        }
    }
}

/// How the generated code holds configurations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// One configuration: `phi[x * N + a]`, every value an `f64`.
    Single,
    /// A lane group (`::pirk::lanes`): `phi[(x * N + a) * LANES + l]`; values that depend on
    /// the field are `Lanes`, the rest (couplings, constants) stay `f64`.
    Lanes,
}

/// What a lowered program reads besides `phi` and `x`.
#[derive(Default)]
pub struct Uses {
    /// Couplings read.
    pub params: BTreeSet<usize>,
    /// The components whose `mean` is read.
    pub means: BTreeSet<Component>,
    /// `1/V`.
    pub inv_volume: bool,
    /// `D` as a number.
    pub dims: bool,
    /// A direction loop.
    pub loops: bool,
}

/// A buffer of vector-call values for one block of sites: one value per site and per
/// direction of each loop the call sits in.
pub struct Buffer {
    /// The buffer's variable.
    pub name: Ident,
    /// The in-place function that evaluates the buffer.
    pub function: TokenStream,
    /// How many direction loops the call is inside (`ndim` values per site for each).
    pub directions: usize,
    /// For a sine whose cosine of the same argument is called too: the cosine's buffer, which
    /// `function` (then `sin_cos`) fills from this buffer's arguments.
    pub cosines: Option<Ident>,
}

/// A lowered site loop.
pub struct Site {
    /// Statements before the loop: the values that do not depend on the site.
    pub hoisted: TokenStream,
    /// Statements for site `x`, the `i`-th of its block, that store the arguments of the
    /// vector calls in the buffers.
    pub fill: TokenStream,
    /// One buffer per vector call.
    pub buffers: Vec<Buffer>,
    /// Statements for site `x`, after the vector calls, that compute every root.
    pub body: TokenStream,
    /// The value of each root.
    pub outputs: Vec<TokenStream>,
}

/// Per-site expressions lowered together, sharing every common subexpression.
pub struct SiteProgram {
    layout: Layout,
    /// Values per site in `phi` (`field: phi[N]`).
    components: usize,
    nodes: Vec<Node>,
    free: Vec<BTreeSet<Binder>>,
    /// Per node: depends on the field, so differs between the lanes of a group.
    per_lane: Vec<bool>,
    index: BTreeMap<Node, NodeId>,
    roots: Vec<NodeId>,
    totals: Vec<NodeId>,
}

impl SiteProgram {
    /// Lower the given canonical expressions for `layout`, on a field of `components` values
    /// per site.
    pub fn new(exprs: &[&Expr], layout: Layout, components: usize) -> Self {
        let mut p = SiteProgram {
            layout,
            components,
            nodes: vec![],
            free: vec![],
            per_lane: vec![],
            index: BTreeMap::new(),
            roots: vec![],
            totals: vec![],
        };
        p.roots = exprs.iter().map(|e| p.lower(&factor(e))).collect();
        p.share_transcendentals();
        p
    }

    fn add(&mut self, node: Node) -> NodeId {
        if let Some(&id) = self.index.get(&node) {
            return id;
        }
        let mut free: BTreeSet<Binder> = node
            .children()
            .iter()
            .flat_map(|&c| self.free[c].clone())
            .collect();
        match &node {
            Node::Field(s, _) => free.extend(s.binders().chain([SITE])),
            Node::Distinct(a, b) => free.extend([*a, *b]),
            Node::Sum(l, _) => {
                free.remove(l);
            }
            _ => {}
        }
        let per_lane = matches!(node, Node::Field(..) | Node::Mean(_) | Node::Total(_))
            || node.children().iter().any(|&c| self.per_lane[c]);
        let id = self.nodes.len();
        self.nodes.push(node.clone());
        self.free.push(free);
        self.per_lane.push(per_lane);
        self.index.insert(node, id);
        id
    }

    fn constant(&mut self, v: f64) -> NodeId {
        self.add(Node::Const(v.to_bits()))
    }

    fn lower(&mut self, e: &Expr) -> NodeId {
        match e {
            Expr::Num(c) => self.constant(rat_to_f64(c)),
            Expr::Param(i) => self.add(Node::Param(*i)),
            Expr::Field(s, a) => self.add(Node::Field(s.clone(), *a)),
            Expr::Distinct(a, b) => self.add(Node::Distinct(*a, *b)),
            Expr::Mean(a) => self.add(Node::Mean(*a)),
            Expr::InvVolume => self.add(Node::InvVolume),
            Expr::Dims => self.add(Node::Dims),
            Expr::Total(body) => {
                let body = self.lower(body);
                let k = match self.totals.iter().position(|&t| t == body) {
                    Some(k) => k,
                    None => {
                        self.totals.push(body);
                        self.totals.len() - 1
                    }
                };
                self.add(Node::Total(k))
            }
            Expr::Sum(l, body) => {
                let body = self.lower(body);
                self.add(Node::Sum(*l, body))
            }
            Expr::Add(terms) => {
                let terms = terms.iter().map(|t| self.signed_term(t)).collect();
                self.add(Node::Add(terms))
            }
            Expr::Mul(factors) => self.product(factors),
            Expr::Pow(b, p) => {
                let (numer, denom) = self.power(b, p);
                match denom {
                    Some(d) => {
                        let one = self.constant(1.0);
                        let n = numer.unwrap_or(one);
                        self.add(Node::Div(n, d))
                    }
                    None => numer.expect("a power has a numerator or a denominator"),
                }
            }
            Expr::Func(f, a) => {
                let a = self.lower(a);
                self.add(Node::Func(*f, a))
            }
        }
    }

    /// A term of a sum with its sign pulled out of a negative coefficient.
    fn signed_term(&mut self, t: &Expr) -> (bool, NodeId) {
        match t {
            Expr::Num(c) if c.is_negative() => (true, self.constant(rat_to_f64(&-c))),
            Expr::Mul(f)
                if f.first()
                    .and_then(Expr::as_num)
                    .is_some_and(|c| c.is_negative()) =>
            {
                let mut f = f.clone();
                f[0] = Expr::Num(-f[0].as_num().expect("leading coefficient").clone());
                (true, self.product(&f))
            }
            other => (false, self.lower(other)),
        }
    }

    /// `base^p` as (numerator, denominator) factors.
    fn power(&mut self, b: &Expr, p: &BigRational) -> (Option<NodeId>, Option<NodeId>) {
        let base = self.lower(b);
        let half = BigRational::new(1.into(), 2.into());
        let positive = |s: &mut Self, q: &BigRational| -> NodeId {
            if q.is_one() {
                base
            } else if *q == half {
                s.add(Node::Func(Func::Sqrt, base))
            } else if let Some(n) = rat_to_i32(q) {
                s.add(Node::Powi(base, n))
            } else {
                s.add(Node::Powf(base, rat_to_f64(q).to_bits()))
            }
        };
        if p.is_negative() {
            (None, Some(positive(self, &-p)))
        } else {
            (Some(positive(self, p)), None)
        }
    }

    fn product(&mut self, factors: &[Expr]) -> NodeId {
        let mut numer = Vec::new();
        let mut denom = Vec::new();
        let mut negate = false;
        for f in factors {
            match f {
                Expr::Num(c) if c == &-BigRational::one() => negate = !negate,
                Expr::Num(c) if c.is_one() => {}
                Expr::Pow(b, p) => {
                    let (n, d) = self.power(b, p);
                    numer.extend(n);
                    denom.extend(d);
                }
                other => numer.push(self.lower(other)),
            }
        }
        let mut node = match numer.len() {
            0 => self.constant(1.0),
            1 => numer[0],
            _ => self.add(Node::Mul(numer)),
        };
        if !denom.is_empty() {
            let d = if denom.len() == 1 {
                denom[0]
            } else {
                self.add(Node::Mul(denom))
            };
            node = self.add(Node::Div(node, d));
        }
        if negate {
            self.add(Node::Neg(node))
        } else {
            node
        }
    }

    /// What the program reads, for the caller's prelude.
    pub fn uses(&self) -> Uses {
        let mut u = Uses::default();
        for n in &self.nodes {
            match n {
                Node::Param(i) => {
                    u.params.insert(*i);
                }
                Node::Mean(a) => {
                    u.means.insert(*a);
                }
                Node::InvVolume => u.inv_volume = true,
                Node::Dims => u.dims = true,
                Node::Sum(..) => u.loops = true,
                _ => {}
            }
        }
        u
    }

    /// Statements computing the global reductions (`total0`, …) before the site loop. A
    /// reduction of a site-invariant value (say a function of `mean` in the action) is the
    /// value times the volume, not a loop.
    pub fn totals(&self, names: &mut usize) -> TokenStream {
        let mut out = TokenStream::new();
        for (k, &t) in self.totals.iter().enumerate() {
            let mut memo = BTreeMap::new();
            let name = format_ident!("total{}", k);
            if !self.free[t].contains(&SITE) {
                let block = self.block(&[t], &BTreeSet::new(), &mut memo, names);
                let value = &memo[&t];
                out.extend(quote! {
                    let #name = {
                        #block
                        volume as f64 * #value
                    };
                });
                continue;
            }
            let block = self.block(&[t], &BTreeSet::from([SITE]), &mut memo, names);
            let value = &memo[&t];
            let zero = self.zero(t);
            out.extend(quote! {
                let #name = {
                    let mut acc = #zero;
                    for x in 0..volume {
                        #block
                        acc += #value;
                    }
                    acc
                };
            });
        }
        out
    }

    /// The statements of the site loop and one expression per root.
    pub fn site(&self, names: &mut usize) -> Site {
        let mut memo = BTreeMap::new();
        let hoisted = self.block(&self.roots, &BTreeSet::new(), &mut memo, names);
        let site = BTreeSet::from([SITE]);
        // The calls grouped by the direction loops they sit in, each group filled by one
        // loop nest.
        let mut nests: BTreeMap<Vec<Binder>, Vec<Store>> = BTreeMap::new();
        let mut buffers = Vec::new();
        let calls = self.vector_calls(&memo);
        // A cosine of an argument whose sine is called too comes with the sine's call: the
        // sine's node → the cosine's.
        let cosine_of: BTreeMap<NodeId, NodeId> = (calls.iter())
            .filter(|c| c.2 == Func::Sin)
            .filter_map(|&(n, arg, _)| {
                (calls.iter())
                    .find(|&&(_, a, f)| a == arg && f == Func::Cos)
                    .map(|c| (n, c.0))
            })
            .collect();
        let paired: BTreeSet<NodeId> = cosine_of.values().copied().collect();
        for (k, (n, arg, f)) in calls
            .iter()
            .copied()
            .filter(|c| !paired.contains(&c.0))
            .enumerate()
        {
            let binders: Vec<Binder> = self.free[n]
                .iter()
                .copied()
                .filter(|&b| b != SITE)
                .collect();
            let (name, index) = (format_ident!("{}{}", f.name(), k), buffer_index(&binders));
            memo.insert(n, self.read(quote!(#name), &index));
            let cosines = cosine_of.get(&n).map(|&m| {
                let cosines = format_ident!("cos{}", k);
                memo.insert(m, self.read(quote!(#cosines), &index));
                cosines
            });
            let function = match cosines {
                Some(_) => vector_sin_cos(self.layout),
                None => {
                    vector_function(f, self.layout).expect("vector calls have a vector function")
                }
            };
            buffers.push(Buffer {
                name: name.clone(),
                function,
                directions: binders.len(),
                cosines,
            });
            nests
                .entry(binders)
                .or_default()
                .push(Store { name, index, arg });
        }
        let mut fill_memo = memo.clone();
        let fill = nests
            .iter()
            .map(|(binders, stores)| self.fill_nest(binders, &site, stores, &mut fill_memo, names))
            .collect();
        let body = self.block(&self.roots, &site, &mut memo, names);
        Site {
            hoisted,
            fill,
            buffers,
            body,
            outputs: self.roots.iter().map(|r| memo[r].clone()).collect(),
        }
    }

    /// The loop nest over `binders` (outermost first) that writes the arguments of `stores`
    /// into their buffers, each value computed in the outermost scope where it is defined.
    fn fill_nest(
        &self,
        binders: &[Binder],
        bound: &BTreeSet<Binder>,
        stores: &[Store],
        memo: &mut BTreeMap<NodeId, TokenStream>,
        names: &mut usize,
    ) -> TokenStream {
        let args: Vec<NodeId> = stores.iter().map(|s| s.arg).collect();
        let mut out = self.block(&args, bound, memo, names);
        match binders.split_first() {
            None => {
                for Store { name, index, arg } in stores {
                    let arg = &memo[arg];
                    out.extend(match self.layout {
                        Layout::Single => quote!(#name[#index] = #arg;),
                        Layout::Lanes => quote!(#arg.store(&mut #name, #index);),
                    });
                }
            }
            Some((&l, rest)) => {
                let mut inner_bound = bound.clone();
                inner_bound.insert(l);
                let inner = self.fill_nest(rest, &inner_bound, stores, &mut memo.clone(), names);
                let mu = direction(l);
                out.extend(quote!(for #mu in 0..ndim { #inner }));
            }
        }
        out
    }

    /// The calls worth evaluating a block of sites at a time, as (call, argument, function):
    /// a function with a vector form whose argument depends on the site (reading the field
    /// at the site or its neighbours, inside direction loops or not) and contains no other
    /// such call (that one is vectorised instead, so each value has one definition).
    fn vector_calls(&self, hoisted: &BTreeMap<NodeId, TokenStream>) -> Vec<(NodeId, NodeId, Func)> {
        // Everything reachable past the hoisted values depends on the site.
        let candidate = |n: NodeId| match self.nodes[n] {
            Node::Func(f, a) if vector_function(f, self.layout).is_some() => Some((a, f)),
            _ => None,
        };
        self.reachable(&self.roots, hoisted)
            .into_iter()
            .filter_map(|n| candidate(n).map(|(a, f)| (n, a, f)))
            .filter(|&(_, a, _)| {
                self.reachable(&[a], hoisted)
                    .into_iter()
                    .all(|m| candidate(m).is_none())
            })
            .collect()
    }

    /// Whether the i-th root has the same value at every site.
    pub fn is_site_invariant(&self, i: usize) -> bool {
        !self.free[self.roots[i]].contains(&SITE)
    }

    fn reachable(
        &self,
        roots: &[NodeId],
        memo: &BTreeMap<NodeId, TokenStream>,
    ) -> BTreeSet<NodeId> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<NodeId> = roots.to_vec();
        while let Some(n) = stack.pop() {
            if memo.contains_key(&n) || !seen.insert(n) {
                continue;
            }
            stack.extend(self.nodes[n].children());
        }
        seen
    }

    /// Emit, in scope `bound`, every node reachable from `roots` that can be computed here.
    fn block(
        &self,
        roots: &[NodeId],
        bound: &BTreeSet<Binder>,
        memo: &mut BTreeMap<NodeId, TokenStream>,
        names: &mut usize,
    ) -> TokenStream {
        let here: Vec<NodeId> = self
            .reachable(roots, memo)
            .into_iter()
            .filter(|&n| self.free[n].is_subset(bound))
            .collect();
        let mut out = TokenStream::new();
        loop {
            let mut progress = false;
            for &n in &here {
                if memo.contains_key(&n) || matches!(self.nodes[n], Node::Sum(..)) {
                    continue;
                }
                if self.nodes[n]
                    .children()
                    .iter()
                    .all(|c| memo.contains_key(c))
                {
                    let value = self.value(n, memo);
                    if self.is_trivial(n) {
                        memo.insert(n, value);
                    } else {
                        let v = format_ident!("v{}", *names);
                        *names += 1;
                        out.extend(quote! { let #v = #value; });
                        memo.insert(n, quote!(#v));
                    }
                    progress = true;
                }
            }
            // Direction sums whose loop-invariant inputs are all available, fused per level.
            let mut ready: BTreeMap<Binder, Vec<NodeId>> = BTreeMap::new();
            for &n in &here {
                if let Node::Sum(l, body) = self.nodes[n]
                    && !memo.contains_key(&n)
                    && self
                        .reachable(&[body], memo)
                        .iter()
                        .all(|m| !here.contains(m) || memo.contains_key(m))
                {
                    ready.entry(l).or_default().push(n);
                }
            }
            for (l, sums) in ready {
                out.extend(self.fused_loop(l, &sums, bound, memo, names));
                progress = true;
            }
            if !progress {
                return out;
            }
        }
    }

    fn fused_loop(
        &self,
        l: Binder,
        sums: &[NodeId],
        bound: &BTreeSet<Binder>,
        memo: &mut BTreeMap<NodeId, TokenStream>,
        names: &mut usize,
    ) -> TokenStream {
        let bodies: Vec<NodeId> = sums.iter().map(|&s| self.nodes[s].children()[0]).collect();
        let mut inner_bound = bound.clone();
        inner_bound.insert(l);
        let mut inner_memo = memo.clone();
        let inner = self.block(&bodies, &inner_bound, &mut inner_memo, names);
        let accs: Vec<Ident> = sums
            .iter()
            .map(|_| {
                *names += 1;
                format_ident!("v{}", *names - 1)
            })
            .collect();
        let values: Vec<&TokenStream> = bodies.iter().map(|b| &inner_memo[b]).collect();
        let mu = direction(l);
        for (s, acc) in sums.iter().zip(&accs) {
            memo.insert(*s, quote!(#acc));
        }
        let zeros = sums.iter().map(|&s| self.zero(s));
        quote! {
            #(let mut #accs = #zeros;)*
            for #mu in 0..ndim {
                #inner
                #(#accs += #values;)*
            }
        }
    }

    /// Entry `index` of a per-site (or per-buffer-slot) array.
    fn read(&self, array: TokenStream, index: &TokenStream) -> TokenStream {
        match self.layout {
            Layout::Single => quote!(#array[#index]),
            Layout::Lanes => {
                let lanes = lanes();
                quote!(#lanes::load(&#array, #index))
            }
        }
    }

    /// The zero an accumulator of node `n` starts from.
    fn zero(&self, n: NodeId) -> TokenStream {
        match (self.layout, self.per_lane[n]) {
            (Layout::Lanes, true) => {
                let lanes = lanes();
                quote!(#lanes::ZERO)
            }
            _ => quote!(0.0),
        }
    }

    fn is_trivial(&self, n: NodeId) -> bool {
        matches!(
            self.nodes[n],
            Node::Const(_)
                | Node::Param(_)
                | Node::Mean(_)
                | Node::InvVolume
                | Node::Dims
                | Node::Total(_)
        )
    }

    fn value(&self, n: NodeId, memo: &BTreeMap<NodeId, TokenStream>) -> TokenStream {
        let m = |c: &NodeId| memo[c].clone();
        // A method receiver needs a typed literal (`2f64.sqrt()`).
        let receiver = |c: &NodeId| match self.nodes[*c] {
            Node::Const(bits) => {
                let lit = Literal::f64_suffixed(f64::from_bits(bits));
                quote!(#lit)
            }
            _ => memo[c].clone(),
        };
        match &self.nodes[n] {
            Node::Const(bits) => {
                let lit = Literal::f64_unsuffixed(f64::from_bits(*bits));
                quote!(#lit)
            }
            Node::Param(i) => {
                let p = format_ident!("theta{}", i);
                quote!(#p)
            }
            Node::Mean(a) => {
                let mean = mean_name(*a);
                quote!(#mean)
            }
            Node::InvVolume => quote!(inv_volume),
            Node::Dims => quote!(dims),
            Node::Total(k) => {
                let t = format_ident!("total{}", k);
                quote!(#t)
            }
            Node::Field(s, a) => {
                let index = component_slot(site_index(s), *a, self.components);
                self.read(quote!(phi), &index)
            }
            Node::Distinct(a, b) => {
                let (a, b) = (direction(*a), direction(*b));
                quote!(if #a != #b { 1.0 } else { 0.0 })
            }
            Node::Add(terms) => {
                let mut out = TokenStream::new();
                for (i, (neg, t)) in terms.iter().enumerate() {
                    let t = m(t);
                    out.extend(match (i, neg) {
                        (0, false) => quote!(#t),
                        (0, true) => quote!(-#t),
                        (_, false) => quote!(+ #t),
                        (_, true) => quote!(- #t),
                    });
                }
                out
            }
            Node::Mul(factors) => {
                let (first, rest) = factors.split_first().expect("a product has factors");
                let (first, rest) = (m(first), rest.iter().map(m));
                quote!(#first #(* #rest)*)
            }
            Node::Div(a, b) => {
                let (a, b) = (m(a), m(b));
                quote!(#a / #b)
            }
            Node::Neg(a) => {
                let a = m(a);
                quote!(-#a)
            }
            Node::Powi(a, n) => {
                let a = receiver(a);
                match n {
                    2 => quote!(#a * #a),
                    3 => quote!(#a * #a * #a),
                    _ => quote!(#a.powi(#n)),
                }
            }
            Node::Powf(a, bits) => {
                let (a, p) = (receiver(a), Literal::f64_unsuffixed(f64::from_bits(*bits)));
                quote!(#a.powf(#p))
            }
            Node::Func(f, a) => {
                let (a, name) = (
                    receiver(a),
                    Ident::new(
                        if *f == Func::Log { "ln" } else { f.name() },
                        Span::call_site(),
                    ),
                );
                quote!(#a.#name())
            }
            Node::Sum(..) => unreachable!("sums are emitted as loops"),
        }
    }
}

/// A vector call's argument and where the fill pass stores it.
struct Store {
    name: Ident,
    index: TokenStream,
    arg: NodeId,
}

/// The position of the `i`-th site's value in the buffer of a call inside the direction
/// loops `binders`: `ndim` values per site for each loop, the innermost fastest.
fn buffer_index(binders: &[Binder]) -> TokenStream {
    let mut index = quote!(i);
    for (k, &b) in binders.iter().enumerate() {
        let mu = direction(b);
        index = if k == 0 {
            quote!(#index * ndim + #mu)
        } else {
            quote!((#index) * ndim + #mu)
        };
    }
    index
}

/// Where a slice over a field of `components` values per site holds component `a` of `site`:
/// `site * N + a`.
pub fn component_slot(site: TokenStream, a: Component, components: usize) -> TokenStream {
    let n = Literal::usize_unsuffixed(components);
    match a {
        None => site,
        Some(0) => quote!(#site * #n),
        Some(a) => {
            let a = Literal::usize_unsuffixed(a as usize);
            quote!(#site * #n + #a)
        }
    }
}

/// The variable holding the lattice average of component `a`.
pub fn mean_name(a: Component) -> Ident {
    match a {
        None => format_ident!("mean"),
        Some(a) => format_ident!("mean{}", a),
    }
}

/// The loop variable of direction level `l`.
fn direction(l: Binder) -> Ident {
    format_ident!("mu{}", l)
}

/// The site `x + shift`, through the lattice's neighbour tables.
fn site_index(s: &Shift) -> TokenStream {
    let mut index = quote!(x);
    for &(d, c) in &s.0 {
        let mu = match d {
            Dir::Bound(b) => direction(b).into_token_stream(),
            Dir::Axis(k) => Literal::usize_unsuffixed(k as usize).into_token_stream(),
        };
        index = match c {
            1 => quote!(lat.neighbor(#index, #mu, true)),
            -1 => quote!(lat.neighbor(#index, #mu, false)),
            c => quote!(lat.hop(#index, #mu, #c)),
        };
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(f: Func, e: Expr) -> Expr {
        Expr::Func(f, Box::new(e))
    }

    /// A block that needs the sine and the cosine of one argument fills one buffer and makes
    /// one `sin_cos` call for both; their harmonics come from them (`families.rs`), and a
    /// cosine of another argument keeps its own call.
    #[test]
    fn sine_and_cosine_of_one_argument_share_a_call() {
        let phi = Expr::Field(Shift::zero(), None);
        let two = || Expr::Num(BigRational::from_integer(2.into()));
        let exprs = [
            call(Func::Sin, phi.clone()),
            call(Func::Cos, Expr::Mul(vec![two(), phi.clone()])),
            call(
                Func::Cos,
                Expr::Pow(Box::new(phi.clone()), two().as_num().unwrap().clone()),
            ),
        ];
        for layout in [Layout::Single, Layout::Lanes] {
            let program = SiteProgram::new(&exprs.iter().collect::<Vec<_>>(), layout, 1);
            let site = program.site(&mut 0);
            let calls: Vec<(String, Option<String>)> = (site.buffers.iter())
                .map(|b| {
                    (
                        b.function.to_string(),
                        b.cosines.as_ref().map(Ident::to_string),
                    )
                })
                .collect();
            let sin_cos = vector_sin_cos(layout).to_string();
            let cos = vector_function(Func::Cos, layout).unwrap().to_string();
            assert_eq!(
                calls,
                [(sin_cos, Some("cos0".into())), (cos, None)],
                "{layout:?}"
            );
        }
    }
}
