//! The zero-mode tilt of a generated ensemble: the factor `e^{α M² + β M⁴}` that carries the
//! flow's magnetisation density to the target's. Where that holds, adding `−α/V` and `−β/V` to
//! the μ and g of a zero-mode prior (`ZeroModePrior`) moves the prior's magnetisation toward
//! the target's, as far as the flow carries M through unchanged. Starting from a free-field
//! prior (μ = g = 0), it proposes the zero-mode prior itself (docs/physics.md).
//!
//! Two fits, chosen by the weights' tail. Where the weights can be trusted (Pareto
//! `k̂ ≤ 0.7`), the tilt matches moments: the flow's configurations reweighted by the tilt
//! have the target's ⟨M²⟩ and ⟨M⁴⟩ (the maximum-likelihood tilt, as in the cross-entropy
//! method of adaptive importance sampling). It fits the log of the *mean* weight at each M,
//! which is what the marginal density ratio is; a region of M the flow covers poorly, with a
//! few large weights among many small ones, counts with its mass. Where the tail is heavy, the
//! moments rest on a few weights, so the tilt is the least-squares fit `log w ≈ c + α M² + β M⁴`
//! over all finite log-weights, which counts every configuration alike.

use faer::Mat;
use faer::linalg::solvers::SolveLstsq;
use serde::{Deserialize, Serialize};

use super::pareto::{PARETO_K_UNRELIABLE, pareto_k};
use super::weights::Weights;

/// The change of a zero-mode prior's couplings that removes the log-weights' trend in M.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ZeroModeTilt {
    /// Add to `zm_mass` (μ): `−α/V`.
    pub zm_mass: f64,
    /// Add to `zm_quartic` (g): `−β/V`.
    pub zm_quartic: f64,
    /// Which fit gave it (absent in files that predate the moment fit: all least squares).
    #[serde(default)]
    pub fit: TiltFit,
    /// Add to `zm_mass` where g stays as it is: `−α/V` of the tilt `e^{α M²}` alone, by the
    /// same rule (moments where the tail allows, else least squares). A prior without a
    /// quartic cannot take a negative β; this still moves its zero mode's width. Null when it
    /// could not be fitted (and in files that predate it).
    #[serde(default)]
    pub zm_mass_only: Option<f64>,
}

impl ZeroModeTilt {
    /// The same tilt with both couplings' changes times `factor`.
    pub fn scaled(self, factor: f64) -> Self {
        Self {
            zm_mass: factor * self.zm_mass,
            zm_quartic: factor * self.zm_quartic,
            zm_mass_only: self.zm_mass_only.map(|m| factor * m),
            ..self
        }
    }
}

/// How a [`ZeroModeTilt`] was fitted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TiltFit {
    /// Matched to the weights' ⟨M²⟩ and ⟨M⁴⟩ (their Pareto `k̂ ≤ 0.7`).
    Moments,
    /// Least squares on the log-weights (a heavy tail, or no moment match).
    #[default]
    Regression,
}

/// The name `report.json` gives the fit, for messages that should read the same.
impl std::fmt::Display for TiltFit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TiltFit::Moments => "moments",
            TiltFit::Regression => "regression",
        })
    }
}

/// The tilt of the configurations with magnetisation `m` and log-weights `log_w` on a lattice
/// of `volume` sites; `None` with fewer than four finite log-weights or fewer than three
/// distinct |M| among them (a quadratic in M² needs three).
pub fn zero_mode_tilt(m: &[f64], log_w: &[f64], volume: usize) -> Option<ZeroModeTilt> {
    zero_mode_tilt_toward(m, m, log_w, volume)
}

