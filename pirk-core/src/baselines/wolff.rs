//! The classical baseline for φ⁴ in hopping form: single-cluster Wolff updates of the embedded
//! Ising signs, combined with local [`Metropolis`] sweeps for the magnitudes.
//!
//! Writing `φ_x = s_x |φ_x|`, only the hopping term `−2κ Σ φ_x φ_{x+μ}` depends on the signs:
//! an Ising model with couplings `J_xy = 2κ |φ_x| |φ_y|`. A Wolff cluster grows from a random
//! site over aligned neighbours with probability `1 − exp(−2 J_xy)` and is flipped as a whole;
//! this satisfies detailed balance for `e^{−S}` and moves the magnetisation between the wells
//! of the broken phase, which local or molecular-dynamics updates cannot do on large volumes.
//! The Metropolis sweeps make the chain ergodic in `|φ|`. Requires κ ≥ 0 (ferromagnetic
//! embedding) and extents of at least 2.
//!
//! References: U. Wolff, Phys. Rev. Lett. 62 (1989) 361; R. C. Brower, P. Tamayo, Phys. Rev.
//! Lett. 62 (1989) 1087.

use super::metropolis::check_extents;
use crate::Lattice;
use crate::error::{Result, ensure};
use crate::rng::{StreamRng, stream_rng};
use crate::{Hopping, Metropolis};
use rand::RngExt;

/// Cluster-plus-Metropolis settings. One update is `sweeps` Metropolis sweeps followed by
/// `clusters` single-cluster flips.
#[derive(Clone, Debug)]
pub struct Wolff {
    updates: usize,
    sweeps: usize,
    clusters: usize,
    metropolis: Metropolis,
    seed: u64,
}

/// What a run measured.
#[derive(Clone, Copy, Debug)]
pub struct WolffReport {
    /// Fraction of accepted Metropolis proposals.
    pub acceptance: f64,
    /// Mean cluster size over the volume.
    pub cluster_fraction: f64,
}

impl Default for Wolff {
    fn default() -> Self {
        Self::new()
    }
}

impl Wolff {
    /// 1000 updates of one sweep and one cluster each, Metropolis half-width 1, seed 0.
    pub fn new() -> Self {
        Self {
            updates: 1000,
            sweeps: 1,
            clusters: 1,
            metropolis: Metropolis::new(),
            seed: 0,
        }
    }

    /// Updates per [`Wolff::run`].
    pub fn with_updates(mut self, updates: usize) -> Result<Self> {
        ensure(updates >= 1, "updates", "need at least 1")?;
        self.updates = updates;
        Ok(self)
    }

    /// Metropolis sweeps per update (at least 1: clusters alone never change `|φ|`).
    pub fn with_sweeps(mut self, sweeps: usize) -> Result<Self> {
        ensure(sweeps >= 1, "sweeps", "need at least 1")?;
        self.sweeps = sweeps;
        Ok(self)
    }

    /// Cluster flips per update.
    pub fn with_clusters(mut self, clusters: usize) -> Result<Self> {
        ensure(clusters >= 1, "clusters", "need at least 1")?;
        self.clusters = clusters;
        Ok(self)
    }

    /// The local update.
    pub fn with_metropolis(mut self, metropolis: Metropolis) -> Self {
        self.metropolis = metropolis;
        self
    }

    /// The seed; update `i` draws from stream `(seed, i)`.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Runs the updates from `phi` (updated in place), calling `observe` with the
    /// configuration after each one.
    ///
    /// # Panics
    /// If κ < 0 or an extent of `lat` is 1.
    pub fn run(
        &self,
        couplings: &Hopping,
        lat: &Lattice,
        phi: &mut [f64],
        mut observe: impl FnMut(&[f64]),
    ) -> WolffReport {
        assert!(
            couplings.kappa >= 0.0,
            "the Ising embedding needs κ ≥ 0, got {}",
            couplings.kappa
        );
        check_extents(lat);
        let (mut accepted, mut flipped) = (0usize, 0usize);
        let mut stack = Vec::with_capacity(phi.len());
        for i in 0..self.updates {
            let mut rng = stream_rng(self.seed, i as u64);
            for _ in 0..self.sweeps {
                accepted += self.metropolis.sweep(couplings, lat, phi, &mut rng);
            }
            for _ in 0..self.clusters {
                flipped += flip_cluster(couplings.kappa, lat, phi, &mut rng, &mut stack);
            }
            observe(phi);
        }
        let v = phi.len() as f64;
        WolffReport {
            acceptance: accepted as f64 / (self.updates * self.sweeps) as f64 / v,
            cluster_fraction: flipped as f64 / (self.updates * self.clusters) as f64 / v,
        }
    }
}

/// Grows one cluster from a random site and flips it; returns its size. Sites are flipped as
/// they join, so "aligned with the seed's original sign" also means "not yet in the cluster".
fn flip_cluster(
    kappa: f64,
    lat: &Lattice,
    phi: &mut [f64],
    rng: &mut StreamRng,
    stack: &mut Vec<usize>,
) -> usize {
    let seed = rng.random_range(0..phi.len());
    let sign = phi[seed].signum();
    phi[seed] = -phi[seed];
    stack.push(seed);
    let mut size = 1;
    while let Some(x) = stack.pop() {
        let ax = phi[x].abs();
        for mu in 0..lat.ndim() {
            for forward in [true, false] {
                let y = lat.neighbor(x, mu, forward);
                if phi[y] * sign > 0.0
                    && rng.random::<f64>() < 1.0 - (-4.0 * kappa * ax * phi[y].abs()).exp()
                {
                    phi[y] = -phi[y];
                    stack.push(y);
                    size += 1;
                }
            }
        }
    }
    size
}
