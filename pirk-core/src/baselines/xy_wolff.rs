//! The classical baseline for the XY model `S = −β Σ_{x,μ} cos(θ_{x+μ} − θ_x)`, β ≥ 0: Wolff's
//! single-cluster algorithm for O(2) spins `s_x = (cos θ_x, sin θ_x)`.
//!
//! A random unit vector `r = (cos α, sin α)` embeds an Ising model in the spins: reflecting
//! `s_x → s_x − 2(r·s_x) r` flips the sign of `s_x`'s component along `r` and leaves the other
//! alone, so only the couplings `J_xy = β (r·s_x)(r·s_y)` of those signs see it. A cluster grows
//! from a random site over bonds with probability `1 − exp(min(0, −2 J_xy))` and is reflected as
//! a whole, which satisfies detailed balance for `e^{−S}`; with `r` uniform the chain is ergodic
//! and, near the Berezinskii–Kosterlitz–Thouless transition, decorrelates far faster than
//! local updates. Requires extents of at least 2.
//!
//! Reference: U. Wolff, Phys. Rev. Lett. 62 (1989) 361.

use std::f64::consts::{PI, TAU};

use super::cluster::Growth;
use super::metropolis::check_extents;
use crate::Lattice;
use crate::angles::{wrap_angle, wrap_angles};
use crate::error::{Result, ensure};
use crate::rng::{StreamRng, stream_rng};
use rand::RngExt;

/// Single-cluster settings. One update is `clusters` cluster reflections.
#[derive(Clone, Debug)]
pub struct XyWolff {
    updates: usize,
    clusters: usize,
    seed: u64,
}

/// What a run measured.
#[derive(Clone, Copy, Debug)]
pub struct XyWolffReport {
    /// Mean cluster size over the volume.
    pub cluster_fraction: f64,
}

impl Default for XyWolff {
    fn default() -> Self {
        Self::new()
    }
}

impl XyWolff {
    /// 1000 updates of one cluster each, seed 0.
    pub fn new() -> Self {
        Self {
            updates: 1000,
            clusters: 1,
            seed: 0,
        }
    }

    /// Updates per [`XyWolff::run`].
    pub fn with_updates(mut self, updates: usize) -> Result<Self> {
        ensure(updates >= 1, "updates", "need at least 1")?;
        self.updates = updates;
        Ok(self)
    }

    /// Cluster reflections per update.
    pub fn with_clusters(mut self, clusters: usize) -> Result<Self> {
        ensure(clusters >= 1, "clusters", "need at least 1")?;
        self.clusters = clusters;
        Ok(self)
    }

    /// The seed; update `i` draws from stream `(seed, i)`.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Runs the updates at coupling `beta` from `theta` (wrapped into `[−π, π)` and updated in
    /// place, staying there), calling `observe` with the configuration after each one.
    ///
    /// # Panics
    /// If β < 0 (or NaN) or an extent of `lat` is 1.
    pub fn run(
        &self,
        beta: f64,
        lat: &Lattice,
        theta: &mut [f64],
        mut observe: impl FnMut(&[f64]),
    ) -> XyWolffReport {
        assert!(beta >= 0.0, "the Ising embedding needs β ≥ 0, got {beta}");
        check_extents(lat);
        wrap_angles(theta);
        let mut growth = Growth::new(theta.len());
        let mut reflected = 0usize;
        for i in 0..self.updates {
            let mut rng = stream_rng(self.seed, i as u64);
            for _ in 0..self.clusters {
                reflected += reflect_cluster(beta, lat, theta, &mut rng, &mut growth);
            }
            observe(theta);
        }
        XyWolffReport {
            cluster_fraction: reflected as f64
                / (self.updates * self.clusters) as f64
                / theta.len() as f64,
        }
    }
}

