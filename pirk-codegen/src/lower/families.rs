//! One transcendental per argument family. Calls whose arguments differ only by a constant
//! factor share one evaluation: `tanh(2^k c·u)` comes from `tanh(c·u)` by the doubling
//! formula `tanh 2v = 2t/(1 + t²)`, `exp(n c·u)` is `exp(c·u)^n`, and the sines and cosines
//! of whole multiples `n c·u` (`|n|` ≤ [`MAX_HARMONIC`]) come from `s = sin(c·u)` and
//! `c = cos(c·u)` by angle addition, `sin (k+1)v = s_k c + c_k s`, `cos (k+1)v = c_k c − s_k s`,
//! where the block evaluates `s` and `c` with one `sin_cos`. A basis with `tanh(φ/4)`,
//! `tanh(φ/2)`, `tanh(φ)` and `tanh(2φ)` then evaluates one `tanh` per site, and the harmonics
//! `sin(nΔθ)`, `cos(nΔθ)` of an angle field's kernels and divergences one `sin_cos` per bond.
//!
//! Accuracy: the doubling map is well-conditioned (its relative condition number is
//! `(1 − t²)/(1 + t²) ≤ 1`), so each doubling adds its own three roundings, about 1.5 ulp, to
//! the error of the value it doubles, saturates exactly at ±1 and keeps NaN. `exp(a)^n`
//! multiplies the relative error of `exp(a)` by `n` and adds the rounding of the powers.
//! Each angle-addition step adds at most the errors of `s` and `c` (1 ulp each) and three
//! roundings of values within [−1, 1] to the previous pair's absolute error: an absolute error
//! below `3n` ulp of 1 for the n-th harmonic (relative accuracy is lost only where the
//! harmonic itself is near zero). All are bounded below by [`MAX_DOUBLINGS`], [`MAX_POWER`]
//! and [`MAX_HARMONIC`].

use super::{Node, NodeId, SiteProgram};
use crate::ir::Func;
use std::collections::BTreeMap;

/// A member of a sine and cosine family that others derive from: `sin(c₀·u)`, `cos(c₀·u)`.
struct Source {
    /// c₀.
    c: f64,
    /// The argument node `c₀·u`.
    arg: NodeId,
    /// The nodes of (sin, cos) of each multiple `k c₀·u` made so far, by `k ≥ 2`.
    made: BTreeMap<i32, (NodeId, NodeId)>,
}

/// Most doublings a `tanh` is derived over (factor 16).
const MAX_DOUBLINGS: i32 = 4;
/// Largest power an `exp` is derived as.
const MAX_POWER: i32 = 8;
/// Largest multiple whose sine and cosine are derived from those of a smaller argument.
const MAX_HARMONIC: i32 = 4;

impl SiteProgram {
    /// Rewrites every `tanh`, `exp`, `sin` and `cos` call that a member of its family gives
    /// cheaply.
    pub(super) fn share_transcendentals(&mut self) {
        let calls: Vec<(NodeId, Func, NodeId)> = (0..self.nodes.len())
            .filter_map(|n| match self.nodes[n] {
                Node::Func(f @ (Func::Tanh | Func::Exp | Func::Sin | Func::Cos), a) => {
                    Some((n, f, a))
                }
                _ => None,
            })
            .collect();
        let mut families: BTreeMap<(Func, NodeId), Vec<(f64, NodeId)>> = BTreeMap::new();
        // Sines and cosines form one family per argument, negated arguments included.
        let mut harmonics: BTreeMap<NodeId, Vec<(f64, Func, NodeId)>> = BTreeMap::new();
        for (n, f, a) in calls {
            if matches!(f, Func::Sin | Func::Cos) {
                let (c, base) = self.signed(a);
                harmonics.entry(base).or_default().push((c, f, n));
            } else {
                let (c, base) = self.scaled(a);
                families.entry((f, base)).or_default().push((c, n));
            }
        }
        for ((f, _), mut members) in families {
            members.sort_by(|a, b| a.0.abs().total_cmp(&b.0.abs()));
            match f {
                Func::Tanh => self.share_tanh(&members),
                _ => self.share_exp(&members),
            }
        }
        let mut derived = BTreeMap::new();
        for (_, mut members) in harmonics {
            members.sort_by(|a, b| a.0.abs().total_cmp(&b.0.abs()).then(a.0.total_cmp(&b.0)));
            self.share_harmonics(&members, &mut derived);
        }
        self.redirect(&derived);
    }

