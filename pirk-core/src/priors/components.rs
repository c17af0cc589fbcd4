//! A prior for an N-component field (`field: phi[N]`) made of N independent copies of a
//! one-component prior: `S_0(φ) = Σ_a S_0^{(1)}(φ_{·,a})`, so the free field of an O(N)
//! theory's quadratic part (the same kinetic and mass term for every component) is exact.
//! Configurations are site-major and component-minor (`phi[x * N + a]`, [`crate::Theory`]).

use crate::Prior;
use crate::error::{Result, ensure};
use crate::rng::StreamRng;

/// N independent copies of `P`, interleaved per site.
#[derive(Clone, Debug)]
pub struct ComponentPrior<P> {
    inner: P,
    components: usize,
}

impl<P: Prior> ComponentPrior<P> {
    /// `components ≥ 1` copies of `inner` (one copy is `inner` itself, value for value).
    pub fn new(inner: P, components: usize) -> Result<Self> {
        ensure(
            components >= 1,
            "components",
            format!("must be at least 1, got {components}"),
        )?;
        Ok(Self { inner, components })
    }

    /// The one-component prior every component follows.
    pub fn inner(&self) -> &P {
        &self.inner
    }

    /// Component `a` of `phi` into `one` (one value per site).
    fn gather(&self, phi: &[f64], a: usize, one: &mut Vec<f64>) {
        one.clear();
        one.extend(phi.iter().skip(a).step_by(self.components));
    }

    /// `one` (one value per site) into component `a` of `phi`.
    fn scatter(&self, one: &[f64], a: usize, phi: &mut [f64]) {
        for (p, o) in phi.iter_mut().skip(a).step_by(self.components).zip(one) {
            *p = *o;
        }
    }
}

impl<P: Prior> Prior for ComponentPrior<P> {
    /// Component 0's field first, then component 1's, …, each drawn as `P` draws it.
    fn sample(&self, rng: &mut StreamRng, out: &mut [f64]) {
        let mut one = vec![0.0; out.len() / self.components];
        for a in 0..self.components {
            self.inner.sample(rng, &mut one);
            self.scatter(&one, a, out);
        }
    }

    fn action(&self, phi: &[f64]) -> f64 {
        let mut one = Vec::with_capacity(phi.len() / self.components);
        (0..self.components)
            .map(|a| {
                self.gather(phi, a, &mut one);
                self.inner.action(&one)
            })
            .sum()
    }

    fn force(&self, phi: &[f64], out: &mut [f64]) {
        let mut one = Vec::with_capacity(phi.len() / self.components);
        let mut force = vec![0.0; phi.len() / self.components];
        for a in 0..self.components {
            self.gather(phi, a, &mut one);
            self.inner.force(&one, &mut force);
            self.scatter(&force, a, out);
        }
    }

    fn log_norm(&self) -> f64 {
        self.components as f64 * self.inner.log_norm()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::stream_rng;
    use crate::{FreeFieldPrior, Lattice};

    /// Three components: each is the free field's own draw (same stream, in order), the action
    /// and force are the sums and per-component forces, and the normalisation is the cube.
    #[test]
    fn components_are_independent_copies() {
        let lat = Lattice::new(&[4, 3]);
        let free = FreeFieldPrior::new(&lat, 0.7, 0.3).unwrap();
        let prior = ComponentPrior::new(free.clone(), 3).unwrap();
        let v = lat.volume();
        let mut phi = vec![0.0; 3 * v];
        prior.sample(&mut stream_rng(5, 0), &mut phi);
        let mut rng = stream_rng(5, 0);
        let (mut action, mut force) = (0.0, vec![0.0; v]);
        for a in 0..3 {
            let mut one = vec![0.0; v];
            free.sample(&mut rng, &mut one);
            for x in 0..v {
                assert_eq!(phi[x * 3 + a], one[x], "site {x}, component {a}");
            }
            action += free.action(&one);
            free.force(&one, &mut force);
            let mut all = vec![0.0; 3 * v];
            prior.force(&phi, &mut all);
            for x in 0..v {
                assert_eq!(all[x * 3 + a], force[x]);
            }
        }
        assert!((prior.action(&phi) - action).abs() < 1e-12 * action.abs());
        assert!((prior.log_norm() - 3.0 * free.log_norm()).abs() < 1e-12);
        assert!(ComponentPrior::new(free, 0).is_err());
    }
}