/// Grows one cluster from a random site along a random direction `r = (cos α, sin α)` and
/// reflects it, `θ_x → 2α + π − θ_x`; returns its size.
fn reflect_cluster(
    beta: f64,
    lat: &Lattice,
    theta: &mut [f64],
    rng: &mut StreamRng,
    growth: &mut Growth,
) -> usize {
    let alpha = TAU * rng.random::<f64>();
    let seed = rng.random_range(0..theta.len());
    growth.grow(
        lat,
        theta,
        seed,
        rng,
        |theta, x| {
            let projection = (theta[x] - alpha).cos();
            theta[x] = wrap_angle(2.0 * alpha + PI - theta[x]);
            projection
        },
        |theta, px, y| 2.0 * beta * px * (theta[y] - alpha).cos(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{GammaMethod, XyRing, helicity_terms, planar_magnetisation};

    /// The mean link `⟨cos(θ_{x+μ} − θ_x)⟩` and `⟨|M|²⟩` of a chain.
    fn measure(lat: &Lattice, theta: &[f64], links: &mut Vec<f64>, m2: &mut Vec<f64>) {
        links.push(helicity_terms(lat, theta).0 / (lat.ndim() * lat.volume()) as f64);
        let [c, s] = planar_magnetisation(theta);
        m2.push(c * c + s * s);
    }

    /// On a ring of 8 sites at β = 1, the mean link agrees with the transfer matrix within 4σ.
    #[test]
    fn ring_link_matches_the_transfer_matrix() {
        let lat = Lattice::new(&[8]);
        let mut theta = vec![0.0; 8];
        let (mut links, mut m2) = (Vec::new(), Vec::new());
        let wolff = XyWolff::new().with_updates(200_000).unwrap().with_seed(11);
        wolff.run(1.0, &lat, &mut theta, |t| {
            measure(&lat, t, &mut links, &mut m2)
        });
        let mean = GammaMethod::new().analyse(&links).mean;
        let exact = XyRing::new(8, 1.0).link();
        assert!(mean.error < 3e-3, "{mean}");
        assert!(
            (mean.value - exact).abs() < 4.0 * mean.error,
            "{mean} vs {exact}"
        );
    }

    /// A local Metropolis chain: sites in order, proposals `θ_x + (2u − 1)`, wrapped.
    fn metropolis(beta: f64, lat: &Lattice, sweeps: usize, seed: u64) -> (Vec<f64>, Vec<f64>) {
        let mut theta = vec![0.0; lat.volume()];
        let (mut links, mut m2) = (Vec::new(), Vec::new());
        for i in 0..sweeps {
            let mut rng = stream_rng(seed, i as u64);
            for x in 0..lat.volume() {
                let new = wrap_angle(theta[x] + 2.0 * rng.random::<f64>() - 1.0);
                let ds: f64 = (0..lat.ndim())
                    .flat_map(|mu| [lat.neighbor(x, mu, true), lat.neighbor(x, mu, false)])
                    .map(|y| -beta * ((theta[y] - new).cos() - (theta[y] - theta[x]).cos()))
                    .sum();
                if rng.random::<f64>() < (-ds).exp() {
                    theta[x] = new;
                }
            }
            measure(lat, &theta, &mut links, &mut m2);
        }
        (links, m2)
    }

    /// On 4² at β = 1.1 (near the transition), clusters and local updates agree on the mean
    /// link and on `⟨|M|²⟩` within 4 combined σ.
    #[test]
    fn square_lattice_matches_metropolis() {
        let (lat, beta) = (Lattice::new(&[4, 4]), 1.1);
        let mut theta = vec![0.0; 16];
        let (mut links, mut m2) = (Vec::new(), Vec::new());
        let report = XyWolff::new()
            .with_updates(100_000)
            .unwrap()
            .with_seed(3)
            .run(beta, &lat, &mut theta, |t| {
                measure(&lat, t, &mut links, &mut m2)
            });
        assert!(report.cluster_fraction > 0.0 && report.cluster_fraction <= 1.0);
        let (local_links, local_m2) = metropolis(beta, &lat, 200_000, 4);
        let gamma = GammaMethod::new();
        for (name, cluster, local) in [("link", &links, &local_links), ("|M|²", &m2, &local_m2)] {
            let (a, b) = (gamma.analyse(cluster).mean, gamma.analyse(local).mean);
            assert!(a.error < 5e-3 && b.error < 5e-3, "{name}: {a} vs {b}");
            assert!(a.pull(&b).abs() < 4.0, "{name}: {a} vs {b}");
        }
    }

    /// The chain is a function of the seed, and its angles stay in `[−π, π)`.
    #[test]
    fn seeds_fix_the_chain() {
        let lat = Lattice::new(&[4, 3]);
        let run = |seed: u64| {
            let mut theta: Vec<f64> = (0..12).map(|x| x as f64).collect();
            let mut seen = Vec::new();
            let wolff = XyWolff::new()
                .with_updates(50)
                .unwrap()
                .with_clusters(2)
                .unwrap()
                .with_seed(seed);
            wolff.run(0.7, &lat, &mut theta, |t| seen.extend_from_slice(t));
            assert!(seen.iter().all(|t| (-PI..PI).contains(t)));
            seen.iter().map(|t| t.to_bits()).collect::<Vec<_>>()
        };
        assert_eq!(run(5), run(5));
        assert_ne!(run(5), run(6));
    }

    #[test]
    fn settings_are_checked() {
        assert!(XyWolff::new().with_updates(0).is_err());
        assert!(XyWolff::new().with_clusters(0).is_err());
    }

    #[test]
    #[should_panic(expected = "β ≥ 0")]
    fn negative_beta_panics() {
        XyWolff::new().run(-0.1, &Lattice::new(&[4]), &mut [0.0; 4], |_| {});
    }
}