/// [`zero_mode_tilt`] whose moment fit matches the weighted moments of `moved`, the lengths of
/// the first `moved.len()` configurations after a few HMC trajectories at the target (the
/// stationarity check), rather than their own. HMC leaves the target invariant, so where the
/// weighted ensemble is the target the two agree; where the flow misses mass its weights cannot
/// see (a collective mode never reached), HMC walks toward it and the tilt follows. The
/// regression, used where the tail is heavy, fits the log-weights and cannot use them.
pub fn zero_mode_tilt_toward(
    m: &[f64],
    moved: &[f64],
    log_w: &[f64],
    volume: usize,
) -> Option<ZeroModeTilt> {
    assert_eq!(m.len(), log_w.len(), "one magnetisation per log-weight");
    assert!(
        moved.len() <= m.len(),
        "moved configurations are generated ones"
    );
    let rows: Vec<usize> = (0..m.len()).filter(|&i| log_w[i].is_finite()).collect();
    let mut distinct: Vec<f64> = rows.iter().map(|&i| m[i] * m[i]).collect();
    distinct.sort_by(f64::total_cmp);
    distinct.dedup();
    if rows.len() < 4 || distinct.len() < 3 {
        return None;
    }
    // M² scaled to O(1) keeps the columns comparable for the QR solve and the Newton steps.
    let scale = rows.iter().map(|&i| m[i] * m[i]).sum::<f64>() / rows.len() as f64;
    let x: Vec<f64> = rows.iter().map(|&i| m[i] * m[i] / scale).collect();
    let logs: Vec<f64> = rows.iter().map(|&i| log_w[i]).collect();
    let trusted = pareto_k(&logs).is_some_and(|k| k <= PARETO_K_UNRELIABLE);
    let squares: Vec<f64> = x.iter().map(|v| v * v).collect();
    // The moments to match: the weighted ⟨x⟩, ⟨x²⟩ of the moved configurations.
    let reached: Vec<usize> = rows.iter().copied().filter(|&i| i < moved.len()).collect();
    let reached_x: Vec<f64> = reached
        .iter()
        .map(|&i| moved[i] * moved[i] / scale)
        .collect();
    let reached_w = Weights::from_log(&reached.iter().map(|&i| log_w[i]).collect::<Vec<_>>());
    let second = reached_w.expectation(&reached_x).value;
    let fourth = reached_w
        .expectation(&reached_x.iter().map(|v| v * v).collect::<Vec<_>>())
        .value;
    let ([alpha, beta], fit) = fit_tilt([&x, &squares], [second, fourth], &logs, trusted);
    let ([alone], _) = fit_tilt([&x], [second], &logs, trusted);
    let v = volume as f64;
    let tilt = ZeroModeTilt {
        zm_mass: -alpha / (scale * v),
        zm_quartic: -beta / (scale * scale * v),
        fit,
        zm_mass_only: Some(-alone / (scale * v)).filter(|m| m.is_finite()),
    };
    (tilt.zm_mass.is_finite() && tilt.zm_quartic.is_finite()).then_some(tilt)
}

/// The coefficients of the tilt `e^{θ·f}` in the `features` f: matched to the `moments` where
/// the weights are `trusted`, else (or where the match does not converge) least squares.
fn fit_tilt<const K: usize>(
    features: [&[f64]; K],
    moments: [f64; K],
    log_w: &[f64],
    trusted: bool,
) -> ([f64; K], TiltFit) {
    trusted
        .then(|| moment_match(features, moments))
        .flatten()
        .map_or_else(
            || (regression(features, log_w), TiltFit::Regression),
            |theta| (theta, TiltFit::Moments),
        )
}

/// `θ` of the least-squares fit `log_w ≈ c + θ·f`.
fn regression<const K: usize>(features: [&[f64]; K], log_w: &[f64]) -> [f64; K] {
    let design = Mat::from_fn(log_w.len(), K + 1, |r, c| {
        if c == 0 { 1.0 } else { features[c - 1][r] }
    });
    let rhs = Mat::from_fn(log_w.len(), 1, |r, _| log_w[r]);
    let coeffs = design.qr().solve_lstsq(&rhs);
    std::array::from_fn(|k| coeffs[(k + 1, 0)])
}

/// The Newton decrement below which [`moment_match`] counts as converged when its iterations
/// run out: the objective, a log-sum-exp of terms of order one, is known to a few 10⁻¹⁶.
const CONVERGED: f64 = 1e-14;

