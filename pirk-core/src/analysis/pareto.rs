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

/// `k̂` of the finite log-weights `log_w` (rejected configurations, `−∞` or NaN, left out);
/// `None` with fewer than 5 tail weights to fit (fewer than 25 finite weights) or a tail of ties.
pub fn pareto_k(log_w: &[f64]) -> Option<f64> {
    let mut finite: Vec<f64> = log_w.iter().copied().filter(|x| x.is_finite()).collect();
    let s = finite.len() as f64;
    let tail = (0.2 * s).min(3.0 * s.sqrt()).ceil() as usize;
    if tail < 5 || finite.len() <= tail {
        return None;
    }
    finite.sort_by(f64::total_cmp);
    let max = finite[finite.len() - 1];
    let cutoff = (finite[finite.len() - tail - 1] - max).exp();
    let exceedances: Vec<f64> = finite[finite.len() - tail..]
        .iter()
        .map(|l| (l - max).exp() - cutoff)
        .collect();
    generalized_pareto_shape(&exceedances)
}

/// Zhang–Stephens estimate of the shape of a generalized Pareto distribution from ascending
/// positive exceedances `x`, with the weakly informative prior.
fn generalized_pareto_shape(x: &[f64]) -> Option<f64> {
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
    let k = shape(theta);
    let k = (k * n as f64 + 0.5 * 10.0) / (n as f64 + 10.0);
    k.is_finite().then_some(k)
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
