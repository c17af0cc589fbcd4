//! Importance weights `w = e^{−S_1(φ_1) − log q_1(φ_1)}` of a generated ensemble: effective
//! sample size, the partition function, and reweighted expectation values.

use crate::Estimate;

/// Normalised weights (the largest is 1) and their log offset.
#[derive(Clone, Debug)]
pub struct Weights {
    w: Vec<f64>,
    log_max: f64,
}

impl Weights {
    /// From log-weights; `−∞` or `NaN` entries (rejected configurations) get weight zero.
    pub fn from_log(log_w: &[f64]) -> Self {
        let log_max = log_w
            .iter()
            .copied()
            .filter(|x| x.is_finite())
            .fold(f64::NEG_INFINITY, f64::max);
        let w = log_w
            .iter()
            .map(|&l| {
                if l.is_finite() {
                    (l - log_max).exp()
                } else {
                    0.0
                }
            })
            .collect();
        Self { w, log_max }
    }

    /// The weights divided by the largest.
    pub fn relative(&self) -> &[f64] {
        &self.w
    }

    /// `ESS = (Σw)² / (n Σw²)` in `[0, 1]`.
    pub fn ess(&self) -> f64 {
        let s: f64 = self.w.iter().sum();
        let s2: f64 = self.w.iter().map(|w| w * w).sum();
        if s2 > 0.0 {
            s * s / (self.w.len() as f64 * s2)
        } else {
            0.0
        }
    }

    /// `log Z = log mean(w)` (exact in expectation when `q` is normalised) with the error
    /// `std(w)/(√n mean(w))`.
    pub fn log_z(&self) -> Estimate {
        let n = self.w.len() as f64;
        let mean = self.w.iter().sum::<f64>() / n;
        let var = self.w.iter().map(|w| (w - mean).powi(2)).sum::<f64>() / (n - 1.0);
        Estimate {
            value: self.log_max + mean.ln(),
            error: (var / n).sqrt() / mean,
        }
    }

    /// Self-normalised `⟨O⟩ = Σ w O / Σ w`, error from the delta method,
    /// `σ² = Σ w² (O − ⟨O⟩)² / (Σ w)²` (reduces to `σ_O²/(n·ESS)` for uncorrelated `O`, `w`).
    pub fn expectation(&self, obs: &[f64]) -> Estimate {
        let s: f64 = self.w.iter().sum();
        let value = self
            .w
            .iter()
            .zip(obs)
            .filter(|(w, _)| **w > 0.0)
            .map(|(w, o)| w * o)
            .sum::<f64>()
            / s;
        let var = self
            .w
            .iter()
            .zip(obs)
            .filter(|(w, _)| **w > 0.0)
            .map(|(w, o)| (w * (o - value)).powi(2))
            .sum::<f64>()
            / (s * s);
        Estimate {
            value,
            error: var.sqrt(),
        }
    }
}

/// `Σw` and `Σw²` of log-weights seen one at a time, so the ESS of an ensemble streamed to disk
/// needs no memory per configuration. Rejected (non-finite) entries count with weight zero.
#[derive(Clone, Debug)]
pub struct RunningEss {
    n: usize,
    log_max: f64,
    sum: f64,
    sum_sq: f64,
}

impl Default for RunningEss {
    fn default() -> Self {
        Self {
            n: 0,
            log_max: f64::NEG_INFINITY,
            sum: 0.0,
            sum_sq: 0.0,
        }
    }
}

impl RunningEss {
    /// Adds one log-weight.
    pub fn push(&mut self, log_w: f64) {
        self.n += 1;
        if !log_w.is_finite() {
            return;
        }
        if log_w > self.log_max {
            let r = (self.log_max - log_w).exp();
            self.sum *= r;
            self.sum_sq *= r * r;
            self.log_max = log_w;
        }
        let w = (log_w - self.log_max).exp();
        self.sum += w;
        self.sum_sq += w * w;
    }

    /// `log mean(w)` over every pushed log-weight, rejected ones counting as zero (`−∞` with
    /// no finite weight), as [`Weights::log_z`]'s value.
    pub fn log_mean(&self) -> f64 {
        self.log_max + (self.sum / self.n as f64).ln()
    }

    /// `ESS = (Σw)² / (n Σw²)`, as [`Weights::ess`].
    pub fn ess(&self) -> f64 {
        if self.sum_sq > 0.0 {
            self.sum * self.sum / (self.n as f64 * self.sum_sq)
        } else {
            0.0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn running_ess_matches_the_stored_weights() {
        let log_w: Vec<f64> = (0..500)
            .map(|i| {
                if i % 97 == 3 {
                    f64::NEG_INFINITY
                } else {
                    (i as f64 * 0.37).sin() * 3.0 + i as f64 * 0.004
                }
            })
            .collect();
        let mut running = RunningEss::default();
        log_w.iter().for_each(|&l| running.push(l));
        let stored = Weights::from_log(&log_w).ess();
        assert!(
            stored < 0.9,
            "the test weights should not be uniform: {stored}"
        );
        assert!((running.ess() - stored).abs() < 1e-12 * stored);
        let log_z = Weights::from_log(&log_w).log_z().value;
        assert!((running.log_mean() - log_z).abs() < 1e-12 * log_z.abs());
        assert_eq!(RunningEss::default().ess(), 0.0);
    }

    #[test]
    fn uniform_weights_are_perfect() {
        let w = Weights::from_log(&[0.3; 10]);
        assert!((w.ess() - 1.0).abs() < 1e-14);
        assert!((w.log_z().value - 0.3).abs() < 1e-14);
        let w = Weights::from_log(&[0.0, f64::NEG_INFINITY, f64::NAN, 0.0]);
        assert!((w.ess() - 0.5).abs() < 1e-14);
        assert_eq!(w.expectation(&[1.0, 100.0, 100.0, 3.0]).value, 2.0);
    }
}
