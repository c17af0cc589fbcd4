//! Local Metropolis sweeps for φ⁴ in hopping form,
//! `S = Σ_x [−2κ Σ_μ φ_x φ_{x+μ} + (1 − 2λ) φ_x² + λ φ_x⁴]`, with κ and λ given explicitly, and
//! for its O(N) version with `φ_x` an N-component vector (products read as dot products).
//!
//! Why specialised rather than generic over [`Theory`](crate::Theory): a local update needs the
//! action difference of a one-site change in O(1), which the trait does not expose (only the
//! whole action, O(V)). The difference here is checked against `Theory::action` of the
//! macro-declared hopping theory in `tests/acceptance_wolff.rs`, the O(N) difference against the
//! whole action in the tests of [`OnWolff`](crate::OnWolff).
//!
//! Reference: N. Metropolis et al., J. Chem. Phys. 21 (1953) 1087.

use rand::RngExt;

use crate::Lattice;
use crate::error::{Result, ensure};

/// Hopping-form couplings `(κ, λ)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hopping {
    /// The hopping parameter κ.
    pub kappa: f64,
    /// The quartic coupling λ.
    pub lambda: f64,
}

impl Hopping {
    /// `S(φ') − S(φ)` when only site `x` changes to `new`, in O(1). Assumes every extent is at
    /// least 2 (with extent 1 a site is its own neighbour and the hopping term is quadratic).
    pub fn local_difference(&self, lat: &Lattice, phi: &[f64], x: usize, new: f64) -> f64 {
        self.vector_local_difference(lat, phi, x, &[new])
    }

    /// The same for the O(N) action `S = Σ_x [−2κ Σ_μ φ_x·φ_{x+μ} + (1 − 2λ) φ_x·φ_x +
    /// λ (φ_x·φ_x)²]` of an `N = new.len()`-component field stored as `phi[x·N + a]`, when only
    /// site `x`'s vector changes to `new`. `N = 1` is [`Hopping::local_difference`], bit for bit.
    pub fn vector_local_difference(
        &self,
        lat: &Lattice,
        phi: &[f64],
        x: usize,
        new: &[f64],
    ) -> f64 {
        let n = new.len();
        let old = &phi[x * n..(x + 1) * n];
        let (mut hopping, mut old2, mut new2) = (0.0, 0.0, 0.0);
        for (a, (&o, &v)) in old.iter().zip(new).enumerate() {
            let neighbours: f64 = (0..lat.ndim())
                .map(|mu| {
                    phi[lat.neighbor(x, mu, true) * n + a] + phi[lat.neighbor(x, mu, false) * n + a]
                })
                .sum();
            hopping += -2.0 * self.kappa * (v - o) * neighbours;
            old2 += o * o;
            new2 += v * v;
        }
        hopping
            + (1.0 - 2.0 * self.lambda) * (new2 - old2)
            + self.lambda * (new2 * new2 - old2 * old2)
    }
}

/// Checks that every extent is at least 2 (so no site neighbours itself).
pub(crate) fn check_extents(lat: &Lattice) {
    assert!(
        lat.dims().iter().all(|&l| l >= 2),
        "local updates need extents of at least 2, got {:?}",
        lat.dims()
    );
}

/// Metropolis settings: sites in lexicographic order, proposals `φ_x + width·(2u − 1)`.
#[derive(Clone, Debug)]
pub struct Metropolis {
    width: f64,
}

impl Default for Metropolis {
    fn default() -> Self {
        Self::new()
    }
}

impl Metropolis {
    /// Proposal half-width 1.
    pub fn new() -> Self {
        Self { width: 1.0 }
    }

    /// Proposal half-width > 0.
    pub fn with_width(mut self, width: f64) -> Result<Self> {
        ensure(
            width > 0.0 && width.is_finite(),
            "width",
            format!("must be positive, got {width}"),
        )?;
        self.width = width;
        Ok(self)
    }

    /// One sweep over all sites in place; returns the number of accepted proposals.
    ///
    /// # Panics
    /// If an extent of `lat` is 1.
    pub fn sweep(
        &self,
        couplings: &Hopping,
        lat: &Lattice,
        phi: &mut [f64],
        rng: &mut impl RngExt,
    ) -> usize {
        self.sweep_vectors(couplings, lat, 1, phi, rng)
    }

    /// One sweep over the sites of an `n`-component field `phi[x·n + a]` in place, proposing
    /// `φ_{x,a} + width·(2u − 1)` for every component of a site at once; returns the number of
    /// accepted proposals. `n = 1` is [`Metropolis::sweep`], bit for bit.
    ///
    /// # Panics
    /// If an extent of `lat` is 1 or `n` is 0.
    pub fn sweep_vectors(
        &self,
        couplings: &Hopping,
        lat: &Lattice,
        n: usize,
        phi: &mut [f64],
        rng: &mut impl RngExt,
    ) -> usize {
        check_extents(lat);
        let mut new = vec![0.0; n];
        let mut accepted = 0;
        for x in 0..phi.len() / n {
            let site = x * n..(x + 1) * n;
            for (v, o) in new.iter_mut().zip(&phi[site.clone()]) {
                *v = o + self.width * (2.0 * rng.random::<f64>() - 1.0);
            }
            let ds = couplings.vector_local_difference(lat, phi, x, &new);
            if ds <= 0.0 || rng.random::<f64>() < (-ds).exp() {
                phi[site].copy_from_slice(&new);
                accepted += 1;
            }
        }
        accepted
    }
}
