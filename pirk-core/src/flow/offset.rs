//! Paths that start at any exactly samplable prior. With the prior's action `S_0` and the
//! path's couplings `θ(t)`, the flow follows
//!
//! `S_t = S(θ(t)) + (1 − t) Δ`,  `Δ = S_0 − S(θ(0))`:
//!
//! the prior at `t = 0` and the theory at the path's couplings at `t = 1`. The runtime switches
//! the difference off itself, so a prior need not be the theory at any coupling: a Gaussian from
//! the action's quadratic part with its unstable modes lifted, or one with a zero-mode potential,
//! starts a flow of any theory without auxiliary couplings in its declaration. Training solves
//! the Wegner equation of `S_t` (rows `∇·K_j − K_j·∇S_t`, right-hand side `∂_t S_t`), the HMC
//! refresh moves under `S_t`, and the weights along the path are `e^{−S_t}/q_t`; generation
//! needs nothing of it, so a trained flow is used as any other.

use crate::lanes::{LANES, gather};
use crate::vmath::Level;
use crate::{Lattice, Potential, Prior, Theory};

/// `Δ = S_0 − S(θ(0))` and its gradient: the part of the path's action that is switched off.
pub trait Offset: Send + Sync {
    /// `Δ(φ)`.
    fn value(&self, phi: &[f64]) -> f64;
    /// `∇Δ(φ)` into `out`.
    fn gradient(&self, phi: &[f64], out: &mut [f64]);
}

/// The weight `1 − t` of [`Offset`] at time `t`; `∂_t` of it is `−1`.
pub fn offset_weight(t: f64) -> f64 {
    1.0 - t
}

/// The prior's action minus the theory's at the start couplings.
#[derive(Clone, Debug)]
pub struct PriorOffset<T, P> {
    theory: T,
    prior: P,
    lat: Lattice,
    start: Vec<f64>,
}

impl<T: Theory, P: Prior> PriorOffset<T, P> {
    /// `S_0 − S(θ_0)` for `prior` and `theory` at `start` on `lat`.
    pub fn new(theory: T, prior: P, lat: &Lattice, start: &[f64]) -> Self {
        Self {
            theory,
            prior,
            lat: lat.clone(),
            start: start.to_vec(),
        }
    }
}

impl<T: Theory, P: Prior> Offset for PriorOffset<T, P> {
    fn value(&self, phi: &[f64]) -> f64 {
        self.prior.action(phi) - self.theory.action(&self.lat, &self.start, phi)
    }

    fn gradient(&self, phi: &[f64], out: &mut [f64]) {
        let mut theory = vec![0.0; phi.len()];
        self.theory.force(&self.lat, &self.start, phi, &mut theory);
        self.prior.force(phi, out);
        out.iter_mut().zip(&theory).for_each(|(o, f)| *o -= f);
    }
}

/// The path's action at one time, `S(θ) + w Δ`, for the HMC refresh.
pub struct Switched<'a, T> {
    /// The theory.
    pub theory: &'a T,
    /// The difference being switched off.
    pub offset: &'a dyn Offset,
    /// Its weight at this time.
    pub weight: f64,
}

impl<T: Theory> Potential for Switched<'_, T> {
    fn value(&self, lat: &Lattice, theta: &[f64], phi: &[f64]) -> f64 {
        self.theory.action(lat, theta, phi) + self.weight * self.offset.value(phi)
    }

    fn gradient(&self, lat: &Lattice, theta: &[f64], phi: &[f64], out: &mut [f64]) {
        let mut offset = vec![0.0; phi.len()];
        self.offset.gradient(phi, &mut offset);
        self.theory.force(lat, theta, phi, out);
        out.iter_mut()
            .zip(&offset)
            .for_each(|(o, d)| *o += self.weight * d);
    }

    /// The theory's batched force, plus the difference's gradient lane by lane.
    fn gradient_lanes(
        &self,
        level: Level,
        lat: &Lattice,
        theta: &[f64],
        phi: &[f64],
        out: &mut [f64],
    ) {
        let v = phi.len() / LANES;
        let (mut one, mut offset) = (vec![0.0; v], vec![0.0; v]);
        self.theory.force_lanes(level, lat, theta, phi, out);
        for l in 0..LANES {
            gather(phi, l, &mut one);
            self.offset.gradient(&one, &mut offset);
            for (o, d) in out.chunks_exact_mut(LANES).zip(&offset) {
                o[l] += self.weight * d;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ZeroModePrior;
    use crate::priors::quartic_theory::QuarticTheory;

    /// The difference is the zero-mode potential when the prior's free part is the theory at
    /// the start, and its gradient agrees with central differences of its value.
    #[test]
    fn zero_mode_prior_against_its_free_part() {
        let lat = Lattice::new(&[3, 4]);
        let prior = ZeroModePrior::new(&lat, 0.3, 0.2, -0.5, 0.7).unwrap();
        let offset = PriorOffset::new(QuarticTheory, prior, &lat, &[0.3, 0.2, 0.0]);
        let phi: Vec<f64> = (0..12).map(|x| ((x * 5 % 7) as f64 - 3.0) * 0.4).collect();
        let m = phi.iter().sum::<f64>() / 12.0;
        let expected = 12.0 * (-0.5 * m * m + 0.7 * m.powi(4));
        assert!((offset.value(&phi) - expected).abs() < 1e-12);
        let mut grad = vec![0.0; 12];
        offset.gradient(&phi, &mut grad);
        let h = 1e-6;
        for x in 0..12 {
            let (mut p, mut q) = (phi.clone(), phi.clone());
            p[x] += h;
            q[x] -= h;
            let fd = (offset.value(&p) - offset.value(&q)) / (2.0 * h);
            assert!((grad[x] - fd).abs() < 1e-7, "{x}: {} vs {fd}", grad[x]);
        }
    }
}
