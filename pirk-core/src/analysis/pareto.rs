//! The tail of the importance weights: the shape `k̂` of a generalized Pareto distribution fitted
//! to the largest weights (Vehtari, Simpson, Gelman, Yao, Gabry, "Pareto smoothed importance
//! sampling"). The ESS is computed from the weights themselves, so a heavy tail that the sample
//! has not yet explored leaves it high while the estimates it backs are off by more than their
//! error bars. `k̂` sees that tail: the weights' variance is finite only for `k < ½`, and above
//! `k̂ ≈ 0.7` reweighted estimates are unreliable whatever the ESS says.
//!
//! The fit is Zhang and Stephens' (2009) empirical-Bayes estimate on the exceedances of the
//! `min(n/5, 3√n)` largest weights over the next one, with the weakly informative prior that
//! pulls `k̂` towards ½ by ten pseudo-observations, as in the paper.

/// The `k̂` above which importance-weighted estimates, and the log Z and moments behind them,
/// are unreliable whatever the ESS says.
pub const PARETO_K_UNRELIABLE: f64 = 0.7;

/// `k̂` of the finite log-weights `log_w` (rejected configurations, `−∞` or NaN, left out);
/// `None` with fewer than 5 tail weights to fit (fewer than 25 finite weights) or a tail of ties.
pub fn pareto_k(log_w: &[f64]) -> Option<f64> {
    Tail::fit(log_w).map(|t| t.k)
}

/// Pareto-smoothed log-weights (PSIS): the largest weights, those the shape is fitted to, are
/// replaced by the expected order statistics of the fitted generalized Pareto distribution,
/// `u + F⁻¹((z − ½)/M)` for the `z`-th smallest of the `M` tail weights over the cut-off `u`,
/// capped at the largest raw weight; every other weight, and every rejected one, is kept. The
/// smoothed weights trade a little bias for much less variance where the tail is heavy; where
/// `k̂ > 0.7` even they are unreliable. Returns the smoothed log-weights in the input's order
/// with `k̂`, or `None` where [`pareto_k`] is.
pub fn pareto_smoothed(log_w: &[f64]) -> Option<(Vec<f64>, f64)> {
    let tail = Tail::fit(log_w)?;
    let m = tail.indices.len();
    let mut out = log_w.to_vec();
    for (z, &i) in tail.indices.iter().enumerate() {
        let p = (z as f64 + 0.5) / m as f64;
        let quantile = if tail.k_raw.abs() < 1e-12 {
            -tail.sigma * (-p).ln_1p()
        } else {
            tail.sigma * (-tail.k_raw * (-p).ln_1p()).exp_m1() / tail.k_raw
        };
        out[i] = tail.max + (tail.cutoff + quantile).min(1.0).ln();
    }
    Some((out, tail.k))
}

/// The fitted tail of a set of log-weights, on the scale where the largest weight is 1.
struct Tail {
    /// Indices of the tail weights in `log_w`, ascending by weight.
    indices: Vec<usize>,
    /// The largest finite log-weight.
    max: f64,
    /// The cut-off weight `u` the tail exceeds.
    cutoff: f64,
    /// `k̂` with the weakly informative prior (what is reported).
    k: f64,
    /// `k̂` of the fit alone, and the scale `σ̂`: the distribution the smoothing draws from.
    k_raw: f64,
    sigma: f64,
}

impl Tail {
    fn fit(log_w: &[f64]) -> Option<Self> {
        let mut finite: Vec<usize> = (0..log_w.len()).filter(|&i| log_w[i].is_finite()).collect();
        let s = finite.len() as f64;
        let tail = (0.2 * s).min(3.0 * s.sqrt()).ceil() as usize;
        if tail < 5 || finite.len() <= tail {
            return None;
        }
        finite.sort_by(|&a, &b| log_w[a].total_cmp(&log_w[b]));
        let n = finite.len();
        let max = log_w[finite[n - 1]];
        let cutoff = (log_w[finite[n - tail - 1]] - max).exp();
        let indices = finite[n - tail..].to_vec();
        let exceedances: Vec<f64> = indices
            .iter()
            .map(|&i| (log_w[i] - max).exp() - cutoff)
            .collect();
        let (k, k_raw, sigma) = generalized_pareto(&exceedances)?;
        Some(Self {
            indices,
            max,
            cutoff,
            k,
            k_raw,
            sigma,
        })
    }
}

