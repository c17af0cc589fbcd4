//! Test fixture: the free field written as a [`Theory`],
//! `S = Σ_x [a Σ_μ (φ_{x+μ} − φ_x)² + m φ_x²]` with θ = (a, m), stable or not. Its quadratic
//! part is itself, and at stable couplings it is the [`crate::FreeFieldPrior`]'s action.

use super::free::{free_action, free_force};
use crate::{Lattice, Theory};

/// The free field as a theory of `(a, m)`; no kernels.
#[derive(Default)]
pub(crate) struct FreeTheory;

impl Theory for FreeTheory {
    const NAME: &'static str = "FreeTheory";
    const PARAMS: &'static [&'static str] = &["a", "m"];
    const KERNELS: &'static [&'static str] = &[];
    const SOURCE: &'static str = "";
    fn action(&self, lat: &Lattice, theta: &[f64], phi: &[f64]) -> f64 {
        free_action(lat, theta[0], theta[1], phi)
    }
    fn force(&self, lat: &Lattice, theta: &[f64], phi: &[f64], out: &mut [f64]) {
        free_force(lat, theta[0], theta[1], phi, out)
    }
    fn quadratic_force(&self, lat: &Lattice, theta: &[f64], phi: &[f64], out: &mut [f64]) {
        free_force(lat, theta[0], theta[1], phi, out)
    }
    fn param_grad(&self, _: &Lattice, _: &[f64], _: &[f64], _: &mut [f64]) {}
    fn kernel(&self, _: &Lattice, _: usize, _: &[f64], _: &mut [f64]) {}
    fn divergence(&self, _: &Lattice, _: &[f64], _: &mut [f64]) {}
    fn stein(&self, _: &Lattice, _: &[f64], _: &[f64], _: &mut [f64]) {}
    fn velocity(&self, _: &Lattice, _: &[f64], _: &[f64], _: &mut [f64]) -> f64 {
        0.0
    }
    fn wegner_row(&self, _: &Lattice, _: &[f64], _: &[f64], _: &mut [f64], _: &mut [f64]) {}
}
