//! Wolff's Γ-method for Markov-chain series: the autocorrelation function with automatic
//! windowing gives the integrated autocorrelation time and an honest error of the mean.
//!
//! Several independent replicas of one chain (one per MPI rank) are analysed together as in
//! Wolff's §3.3: one mean, and Γ(t) summed over the replicas' own lags.
//!
//! Reference: U. Wolff, *Monte Carlo errors with less errors*, Comput. Phys. Commun. 156 (2004)
//! 143, hep-lat/0306017.

use crate::Estimate;
use crate::error::{Result, ensure};

/// The analysis of one series.
#[derive(Clone, Copy, Debug)]
pub struct GammaAnalysis {
    /// The mean with its autocorrelation-corrected error.
    pub mean: Estimate,
    /// `τ_int` with its error (Madras–Sokal: `τ √(2(2W+1)/N)`).
    pub tau_int: Estimate,
    /// The chosen summation window `W`.
    pub window: usize,
}

/// Γ-method settings.
#[derive(Clone, Copy, Debug)]
pub struct GammaMethod {
    s_tau: f64,
}

impl Default for GammaMethod {
    fn default() -> Self {
        Self::new()
    }
}

impl GammaMethod {
    /// Wolff's recommended `S_τ = 1.5`.
    pub fn new() -> Self {
        Self { s_tau: 1.5 }
    }

    /// Sets `S_τ > 0` (larger for slowly decaying Γ).
    pub fn with_s_tau(mut self, s_tau: f64) -> Result<Self> {
        ensure(
            s_tau > 0.0,
            "s_tau",
            format!("must be positive, got {s_tau}"),
        )?;
        self.s_tau = s_tau;
        Ok(self)
    }

    /// Analyses `series` (at least 2 entries).
    pub fn analyse(&self, series: &[f64]) -> GammaAnalysis {
        self.analyse_replicas(&[series])
    }

    /// Analyses independent replicas of one chain together (each at least 2 entries): the
    /// mean over all of them, `Γ(t)` from the lags within each replica, the window bounded by
    /// half the shortest replica. One replica is [`GammaMethod::analyse`].
    pub fn analyse_replicas(&self, replicas: &[&[f64]]) -> GammaAnalysis {
        let n: usize = replicas.iter().map(|r| r.len()).sum();
        let shortest = replicas.iter().map(|r| r.len()).min().unwrap_or(0);
        let nf = n as f64;
        let mean = replicas.iter().flat_map(|r| r.iter()).sum::<f64>() / nf;
        let gamma = |t: usize| -> f64 {
            (replicas.iter())
                .flat_map(|r| (0..r.len() - t).map(move |i| (r[i] - mean) * (r[i + t] - mean)))
                .sum::<f64>()
                / (n - replicas.len() * t) as f64
        };
        let g0 = gamma(0);
        if g0 <= 0.0 {
            return GammaAnalysis {
                mean: Estimate {
                    value: mean,
                    error: 0.0,
                },
                tau_int: Estimate {
                    value: 0.5,
                    error: 0.0,
                },
                window: 0,
            };
        }
        let mut sum = g0;
        let mut window = shortest / 2;
        let mut gammas = vec![g0];
        for w in 1..shortest / 2 {
            let g = gamma(w);
            gammas.push(g);
            sum += 2.0 * g;
            let tau = sum / (2.0 * g0);
            let tau_tilde = if tau <= 0.5 {
                f64::MIN_POSITIVE
            } else {
                self.s_tau / ((2.0 * tau + 1.0) / (2.0 * tau - 1.0)).ln()
            };
            let g_w = (-(w as f64) / tau_tilde).exp() - tau_tilde / (w as f64 * nf).sqrt();
            if g_w < 0.0 {
                window = w;
                break;
            }
        }
        // Bias correction of C(W) for the estimated mean (Wolff eq. 49).
        let c = (g0 + 2.0 * gammas[1..=window.min(gammas.len() - 1)].iter().sum::<f64>())
            * (1.0 + (2 * window + 1) as f64 / nf);
        let gamma0 = g0 + c / nf;
        // τ_int below ½ (anticorrelated series, e.g. M under a cluster flip that changes its
        // sign every update) would claim an error below the naive σ/√N, down to zero; the floor
        // keeps the error at least naive.
        let tau = (c / (2.0 * gamma0)).max(0.5);
        GammaAnalysis {
            mean: Estimate {
                value: mean,
                error: (2.0 * tau * gamma0 / nf).sqrt(),
            },
            tau_int: Estimate {
                value: tau,
                error: tau * (2.0 * (2 * window + 1) as f64 / nf).sqrt(),
            },
            window,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alternating_series_keep_at_least_the_naive_error() {
        let series: Vec<f64> = (0..10000)
            .map(|i| {
                let sign = if i % 2 == 0 { 1.0 } else { -1.0 };
                sign * (4.8 + 0.01 * ((i as f64) * 0.7).sin())
            })
            .collect();
        let n = series.len() as f64;
        let mean = series.iter().sum::<f64>() / n;
        let sigma = (series.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n).sqrt();
        let a = GammaMethod::new().analyse(&series);
        assert!(a.mean.error >= 0.99 * sigma / n.sqrt(), "{a:?}");
        assert_eq!(a.tau_int.value, 0.5);
    }

    #[test]
    fn white_noise_has_tau_one_half() {
        let mut x = 12345u64;
        let series: Vec<f64> = (0..20000)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (x >> 11) as f64 / (1u64 << 53) as f64
            })
            .collect();
        let a = GammaMethod::new().analyse(&series);
        assert!(
            (a.tau_int.value - 0.5).abs() < 3.0 * a.tau_int.error + 0.02,
            "{:?}",
            a
        );
    }

    /// Four independent AR(1) chains x_{i+1} = ρ x_i + ξ_i (ρ = 0.8, unit Gaussian ξ) have
    /// τ_int = (1 + ρ)/(2(1 − ρ)) = 4.5 and variance 1/(1 − ρ²); analysed as replicas they give
    /// both back within their errors.
    #[test]
    fn replicas_of_an_ar1_chain_give_its_tau_and_error() {
        use rand::RngExt;
        use rand_distr::StandardNormal;
        let rho: f64 = 0.8;
        let replicas: Vec<Vec<f64>> = (0..4)
            .map(|r| {
                let mut rng = crate::stream_rng(11, r);
                let mut x = 0.0;
                (0..20000)
                    .map(|_| {
                        let xi: f64 = rng.sample(StandardNormal);
                        x = rho * x + xi;
                        x
                    })
                    .collect()
            })
            .collect();
        let views: Vec<&[f64]> = replicas.iter().map(|r| &r[..]).collect();
        let a = GammaMethod::new().analyse_replicas(&views);
        let tau = (1.0 + rho) / (2.0 * (1.0 - rho));
        assert!(
            (a.tau_int.value - tau).abs() < 3.0 * a.tau_int.error,
            "{a:?}"
        );
        let n = 80000.0;
        let error = (2.0 * tau / (1.0 - rho * rho) / n).sqrt();
        assert!(
            (a.mean.error / error - 1.0).abs() < 0.1,
            "{a:?} against {error}"
        );
        assert!(a.mean.value.abs() < 4.0 * error, "{a:?}");
        let one = GammaMethod::new().analyse(&replicas[0]);
        let alone = GammaMethod::new().analyse_replicas(&views[..1]);
        assert_eq!(one.mean.error.to_bits(), alone.mean.error.to_bits());
    }
}