/// Zhang–Stephens estimate of a generalized Pareto distribution from ascending positive
/// exceedances `x`: the shape with the weakly informative prior, the shape of the fit alone,
/// and the scale.
fn generalized_pareto(x: &[f64]) -> Option<(f64, f64, f64)> {
    let n = x.len();
    let largest = x[n - 1];
    let quartile = x[((n as f64) / 4.0 + 0.5).floor() as usize - 1];
    if largest <= 0.0 || quartile <= 0.0 {
        return None;
    }
    const PRIOR: f64 = 3.0;
    let grid = 30 + (n as f64).sqrt() as usize;
    // k(θ) = mean log(1 − θ x), and the profile log-likelihood n (log(−θ/k) − k − 1).
    let shape = |theta: f64| x.iter().map(|&xi| (-theta * xi).ln_1p()).sum::<f64>() / n as f64;
    let thetas: Vec<f64> = (1..=grid)
        .map(|j| 1.0 / largest + (1.0 - (grid as f64 / (j as f64 - 0.5)).sqrt()) / PRIOR / quartile)
        .collect();
    let log_lik: Vec<f64> = thetas
        .iter()
        .map(|&t| {
            let k = shape(t);
            n as f64 * ((-t / k).ln() - k - 1.0)
        })
        .collect();
    let top = log_lik
        .iter()
        .copied()
        .filter(|l| l.is_finite())
        .fold(f64::NEG_INFINITY, f64::max);
    let weights: Vec<f64> = log_lik
        .iter()
        .map(|l| if l.is_finite() { (l - top).exp() } else { 0.0 })
        .collect();
    let total: f64 = weights.iter().sum();
    let theta = thetas.iter().zip(&weights).map(|(t, w)| t * w).sum::<f64>() / total;
    let k_raw = shape(theta);
    let sigma = -k_raw / theta;
    let k = (k_raw * n as f64 + 0.5 * 10.0) / (n as f64 + 10.0);
    (k.is_finite() && sigma.is_finite() && sigma > 0.0).then_some((k, k_raw, sigma))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng, rngs::StdRng};

    /// Weights `u^{−k}` with `u` uniform have a Pareto tail of shape exactly `k`.
    fn pareto_log_weights(k: f64, n: usize, seed: u64) -> Vec<f64> {
        let mut rng = StdRng::seed_from_u64(seed);
        (0..n)
            .map(|_| -k * rng.random_range(f64::EPSILON..1.0f64).ln())
            .collect()
    }

    #[test]
    fn recovers_the_shape_of_pareto_tails() {
        for (k, seed) in [(0.2, 1), (0.5, 2), (0.7, 5), (0.9, 3)] {
            let got = pareto_k(&pareto_log_weights(k, 20_000, seed)).unwrap();
            assert!((got - k).abs() < 0.1, "k = {k}: k̂ = {got}");
        }
        // Beyond 1 (no finite mean) the fit is biased low, but it still flags the tail.
        let got = pareto_k(&pareto_log_weights(1.3, 20_000, 4)).unwrap();
        assert!(got > 1.0, "k = 1.3: k̂ = {got}");
    }

    /// Smoothing keeps the bulk and the rejected weights, keeps the tail's order and its
    /// maximum, and puts the tail on the fitted distribution's quantiles: for an exact Pareto
    /// sample they are close to the raw order statistics.
    #[test]
    fn smoothing_replaces_only_the_tail_by_its_quantiles() {
        let mut log_w = pareto_log_weights(0.5, 4000, 7);
        log_w.push(f64::NEG_INFINITY);
        let (smooth, k) = pareto_smoothed(&log_w).unwrap();
        assert_eq!(Some(k), pareto_k(&log_w));
        let tail = (3.0 * 4000f64.sqrt()).ceil() as usize;
        let mut order: Vec<usize> = (0..4000).collect();
        order.sort_by(|&a, &b| log_w[a].total_cmp(&log_w[b]));
        for &i in &order[..4000 - tail] {
            assert_eq!(smooth[i], log_w[i]);
        }
        assert_eq!(smooth[4000], f64::NEG_INFINITY);
        let top = &order[4000 - tail..];
        let max = log_w[order[3999]];
        for pair in top.windows(2) {
            assert!(smooth[pair[0]] <= smooth[pair[1]]);
        }
        for &i in top {
            assert!(smooth[i] <= max && smooth[i] > log_w[order[4000 - tail - 1]]);
        }
        // Below the few largest, whose ranks fluctuate most, the quantiles follow the sample.
        for &i in &top[..tail - 5] {
            assert!(
                (smooth[i] - log_w[i]).abs() < 0.2,
                "{} vs {}",
                smooth[i],
                log_w[i]
            );
        }
    }

    #[test]
    fn light_tails_are_below_a_half_and_rejected_weights_are_ignored() {
        // log-normal weights with σ = 0.3: every moment is finite, the tail is light.
        let mut rng = StdRng::seed_from_u64(9);
        let mut log_w: Vec<f64> = (0..20_000)
            .map(|_| {
                let (a, b): (f64, f64) = (rng.random(), rng.random());
                0.3 * (-2.0 * (1.0 - a).ln()).sqrt() * (std::f64::consts::TAU * b).cos()
            })
            .collect();
        let light = pareto_k(&log_w).unwrap();
        assert!(light < 0.3, "k̂ = {light}");
        log_w.extend([f64::NEG_INFINITY, f64::NAN]);
        assert_eq!(pareto_k(&log_w), Some(light));
        assert_eq!(pareto_k(&[0.0; 10]), None);
        assert_eq!(pareto_k(&[1.5; 1000]), None);
    }
}