/// `θ` such that the configurations weighted by `e^{θ·f}` have the moments `target` (for the
/// features x, x²: ⟨x⟩ and ⟨x²⟩): the minimum of the convex `log Σ e^{θ·f} − θ·target`, found
/// by Newton steps halved until the objective falls. `None` when it does not converge (moments
/// on the edge of what a tilt can reach, or beyond it).
fn moment_match<const K: usize>(features: [&[f64]; K], target: [f64; K]) -> Option<[f64; K]> {
    let n = features[0].len();
    // The objective (up to the constant log n) and the tilted moments and covariance at θ.
    let at = |theta: [f64; K]| {
        let z: Vec<f64> = (0..n)
            .map(|i| (0..K).map(|k| theta[k] * features[k][i]).sum())
            .collect();
        let tilted = Weights::from_log(&z);
        let mean = features.map(|f| tilted.expectation(f).value);
        let total: f64 = tilted.relative().iter().sum();
        let mut cov = [[0.0; K]; K];
        for (i, w) in tilted.relative().iter().enumerate() {
            let d: [f64; K] = std::array::from_fn(|k| features[k][i] - mean[k]);
            for (r, row) in cov.iter_mut().enumerate() {
                for (c, entry) in row.iter_mut().enumerate() {
                    *entry += w / total * d[r] * d[c];
                }
            }
        }
        let objective = (0..K).fold(tilted.log_z().value, |o, k| o - theta[k] * target[k]);
        (objective, mean, cov)
    };
    let mut theta = [0.0; K];
    let (mut objective, mut mean, mut cov) = at(theta);
    let mut decrement = f64::INFINITY;
    let norm = |v: &[f64; K]| v.iter().fold(0.0, |n: f64, x| n.hypot(*x));
    for _ in 0..100 {
        let gradient: [f64; K] = std::array::from_fn(|k| mean[k] - target[k]);
        let step = newton_step(&cov, &gradient);
        if !step.iter().all(|s| s.is_finite()) {
            return None;
        }
        decrement = (0..K).map(|k| gradient[k] * step[k]).sum();
        if norm(&step) <= 1e-12 * (1.0 + norm(&theta)) {
            return Some(theta);
        }
        let mut length = 1.0;
        loop {
            let trial: [f64; K] = std::array::from_fn(|k| theta[k] - length * step[k]);
            let next = at(trial);
            if next.0 <= objective {
                theta = trial;
                (objective, mean, cov) = next;
                break;
            }
            length /= 2.0;
            if length < 1e-10 {
                // No descent left: the minimum is reached to rounding.
                return Some(theta);
            }
        }
    }
    // x and x² are nearly collinear, so the Newton step can stay above the test on its length
    // at the minimum while rounding moves the iterate about; a decrement gᵀH⁻¹g (twice what
    // the objective can still fall) below rounding says the moments match all the same.
    (decrement <= CONVERGED).then_some(theta)
}

