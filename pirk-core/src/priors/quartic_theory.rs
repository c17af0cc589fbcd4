//! Test fixture: φ⁴ theory written as a [`Theory`],
//! `S = Σ_x [a Σ_μ (φ_{x+μ} − φ_x)² + m φ_x² + λ φ_x⁴]` with θ = (a, m, λ), stable or not. At
//! λ = 0 it is the free field: its quadratic part is itself, and at stable couplings it is the
//! [`crate::FreeFieldPrior`]'s action.

use super::free::{free_action, free_force};
use crate::{Lattice, Theory};

/// φ⁴ theory of `(a, m, λ)`; no kernels.
#[derive(Default)]
pub(crate) struct QuarticTheory;

impl Theory for QuarticTheory {
    const NAME: &'static str = "QuarticTheory";
    const PARAMS: &'static [&'static str] = &["a", "m", "lambda"];
    const KERNELS: &'static [&'static str] = &[];
    const SOURCE: &'static str = "";
    fn action(&self, lat: &Lattice, theta: &[f64], phi: &[f64]) -> f64 {
        free_action(lat, theta[0], theta[1], phi)
            + theta[2] * phi.iter().map(|p| p.powi(4)).sum::<f64>()
    }
    fn force(&self, lat: &Lattice, theta: &[f64], phi: &[f64], out: &mut [f64]) {
        free_force(lat, theta[0], theta[1], phi, out);
        out.iter_mut()
            .zip(phi)
            .for_each(|(o, p)| *o += 4.0 * theta[2] * p.powi(3));
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
