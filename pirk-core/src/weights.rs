//! Importance weights `w = e^{−S_1(φ_1) − log q_1(φ_1)}` of a generated ensemble: effective
//! sample size, the partition function, and reweighted expectation values.

use crate::stats::Estimate;

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

#[cfg(test)]
mod tests {
    use super::*;

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
