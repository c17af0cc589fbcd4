//! The ultralocal Gaussian prior `S_0 = Σ_x φ_x² / (2σ²)`.

use rand_distr::{Distribution, StandardNormal};

use crate::Prior;
use crate::error::{Result, ensure};
use crate::rng::StreamRng;

/// Independent normal sites with variance `σ²`.
#[derive(Clone, Debug)]
pub struct NormalPrior {
    volume: usize,
    variance: f64,
}

impl NormalPrior {
    /// Unit variance on `volume` sites.
    pub fn new(volume: usize) -> Self {
        Self {
            volume,
            variance: 1.0,
        }
    }

    /// Sets the variance `σ² > 0`.
    pub fn with_variance(mut self, variance: f64) -> Result<Self> {
        ensure(
            variance > 0.0 && variance.is_finite(),
            "variance",
            format!("must be positive and finite, got {variance}"),
        )?;
        self.variance = variance;
        Ok(self)
    }
}

impl Prior for NormalPrior {
    fn sample(&self, rng: &mut StreamRng, out: &mut [f64]) {
        let sd = self.variance.sqrt();
        for o in out.iter_mut() {
            let z: f64 = StandardNormal.sample(rng);
            *o = sd * z;
        }
    }

    fn action(&self, phi: &[f64]) -> f64 {
        phi.iter().map(|p| p * p).sum::<f64>() / (2.0 * self.variance)
    }

    fn force(&self, phi: &[f64], out: &mut [f64]) {
        for (o, p) in out.iter_mut().zip(phi) {
            *o = p / self.variance;
        }
    }

    fn log_norm(&self) -> f64 {
        0.5 * self.volume as f64 * (2.0 * std::f64::consts::PI * self.variance).ln()
    }
}
