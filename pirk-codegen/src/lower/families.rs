//! One transcendental per argument family. Calls whose arguments differ only by a constant
//! factor share one evaluation: `tanh(2^k c·u)` comes from `tanh(c·u)` by the doubling
//! formula `tanh 2v = 2t/(1 + t²)`, and `exp(n c·u)` is `exp(c·u)^n`. A basis with
//! `tanh(φ/4)`, `tanh(φ/2)`, `tanh(φ)` and `tanh(2φ)` then evaluates one `tanh` per site.
//!
//! Accuracy: the doubling map is well-conditioned (its relative condition number is
//! `(1 − t²)/(1 + t²) ≤ 1`), so each doubling adds its own three roundings, about 1.5 ulp, to
//! the error of the value it doubles, saturates exactly at ±1 and keeps NaN. `exp(a)^n`
//! multiplies the relative error of `exp(a)` by `n` and adds the rounding of the powers.
//! Both are bounded below by [`MAX_DOUBLINGS`] and [`MAX_POWER`].

use super::{Node, NodeId, SiteProgram};
use crate::ir::Func;
use std::collections::BTreeMap;

/// Most doublings a `tanh` is derived over (factor 16).
const MAX_DOUBLINGS: i32 = 4;
/// Largest power an `exp` is derived as.
const MAX_POWER: i32 = 8;

impl SiteProgram {
    /// Rewrites every `tanh` and `exp` call that a member of its family gives cheaply.
    pub(super) fn share_transcendentals(&mut self) {
        let calls: Vec<(NodeId, Func, NodeId)> = (0..self.nodes.len())
            .filter_map(|n| match self.nodes[n] {
                Node::Func(f @ (Func::Tanh | Func::Exp), a) => Some((n, f, a)),
                _ => None,
            })
            .collect();
        let mut families: BTreeMap<(Func, NodeId), Vec<(f64, NodeId)>> = BTreeMap::new();
        for (n, f, a) in calls {
            let (c, base) = self.scaled(a);
            families.entry((f, base)).or_default().push((c, n));
        }
        for ((f, _), mut members) in families {
            members.sort_by(|a, b| a.0.abs().total_cmp(&b.0.abs()));
            match f {
                Func::Tanh => self.share_tanh(&members),
                _ => self.share_exp(&members),
            }
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
    }
}