/// `H⁻¹ g` for the one- or two-feature Hessian `H` (Cramer's rule).
fn newton_step<const K: usize>(h: &[[f64; K]; K], g: &[f64; K]) -> [f64; K] {
    let mut step = [0.0; K];
    match K {
        1 => step[0] = g[0] / h[0][0],
        2 => {
            let det = h[0][0] * h[1][1] - h[0][1] * h[1][0];
            step[0] = (h[1][1] * g[0] - h[0][1] * g[1]) / det;
            step[1] = (h[0][0] * g[1] - h[1][0] * g[0]) / det;
        }
        _ => unreachable!("a tilt has one or two features"),
    }
    step
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An exact quadratic-plus-quartic log-weight is recovered; rejected configurations are
    /// left out.
    #[test]
    fn recovers_an_exact_trend_and_ignores_rejected_configurations() {
        let m: Vec<f64> = (0..50).map(|i| -1.5 + 0.06 * i as f64).collect();
        let mut log_w: Vec<f64> = m
            .iter()
            .map(|x| 7.0 + 3.0 * x * x - 0.5 * x.powi(4))
            .collect();
        log_w[10] = f64::NEG_INFINITY;
        let tilt = zero_mode_tilt(&m, &log_w, 100).unwrap();
        assert_eq!(tilt.fit, TiltFit::Moments);
        assert!((tilt.zm_mass + 0.03).abs() < 1e-12, "{tilt:?}");
        assert!((tilt.zm_quartic - 0.005).abs() < 1e-12, "{tilt:?}");
    }

    /// With g held, the tilt matches ⟨M²⟩ alone: an exact quadratic trend gives the full fit's
    /// change of μ, and under a trend with a quartic the configurations tilted by the fitted
    /// `e^{α M²}` have the weights' ⟨M²⟩ (so the full fit's α, which shares the work with β,
    /// differs from it).
    #[test]
    fn the_quadratic_alone_matches_the_second_moment() {
        let m: Vec<f64> = (0..60).map(|i| -1.5 + 0.05 * i as f64).collect();
        let volume = 100;
        let v = volume as f64;
        let quadratic: Vec<f64> = m.iter().map(|x| 2.0 * x * x).collect();
        let tilt = zero_mode_tilt(&m, &quadratic, volume).unwrap();
        let alone = tilt.zm_mass_only.unwrap();
        assert!((alone - tilt.zm_mass).abs() < 1e-12, "{tilt:?}");
        assert!((alone + 2.0 / v).abs() < 1e-12, "{tilt:?}");
        let log_w: Vec<f64> = m.iter().map(|x| 3.0 * x * x - 0.5 * x.powi(4)).collect();
        let tilt = zero_mode_tilt(&m, &log_w, volume).unwrap();
        let alpha = -tilt.zm_mass_only.unwrap() * v;
        let squares: Vec<f64> = m.iter().map(|x| x * x).collect();
        let tilted: Vec<f64> = squares.iter().map(|x| alpha * x).collect();
        let want = Weights::from_log(&log_w).expectation(&squares).value;
        let got = Weights::from_log(&tilted).expectation(&squares).value;
        assert!((got - want).abs() < 1e-9 * want, "{got} vs {want}");
        assert!((tilt.zm_mass * v + alpha).abs() > 0.1, "{tilt:?}");
        assert_eq!(
            tilt.scaled(0.5).zm_mass_only,
            tilt.zm_mass_only.map(|m| m / 2.0)
        );
    }

    /// Two configurations at each M whose log-weights spread by ±d(M) around a trend: the mean
    /// weight at M carries `log cosh d(M)` more than the mean log-weight. With
    /// `cosh d = e^{γ M²}` the moment fit, which sees the mean weight, finds the trend plus
    /// γ M²; the regression, which sees the mean log-weight, finds the trend alone.
    #[test]
    fn the_moment_fit_sees_the_mean_weight_and_the_regression_the_mean_log_weight() {
        let (trend, gamma, volume) = ([1.2, -0.4], 0.5, 64);
        let mut m = Vec::new();
        let mut log_w = Vec::new();
        for i in 0..100 {
            let x = -1.6 + 0.032 * i as f64;
            let d = (gamma * x * x).exp().acosh();
            for sign in [1.0, -1.0] {
                m.push(x);
                log_w.push(trend[0] * x * x + trend[1] * x.powi(4) + sign * d);
            }
        }
        let moments = zero_mode_tilt(&m, &log_w, volume).unwrap();
        assert_eq!(moments.fit, TiltFit::Moments);
        let v = volume as f64;
        assert!(
            (moments.zm_mass + (trend[0] + gamma) / v).abs() < 1e-9,
            "{moments:?}"
        );
        assert!(
            (moments.zm_quartic + trend[1] / v).abs() < 1e-9,
            "{moments:?}"
        );
        let scale = m.iter().map(|x| x * x).sum::<f64>() / m.len() as f64;
        let x: Vec<f64> = m.iter().map(|x| x * x / scale).collect();
        let squares: Vec<f64> = x.iter().map(|v| v * v).collect();
        let [a, b] = regression([&x, &squares], &log_w);
        assert!((a / scale - trend[0]).abs() < 1e-9, "{a}");
        assert!((b / (scale * scale) - trend[1]).abs() < 1e-9, "{b}");
    }

    /// Weights with a heavy tail (k = 1, Pareto draws against M) leave the moments to a few
    /// configurations: the tilt falls back to the regression, which finds the trend.
    #[test]
    fn a_heavy_tail_falls_back_to_the_regression() {
        let n = 400;
        let m: Vec<f64> = (0..n).map(|i| -1.5 + 3.0 * i as f64 / n as f64).collect();
        // Quantiles of a unit Pareto draw, shuffled against M by a stride coprime to n.
        let log_w: Vec<f64> = (0..n)
            .map(|i| {
                let u = ((i * 7 % n) as f64 + 0.5) / n as f64;
                2.0 * m[i] * m[i] - u.ln()
            })
            .collect();
        assert!(pareto_k(&log_w).unwrap() > PARETO_K_UNRELIABLE);
        let tilt = zero_mode_tilt(&m, &log_w, 1).unwrap();
        assert_eq!(tilt.fit, TiltFit::Regression);
        assert!((tilt.zm_mass + 2.0).abs() < 0.3, "{tilt:?}");
    }

    /// Messages name each fit as `report.json` does.
    #[test]
    fn a_fit_displays_as_its_json_name() {
        for fit in [TiltFit::Moments, TiltFit::Regression] {
            assert_eq!(serde_json::to_string(&fit).unwrap(), format!("\"{fit}\""));
        }
    }

    /// A tilt written before the fit was recorded reads back as least squares.
    #[test]
    fn an_unrecorded_fit_was_least_squares() {
        let tilt: ZeroModeTilt =
            serde_json::from_str(r#"{"zm_mass": -0.01, "zm_quartic": 0.005}"#).unwrap();
        assert_eq!(tilt.fit, TiltFit::Regression);
    }

    #[test]
    fn needs_distinct_magnetisations() {
        let signs = [0.5, -0.5, 0.5, -0.5, 1.0, -1.0];
        assert_eq!(zero_mode_tilt(&signs, &[1.0; 6], 4), None);
        assert_eq!(zero_mode_tilt(&[0.5, 1.0, 1.5], &[1.0, 2.0, 3.0], 4), None);
        assert!(zero_mode_tilt(&[0.5, 1.0, 1.5, 0.0], &[1.0, 2.0, 3.0, 0.5], 4).is_some());
    }

    /// Pilot-like samples (two peaks of M, log-weights a quartic trend plus noise): the moment
    /// match converges every time, though x and x² are nearly collinear. A test on the Newton
    /// step's length alone ran out of iterations at the minimum in 16 of these 60.
    #[test]
    fn the_moment_match_converges_on_pilot_like_samples() {
        use rand::SeedableRng;
        use rand_distr::{Distribution, Normal};
        let peak = Normal::new(0.8, 0.15).unwrap();
        for seed in 0..60u64 {
            let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
            let noise = Normal::new(0.0, 0.1 + 0.01 * seed as f64).unwrap();
            let m: Vec<f64> = (0..500)
                .map(|i| peak.sample(&mut rng) * if i % 2 == 0 { 1.0 } else { -1.0 })
                .collect();
            let log_w: Vec<f64> = m
                .iter()
                .map(|x| 0.3 * x * x - 0.2 * x.powi(4) + noise.sample(&mut rng))
                .collect();
            let x: Vec<f64> = m.iter().map(|v| v * v).collect();
            let x2: Vec<f64> = x.iter().map(|v| v * v).collect();
            let weighted = Weights::from_log(&log_w);
            let target = [&x, &x2].map(|f| weighted.expectation(f).value);
            let [a, b] = moment_match([&x, &x2], target).unwrap_or_else(|| panic!("seed {seed}"));
            // The tilted moments are the weighted ones.
            let tilted: Vec<f64> = x.iter().map(|v| a * v + b * v * v).collect();
            for f in [&x, &x2] {
                let want = Weights::from_log(&log_w).expectation(f).value;
                let got = Weights::from_log(&tilted).expectation(f).value;
                assert!(
                    (got - want).abs() < 1e-6 * want,
                    "seed {seed}: {got} vs {want}"
                );
            }
        }
    }

    /// Toward moved configurations: the tilt matches their weighted moments, not the
    /// ensemble's own. Flat weights over a narrow M, and moved lengths 15 % further out: the
    /// configurations tilted by the fit have the moved ⟨M²⟩ and ⟨M⁴⟩, the zero mode widens
    /// (μ falls), and moving nothing gives the plain tilt to the bit. Moved lengths for the
    /// first half alone set the moments from that half.
    #[test]
    fn the_tilt_toward_moved_configurations_matches_their_moments() {
        let m: Vec<f64> = (0..80).map(|i| 0.05 + 0.01 * i as f64).collect();
        let log_w: Vec<f64> = m.iter().map(|x| 0.1 * (7.0 * x).sin()).collect();
        let volume = 64;
        assert_eq!(
            zero_mode_tilt_toward(&m, &m, &log_w, volume),
            zero_mode_tilt(&m, &log_w, volume)
        );
        let moved: Vec<f64> = m.iter().map(|x| 1.15 * x).collect();
        let plain = zero_mode_tilt(&m, &log_w, volume).unwrap();
        let toward = zero_mode_tilt_toward(&m, &moved, &log_w, volume).unwrap();
        assert_eq!(toward.fit, TiltFit::Moments);
        assert!(toward.zm_mass_only.unwrap() < plain.zm_mass_only.unwrap() - 1e-3);
        let v = volume as f64;
        let tilted: Vec<f64> = (m.iter())
            .map(|x| -v * (toward.zm_mass * x * x + toward.zm_quartic * x.powi(4)))
            .collect();
        let weighted = Weights::from_log(&log_w);
        for power in [2, 4] {
            let f = |xs: &[f64]| -> Vec<f64> { xs.iter().map(|x| x.powi(power)).collect() };
            let want = weighted.expectation(&f(&moved)).value;
            let got = Weights::from_log(&tilted).expectation(&f(&m)).value;
            assert!(
                (got - want).abs() < 1e-6 * want,
                "M^{power}: {got} vs {want}"
            );
        }
        let half = zero_mode_tilt_toward(&m, &moved[..40], &log_w, volume).unwrap();
        let first = Weights::from_log(&log_w[..40]);
        let squares: Vec<f64> = moved[..40].iter().map(|x| x * x).collect();
        let alpha = -half.zm_mass_only.unwrap() * v;
        let alone: Vec<f64> = m.iter().map(|x| alpha * x * x).collect();
        let got = Weights::from_log(&alone)
            .expectation(&m.iter().map(|x| x * x).collect::<Vec<_>>())
            .value;
        let want = first.expectation(&squares).value;
        assert!((got - want).abs() < 1e-6 * want, "{got} vs {want}");
    }
}
