//! Whether a flow reaches as far as the target along one collective coordinate. What a flow
//! never draws, no importance weight can restore, and the Pareto k̂ and the ESS see only the
//! drawn configurations. The edges of the drawn range show it: where the flow covers the
//! target, the 1 % of configurations with the largest label carry about 1 % of the weight;
//! where the flow is narrower, the weights rise toward the edge and the target has mass beyond
//! it. Measured on the 16² Binder scan at κ = 0.29: the flows never draw |M| ≥ 2, where the
//! target has 1.7 % of its mass, and their top 1 % by |M| carries 3.3–4.1 % of the weight
//! (docs/physics.md).

use serde::Serialize;

use super::weights::Weights;

/// The share of the configurations at each edge.
pub const EDGE_FRACTION: f64 = 0.01;
/// An edge is flagged where its share of the weight is this many times its share of the
/// configurations ...
pub const EDGE_RATIO_WARN: f64 = 2.0;
/// ... and that excess is this many standard errors (the thresholds of docs/report-schema.md).
pub const EDGE_Z_WARN: f64 = 3.0;

/// The weight carried by the two edges of the drawn range of a label.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EdgeWeights {
    /// Configurations in each edge: the `⌈n/100⌉` with the smallest and with the largest label.
    pub count: usize,
    /// The low edge's share of the normalised weight over its share of the configurations (1
    /// where the flow covers the target there).
    pub low: f64,
    /// The same for the high edge.
    pub high: f64,
    /// `(low − 1)/σ`, with σ the spread of that ratio if the weights did not depend on the
    /// label: `√((1/ESS − 1)/count)`.
    pub z_low: f64,
    /// The same for the high edge.
    pub z_high: f64,
}

impl EdgeWeights {
    /// The flagged edges, named by the end of the label they hold (`"smallest"`,
    /// `"largest"`), with their ratio and z: both thresholds exceeded.
    pub fn flagged(&self) -> Vec<(&'static str, f64, f64)> {
        [
            ("smallest", self.low, self.z_low),
            ("largest", self.high, self.z_high),
        ]
        .into_iter()
        .filter(|&(_, ratio, z)| ratio > EDGE_RATIO_WARN && z > EDGE_Z_WARN)
        .collect()
    }
}

/// The edge weights of `log_w` along `labels`; non-finite log-weights (rejected
/// configurations) are left out. `None` for fewer than 2 finite log-weights.
pub fn edge_weights(labels: &[f64], log_w: &[f64]) -> Option<EdgeWeights> {
    assert_eq!(labels.len(), log_w.len(), "one label per log-weight");
    let mut order: Vec<usize> = (0..log_w.len()).filter(|&i| log_w[i].is_finite()).collect();
    let n = order.len();
    if n < 2 {
        return None;
    }
    order.sort_by(|&x, &y| labels[x].total_cmp(&labels[y]).then(x.cmp(&y)));
    let weights = Weights::from_log(&order.iter().map(|&i| log_w[i]).collect::<Vec<_>>());
    let (w, ess) = (weights.relative(), weights.ess());
    let total: f64 = w.iter().sum();
    let count = ((EDGE_FRACTION * n as f64).ceil() as usize).clamp(1, n / 2);
    let ratio = |edge: &[f64]| edge.iter().sum::<f64>() / total * n as f64 / count as f64;
    let (low, high) = (ratio(&w[..count]), ratio(&w[n - count..]));
    let sigma = ((1.0 / ess - 1.0).max(0.0) / count as f64).sqrt();
    let z = |r: f64| if sigma > 0.0 { (r - 1.0) / sigma } else { 0.0 };
    Some(EdgeWeights {
        count,
        low,
        high,
        z_low: z(low),
        z_high: z(high),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{SeedableRng, rngs::StdRng};
    use rand_distr::{Distribution, StandardNormal};

    /// Draws from a Gaussian of width `q_width`, weighted to one of width 1.
    fn gaussian_case(q_width: f64, seed: u64) -> EdgeWeights {
        let mut rng = StdRng::seed_from_u64(seed);
        let n = 4000;
        let (mut x, mut log_w) = (Vec::new(), Vec::new());
        for _ in 0..n {
            let g: f64 = StandardNormal.sample(&mut rng);
            let xi = q_width * g;
            x.push(xi);
            log_w.push(-xi * xi / 2.0 + xi * xi / (2.0 * q_width * q_width));
        }
        edge_weights(&x, &log_w).unwrap()
    }

    #[test]
    fn a_covering_flow_has_flat_edges() {
        let e = gaussian_case(1.0, 1);
        assert_eq!(e.count, 40);
        assert!(
            (e.low - 1.0).abs() < 1e-12 && (e.high - 1.0).abs() < 1e-12,
            "{e:?}"
        );
        assert_eq!((e.z_low, e.z_high), (0.0, 0.0));
        // Broader than the target: the edges carry less than their share.
        let e = gaussian_case(1.3, 2);
        assert!(e.low < 0.5 && e.high < 0.5, "{e:?}");
        assert!(e.flagged().is_empty());
    }

    #[test]
    fn a_narrow_flow_is_flagged_at_both_edges() {
        let e = gaussian_case(0.7, 3);
        assert!(e.low > EDGE_RATIO_WARN && e.high > EDGE_RATIO_WARN, "{e:?}");
        assert!(e.z_low > EDGE_Z_WARN && e.z_high > EDGE_Z_WARN, "{e:?}");
        assert_eq!(
            e.flagged().iter().map(|f| f.0).collect::<Vec<_>>(),
            ["smallest", "largest"]
        );
    }

    #[test]
    fn rejected_configurations_are_left_out() {
        let labels = [0.0, 1.0, 2.0, 3.0];
        let e = edge_weights(&labels, &[0.0, f64::NAN, 0.0, f64::NEG_INFINITY]).unwrap();
        assert_eq!(e.count, 1);
        assert!(
            (e.low - 1.0).abs() < 1e-12 && (e.high - 1.0).abs() < 1e-12,
            "{e:?}"
        );
        assert!(edge_weights(&labels, &[f64::NAN, 0.0, f64::NAN, f64::NAN]).is_none());
    }
}
