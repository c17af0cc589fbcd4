//! Exactly samplable starting distributions `p_0 = e^{−S_0}/N_0` and the check that a prior
//! really is the theory at `θ_0`.

use crate::error::{Error, Result};
use crate::rng::{StreamRng, stream_rng};
use crate::{Lattice, Theory};

/// A normalised prior with exact sampling and exact log-density.
pub trait Prior: Send + Sync {
    /// Draws one configuration into `out`.
    fn sample(&self, rng: &mut StreamRng, out: &mut [f64]);
    /// The unnormalised action `S_0(φ)`.
    fn action(&self, phi: &[f64]) -> f64;
    /// `∂S_0/∂φ_x` for every site (what a path that switches the prior off needs).
    fn force(&self, phi: &[f64], out: &mut [f64]);
    /// `log N_0 = log ∫ e^{−S_0}`.
    fn log_norm(&self) -> f64;
    /// `log p_0(φ) = −S_0(φ) − log N_0`.
    fn log_density(&self, phi: &[f64]) -> f64 {
        -self.action(phi) - self.log_norm()
    }
}

/// Checks that `S(φ; θ_0) − S_0(φ)` is the same on a few prior samples (and on scaled copies,
/// which probes every power of φ); returns that constant.
///
/// The flow starts from prior samples and assumes they follow the theory at `θ_0`; a mismatch
/// would silently bias everything downstream.
pub fn check_prior<T: Theory, P: Prior>(
    theory: &T,
    lat: &Lattice,
    theta0: &[f64],
    prior: &P,
    seed: u64,
) -> Result<f64> {
    let mut phi = vec![0.0; T::field_len(lat)];
    let mut first = None;
    let mut index = 0;
    for i in 0..4u64 {
        prior.sample(&mut stream_rng(seed, i), &mut phi);
        for scale in [1.0, 0.5, 2.0] {
            let scaled: Vec<f64> = phi.iter().map(|p| p * scale).collect();
            let d = theory.action(lat, theta0, &scaled) - prior.action(&scaled);
            let reference = *first.get_or_insert(d);
            let diff = (d - reference).abs();
            let tol = 1e-9 * (1.0 + prior.action(&scaled).abs());
            if !diff.is_finite() || diff > tol {
                return Err(Error::PriorMismatch {
                    first: reference,
                    other: d,
                    index,
                    diff,
                });
            }
            index += 1;
        }
    }
    Ok(first.unwrap_or(0.0))
}