    /// Every use of a node in `to` (children, roots, reductions) becomes a use of its image.
    fn redirect(&mut self, to: &BTreeMap<NodeId, NodeId>) {
        if to.is_empty() {
            return;
        }
        let image = |n: &mut NodeId| *n = *to.get(n).unwrap_or(n);
        for node in &mut self.nodes {
            match node {
                Node::Add(terms) => terms.iter_mut().for_each(|t| image(&mut t.1)),
                Node::Mul(factors) => factors.iter_mut().for_each(image),
                Node::Div(a, b) => {
                    image(a);
                    image(b);
                }
                Node::Neg(a)
                | Node::Powi(a, _)
                | Node::Powf(a, _)
                | Node::Func(_, a)
                | Node::Sum(_, a) => image(a),
                _ => {}
            }
        }
        self.roots.iter_mut().for_each(image);
        self.totals.iter_mut().for_each(image);
    }

    /// `sin(c·u)` and `cos(c·u)` of every member (`(c, function, node)`, by ascending `|c|`)
    /// whose `c` is a whole multiple `n c₀`, `2 ≤ |n| ≤ MAX_HARMONIC` or `n = −1`, of an
    /// earlier member's `c₀`, from that member's sine and cosine by angle addition: the member
    /// and the node that replaces it go into `derived`.
    fn share_harmonics(
        &mut self,
        members: &[(f64, Func, NodeId)],
        derived: &mut BTreeMap<NodeId, NodeId>,
    ) {
        let mut sources: Vec<Source> = Vec::new();
        for &(c, f, n) in members {
            let Node::Func(_, arg) = self.nodes[n] else {
                unreachable!("members are calls");
            };
            let found = (sources.iter())
                .position(|s| s.c == c)
                .map(|i| (i, 1))
                .or_else(|| {
                    (sources.iter())
                        .enumerate()
                        .find_map(|(i, s)| harmonic(s.c, c).map(|m| (i, m)))
                });
            let Some((i, m)) = found else {
                sources.push(Source {
                    c,
                    arg,
                    made: BTreeMap::new(),
                });
                continue;
            };
            if m == 1 {
                continue;
            }
            let (sin, cos) = self.multiple(&mut sources[i], m.abs());
            // sin(−v) = −sin v, cos(−v) = cos v.
            let image = match (f, m < 0) {
                (Func::Sin, false) => sin,
                (Func::Sin, true) => self.add(Node::Neg(sin)),
                _ => cos,
            };
            derived.insert(n, image);
        }
    }

    /// The nodes of `sin(k c₀·u)` and `cos(k c₀·u)` of `source`, `k ≥ 1`, each step from the
    /// one before.
    fn multiple(&mut self, source: &mut Source, k: i32) -> (NodeId, NodeId) {
        let arg = source.arg;
        let (s, c) = (
            self.add(Node::Func(Func::Sin, arg)),
            self.add(Node::Func(Func::Cos, arg)),
        );
        if k == 1 {
            return (s, c);
        }
        if let Some(&pair) = source.made.get(&k) {
            return pair;
        }
        let (sk, ck) = self.multiple(source, k - 1);
        let product = |p: &mut Self, a: NodeId, b: NodeId| p.add(Node::Mul(vec![a, b]));
        let (sk_c, ck_s, ck_c, sk_s) = (
            product(self, sk, c),
            product(self, ck, s),
            product(self, ck, c),
            product(self, sk, s),
        );
        let pair = (
            self.add(Node::Add(vec![(false, sk_c), (false, ck_s)])),
            self.add(Node::Add(vec![(false, ck_c), (true, sk_s)])),
        );
        source.made.insert(k, pair);
        pair
    }

    /// [`Self::scaled`] through a negation: `−(c·u)` → `(−c, u)`.
    fn signed(&mut self, a: NodeId) -> (f64, NodeId) {
        match self.nodes[a] {
            Node::Neg(inner) => {
                let (c, base) = self.scaled(inner);
                (-c, base)
            }
            _ => self.scaled(a),
        }
    }

    /// `tanh(c·u)` of every member from the smallest `|c|` it doubles from, through the
    /// members (or new doublings) in between.
    fn share_tanh(&mut self, members: &[(f64, NodeId)]) {
        // tanh(c·u) by c's bits, for the sources and every value derived so far.
        let mut known: BTreeMap<u64, NodeId> = BTreeMap::new();
        let mut sources: Vec<f64> = Vec::new();
        for &(c, n) in members {
            let Some(halved) = sources
                .iter()
                .find_map(|&c0| doublings(c0, c).map(|_| c / 2.0))
            else {
                sources.push(c);
                known.insert(c.to_bits(), n);
                continue;
            };
            let t = self.tanh_at(halved, &mut known);
            self.nodes[n] = self.doubled(t);
            known.insert(c.to_bits(), n);
        }
    }

