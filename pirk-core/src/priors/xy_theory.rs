//! Test fixture: the XY model written as a [`Theory`], `S = −β Σ_{x,μ} cos(θ_{x+μ} − θ_x)` with
//! θ = (β), and two periodic kernels, a uniform shift `K_x = 1` and `K_x = sin θ_x`, so a flow
//! of it carries angles out of `[−π, π)`. The same model, declared periodic or not, tells what
//! wrapping changes; at β = 0 it is the [`crate::UniformAnglePrior`]'s action.

use crate::{Lattice, Theory};

/// The XY model, [`Theory::PERIODIC`] as `P`.
#[derive(Default)]
pub(crate) struct XyTheory<const P: bool>;

impl<const P: bool> Theory for XyTheory<P> {
    const NAME: &'static str = "XyTheory";
    const PARAMS: &'static [&'static str] = &["beta"];
    const KERNELS: &'static [&'static str] = &["shift", "sine"];
    const SOURCE: &'static str = "";
    const PERIODIC: bool = P;
    fn action(&self, lat: &Lattice, theta: &[f64], phi: &[f64]) -> f64 {
        let mut sum = 0.0;
        for (x, p) in phi.iter().enumerate() {
            for mu in 0..lat.ndim() {
                sum += (phi[lat.neighbor(x, mu, true)] - p).cos();
            }
        }
        -theta[0] * sum
    }
    fn force(&self, lat: &Lattice, theta: &[f64], phi: &[f64], out: &mut [f64]) {
        for (x, o) in out.iter_mut().enumerate() {
            *o = (0..lat.ndim())
                .flat_map(|mu| [lat.neighbor(x, mu, true), lat.neighbor(x, mu, false)])
                .map(|y| theta[0] * (phi[x] - phi[y]).sin())
                .sum();
        }
    }
    fn quadratic_force(&self, _: &Lattice, _: &[f64], _: &[f64], _: &mut [f64]) {}
    fn param_grad(&self, _: &Lattice, _: &[f64], _: &[f64], _: &mut [f64]) {}
    fn kernel(&self, _: &Lattice, j: usize, phi: &[f64], out: &mut [f64]) {
        for (o, p) in out.iter_mut().zip(phi) {
            *o = if j == 0 { 1.0 } else { p.sin() };
        }
    }
    fn divergence(&self, _: &Lattice, phi: &[f64], out: &mut [f64]) {
        out[0] = 0.0;
        out[1] = phi.iter().map(|p| p.cos()).sum();
    }
    fn stein(&self, _: &Lattice, _: &[f64], _: &[f64], _: &mut [f64]) {}
    fn velocity(&self, _: &Lattice, k: &[f64], phi: &[f64], out: &mut [f64]) -> f64 {
        for (o, p) in out.iter_mut().zip(phi) {
            *o = k[0] + k[1] * p.sin();
        }
        k[1] * phi.iter().map(|p| p.cos()).sum::<f64>()
    }
    fn wegner_row(&self, _: &Lattice, _: &[f64], _: &[f64], _: &mut [f64], _: &mut [f64]) {}
}
