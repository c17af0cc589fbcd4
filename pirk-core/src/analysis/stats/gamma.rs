//! Wolff's Γ-method for Markov-chain series: the autocorrelation function with automatic
//! windowing gives the integrated autocorrelation time and an honest error of the mean.
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
        let n = series.len();
        let nf = n as f64;
        let mean = series.iter().sum::<f64>() / nf;
        let gamma = |t: usize| -> f64 {
            (0..n - t)
                .map(|i| (series[i] - mean) * (series[i + t] - mean))
                .sum::<f64>()
                / (n - t) as f64
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
        let mut window = n / 2;
        let mut gammas = vec![g0];
        for w in 1..n / 2 {
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
}
