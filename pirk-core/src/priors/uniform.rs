//! The uniform prior of an angle field: the Haar measure `∏_x dθ_x` on `[−π, π)^V`, which is
//! a periodic theory at zero coupling (e.g. the XY model at β = 0).

use std::f64::consts::{PI, TAU};

use rand::RngExt;

use crate::Prior;
use crate::rng::StreamRng;

/// Independent angles, uniform in `[−π, π)`; `S_0 = 0`.
#[derive(Clone, Debug)]
pub struct UniformAnglePrior {
    volume: usize,
}

impl UniformAnglePrior {
    /// Uniform angles on `volume` sites.
    pub fn new(volume: usize) -> Self {
        Self { volume }
    }
}

impl Prior for UniformAnglePrior {
    fn sample(&self, rng: &mut StreamRng, out: &mut [f64]) {
        for o in out.iter_mut() {
            // `2u − 1 ∈ [−1, 1)` exactly, and `π (1 − 2⁻⁵³)` rounds below π.
            *o = PI * (2.0 * rng.random::<f64>() - 1.0);
        }
    }

    fn action(&self, _phi: &[f64]) -> f64 {
        0.0
    }

    fn force(&self, _phi: &[f64], out: &mut [f64]) {
        out.fill(0.0);
    }

    /// `V ln 2π`: the volume of the torus.
    fn log_norm(&self) -> f64 {
        self.volume as f64 * TAU.ln()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::priors::xy_theory::XyTheory;
    use crate::rng::stream_rng;
    use crate::{Lattice, check_prior};

    #[test]
    fn log_norm_is_the_torus_volume() {
        let prior = UniformAnglePrior::new(7);
        assert!((prior.log_norm() - (TAU.powi(7)).ln()).abs() < 1e-12);
        let phi = [0.3; 7];
        assert!((prior.log_density(&phi) + 7.0 * TAU.ln()).abs() < 1e-12);
        let mut force = [1.0; 7];
        prior.force(&phi, &mut force);
        assert_eq!(force, [0.0; 7]);
    }

    /// The prior is the XY model at β = 0, and at no other β.
    #[test]
    fn prior_of_the_xy_model() {
        let lat = Lattice::new(&[4, 3]);
        let prior = UniformAnglePrior::new(lat.volume());
        let theory = XyTheory::<true>;
        assert_eq!(check_prior(&theory, &lat, &[0.0], &prior, 1).unwrap(), 0.0);
        assert!(check_prior(&theory, &lat, &[0.5], &prior, 1).is_err());
    }

    /// Samples lie in `[−π, π)` with mean 0 and variance π²/3 within 4σ (the variance of θ is
    /// π²/3 and that of θ² is 4π⁴/45).
    #[test]
    fn samples_are_uniform_on_the_circle() {
        let prior = UniformAnglePrior::new(1000);
        let mut phi = vec![0.0; 1000];
        let (mut sum, mut sum2, mut n) = (0.0, 0.0, 0.0);
        for i in 0..100 {
            prior.sample(&mut stream_rng(3, i), &mut phi);
            assert!(phi.iter().all(|t| (-PI..PI).contains(t)));
            sum += phi.iter().sum::<f64>();
            sum2 += phi.iter().map(|t| t * t).sum::<f64>();
            n += phi.len() as f64;
        }
        let var = PI * PI / 3.0;
        let mean = sum / n;
        assert!(mean.abs() < 4.0 * (var / n).sqrt(), "mean {mean}");
        let second = sum2 / n;
        let sd2 = (4.0 * PI.powi(4) / 45.0 / n).sqrt();
        assert!((second - var).abs() < 4.0 * sd2, "second moment {second}");
    }
}