    /// The node of `tanh(c·u)`, made by doublings from the nearest smaller known value.
    fn tanh_at(&mut self, c: f64, known: &mut BTreeMap<u64, NodeId>) -> NodeId {
        if let Some(&n) = known.get(&c.to_bits()) {
            return n;
        }
        let t = self.tanh_at(c / 2.0, known);
        let node = self.doubled(t);
        let n = self.add(node);
        known.insert(c.to_bits(), n);
        n
    }

    /// `2t / (1 + t²)`, the tanh of twice the argument of `t`.
    fn doubled(&mut self, t: NodeId) -> Node {
        let two = self.constant(2.0);
        let one = self.constant(1.0);
        let twice = self.add(Node::Mul(vec![two, t]));
        let square = self.add(Node::Powi(t, 2));
        let denominator = self.add(Node::Add(vec![(false, one), (false, square)]));
        Node::Div(twice, denominator)
    }

    /// `exp(n c·u)` as `exp(c·u)^n` for every member that is an integer multiple of a smaller one.
    fn share_exp(&mut self, members: &[(f64, NodeId)]) {
        let mut sources: Vec<(f64, NodeId)> = Vec::new();
        for &(c, n) in members {
            match sources
                .iter()
                .find_map(|&(c0, n0)| power(c0, c).map(|p| (n0, p)))
            {
                Some((source, p)) => self.nodes[n] = Node::Powi(source, p),
                None => sources.push((c, n)),
            }
        }
    }

    /// An argument as (constant factor, the rest): `c·u` → `(c, u)`, anything else `(1, a)`.
    fn scaled(&mut self, a: NodeId) -> (f64, NodeId) {
        let Node::Mul(factors) = &self.nodes[a] else {
            return (1.0, a);
        };
        let constant = factors
            .iter()
            .position(|&f| matches!(self.nodes[f], Node::Const(_)));
        let Some(i) = constant else {
            return (1.0, a);
        };
        let mut rest = factors.clone();
        let Node::Const(bits) = self.nodes[rest.remove(i)] else {
            unreachable!("position found a constant");
        };
        let base = match rest.as_slice() {
            [single] => *single,
            _ => self.add(Node::Mul(rest)),
        };
        (f64::from_bits(bits), base)
    }
}

/// `k` with `c = 2^k c0`, `1 ≤ k ≤ MAX_DOUBLINGS`, if there is one.
fn doublings(c0: f64, c: f64) -> Option<i32> {
    let k = (c / c0).log2().round() as i32;
    ((1..=MAX_DOUBLINGS).contains(&k) && c0 * f64::powi(2.0, k) == c).then_some(k)
}

/// `n` with `c = n c0`, `2 ≤ |n| ≤ MAX_HARMONIC` or `n = −1`, if there is one.
fn harmonic(c0: f64, c: f64) -> Option<i32> {
    let n = (c / c0).round() as i32;
    let whole = c0 * f64::from(n) == c;
    (whole && (n == -1 || (2..=MAX_HARMONIC).contains(&n.abs()))).then_some(n)
}

/// `n` with `c = n c0`, `2 ≤ n ≤ MAX_POWER`, if there is one.
fn power(c0: f64, c: f64) -> Option<i32> {
    let n = (c / c0).round() as i32;
    ((2..=MAX_POWER).contains(&n) && c0 * f64::from(n) == c).then_some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_are_exact_powers_and_multiples() {
        assert_eq!(doublings(0.25, 2.0), Some(3));
        assert_eq!(doublings(0.25, 0.25), None);
        assert_eq!(doublings(0.5, 1.5), None);
        assert_eq!(doublings(-0.5, 1.0), None);
        assert_eq!(doublings(1.0, 32.0), None);
        assert_eq!(power(-0.125, -0.5), Some(4));
        assert_eq!(power(-0.125, 0.5), None);
        assert_eq!(power(0.3, 0.9), None);
        assert_eq!(power(0.5, 0.75), None);
        assert_eq!(harmonic(-1.0, -3.0), Some(3));
        assert_eq!(harmonic(0.5, -2.0), Some(-4));
        assert_eq!(harmonic(1.0, -1.0), Some(-1));
        assert_eq!(harmonic(1.0, 1.0), None);
        assert_eq!(harmonic(1.0, 5.0), None);
        assert_eq!(harmonic(2.0, 3.0), None);
    }
}
