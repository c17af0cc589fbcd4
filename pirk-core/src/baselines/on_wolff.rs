//! The classical baseline for O(N) φ⁴ in hopping form,
//! `S = Σ_x [−2κ Σ_μ φ_x·φ_{x+μ} + φ_x·φ_x + λ(φ_x·φ_x − 1)²]` with `φ_x ∈ R^N` stored as
//! `phi[x·N + a]`: Wolff's single-cluster updates of the Ising signs embedded along a random
//! direction, combined with local [`Metropolis`] sweeps of the vectors.
//!
//! A random unit vector `r` embeds an Ising model: the reflection `φ_x → φ_x − 2(φ_x·r) r` flips
//! the sign of `φ_x`'s component along `r` and keeps `|φ_x|`, so only the hopping term sees it,
//! with couplings `J_xy = 2κ (φ_x·r)(φ_y·r)`. A cluster grows from a random site over bonds
//! with probability `1 − exp(min(0, −2 J_xy))` and is reflected as a whole, which satisfies
//! detailed balance for `e^{−S}` and rotates the magnetisation far faster than local updates
//! near the transition. Reflections never change `|φ_x|`, so the Metropolis sweeps make the
//! chain ergodic. `N = 1` samples the same distribution as [`crate::Wolff`] (whose chain is
//! not this one's bit for bit). Requires κ ≥ 0 and extents of at least 2.
//!
//! References: U. Wolff, Phys. Rev. Lett. 62 (1989) 361; R. C. Brower, P. Tamayo, Phys. Rev.
//! Lett. 62 (1989) 1087.

use rand::RngExt;
use rand_distr::{Distribution, StandardNormal};

use super::cluster::Growth;
use super::metropolis::check_extents;
use crate::error::{Result, ensure};
use crate::rng::{StreamRng, stream_rng};
use crate::{Hopping, Lattice, Metropolis};

/// Cluster-plus-Metropolis settings for an N-component field. One update is `sweeps`
/// Metropolis sweeps followed by `clusters` single-cluster reflections.
#[derive(Clone, Debug)]
pub struct OnWolff {
    components: usize,
    updates: usize,
    sweeps: usize,
    clusters: usize,
    metropolis: Metropolis,
    seed: u64,
}

/// What a run measured.
#[derive(Clone, Copy, Debug)]
pub struct OnWolffReport {
    /// Fraction of accepted Metropolis proposals (one per site and sweep).
    pub acceptance: f64,
    /// Mean cluster size over the volume.
    pub cluster_fraction: f64,
}

impl OnWolff {
    /// `components` = N ≥ 1 components per site; 1000 updates of one sweep and one cluster
    /// each, Metropolis half-width 1 per component, seed 0.
    pub fn new(components: usize) -> Result<Self> {
        ensure(components >= 1, "components", "need at least 1")?;
        Ok(Self {
            components,
            updates: 1000,
            sweeps: 1,
            clusters: 1,
            metropolis: Metropolis::new(),
            seed: 0,
        })
    }

    /// Components per site.
    pub fn components(&self) -> usize {
        self.components
    }

    /// Updates per [`OnWolff::run`].
    pub fn with_updates(mut self, updates: usize) -> Result<Self> {
        ensure(updates >= 1, "updates", "need at least 1")?;
        self.updates = updates;
        Ok(self)
    }

    /// Metropolis sweeps per update (at least 1: clusters alone never change `|φ_x|`).
    pub fn with_sweeps(mut self, sweeps: usize) -> Result<Self> {
        ensure(sweeps >= 1, "sweeps", "need at least 1")?;
        self.sweeps = sweeps;
        Ok(self)
    }

    /// Cluster reflections per update.
    pub fn with_clusters(mut self, clusters: usize) -> Result<Self> {
        ensure(clusters >= 1, "clusters", "need at least 1")?;
        self.clusters = clusters;
        Ok(self)
    }

    /// The local update ([`Metropolis::sweep_vectors`]: its width is per component).
    pub fn with_metropolis(mut self, metropolis: Metropolis) -> Self {
        self.metropolis = metropolis;
        self
    }

    /// The seed; update `i` draws from stream `(seed, i)`.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Runs the updates from `phi` (`phi[x·N + a]`, updated in place), calling `observe` with
    /// the configuration after each one.
    ///
    /// # Panics
    /// If κ < 0, an extent of `lat` is 1 or `phi` is not `lat.volume()` sites of N components.
    pub fn run(
        &self,
        couplings: &Hopping,
        lat: &Lattice,
        phi: &mut [f64],
        mut observe: impl FnMut(&[f64]),
    ) -> OnWolffReport {
        assert!(
            couplings.kappa >= 0.0,
            "the Ising embedding needs κ ≥ 0, got {}",
            couplings.kappa
        );
        check_extents(lat);
        let n = self.components;
        assert_eq!(
            phi.len(),
            lat.volume() * n,
            "the field must hold {} sites of {n} components",
            lat.volume()
        );
        let mut growth = Growth::new(lat.volume());
        let mut r = vec![0.0; n];
        let (mut accepted, mut reflected) = (0usize, 0usize);
        for i in 0..self.updates {
            let mut rng = stream_rng(self.seed, i as u64);
            for _ in 0..self.sweeps {
                accepted += self
                    .metropolis
                    .sweep_vectors(couplings, lat, n, phi, &mut rng);
            }
            for _ in 0..self.clusters {
                random_direction(&mut rng, &mut r);
                reflected += reflect_cluster(couplings.kappa, lat, &r, phi, &mut rng, &mut growth);
            }
            observe(phi);
        }
        let v = lat.volume() as f64;
        OnWolffReport {
            acceptance: accepted as f64 / (self.updates * self.sweeps) as f64 / v,
            cluster_fraction: reflected as f64 / (self.updates * self.clusters) as f64 / v,
        }
    }
}

/// A unit vector uniform on the sphere in `R^{r.len()}` (a normalised Gaussian) into `r`.
fn random_direction(rng: &mut StreamRng, r: &mut [f64]) {
    loop {
        r.iter_mut()
            .for_each(|c| *c = StandardNormal.sample(&mut *rng));
        let norm = r.iter().map(|c| c * c).sum::<f64>().sqrt();
        if norm > 0.0 {
            r.iter_mut().for_each(|c| *c /= norm);
            return;
        }
    }
}

/// Grows one cluster from a random site along the unit vector `r` and reflects it,
/// `φ_x → φ_x − 2(φ_x·r) r`; returns its size.
fn reflect_cluster(
    kappa: f64,
    lat: &Lattice,
    r: &[f64],
    phi: &mut [f64],
    rng: &mut StreamRng,
    growth: &mut Growth,
) -> usize {
    let n = r.len();
    let project = |phi: &[f64], x: usize| -> f64 {
        phi[x * n..(x + 1) * n]
            .iter()
            .zip(r)
            .map(|(f, r)| f * r)
            .sum()
    };
    let seed = rng.random_range(0..lat.volume());
    growth.grow(
        lat,
        phi,
        seed,
        rng,
        |phi, x| {
            let projection = project(phi, x);
            phi[x * n..(x + 1) * n]
                .iter_mut()
                .zip(r)
                .for_each(|(f, r)| *f -= 2.0 * projection * r);
            projection
        },
        |phi, px, y| 4.0 * kappa * px * project(phi, y),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{GammaMethod, Wolff, magnetisation, vector_magnetisation};

    /// The action as the module documentation writes it, summed over the whole lattice:
    /// independent of [`Hopping::vector_local_difference`].
    fn action(c: &Hopping, lat: &Lattice, n: usize, phi: &[f64]) -> f64 {
        let site = |x: usize| &phi[x * n..(x + 1) * n];
        let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(a, b)| a * b).sum::<f64>();
        (0..lat.volume())
            .map(|x| {
                let p2 = dot(site(x), site(x));
                let hopping: f64 = (0..lat.ndim())
                    .map(|mu| dot(site(x), site(lat.neighbor(x, mu, true))))
                    .sum();
                -2.0 * c.kappa * hopping + p2 + c.lambda * (p2 - 1.0).powi(2)
            })
            .sum()
    }

    /// `(mean_x |φ_x|², |M|²)` of a configuration.
    fn measure(n: usize, phi: &[f64]) -> [f64; 2] {
        let phi2 = phi.iter().map(|f| f * f).sum::<f64>() * n as f64 / phi.len() as f64;
        let m2 = vector_magnetisation(phi, n).iter().map(|m| m * m).sum();
        [phi2, m2]
    }

    /// A local Metropolis chain written apart from the sampler: from φ = 0, sites in order,
    /// proposals uniform in a ball of radius 1, accepted on the whole action's difference;
    /// `visit` sees the configuration after each sweep past the first 1000.
    fn local_chain(
        c: &Hopping,
        lat: &Lattice,
        n: usize,
        sweeps: usize,
        seed: u64,
        mut visit: impl FnMut(&[f64]),
    ) {
        let mut phi = vec![0.0; lat.volume() * n];
        let mut step = vec![0.0; n];
        for i in 0..1000 + sweeps {
            let mut rng = stream_rng(seed, i as u64);
            for x in 0..lat.volume() {
                loop {
                    step.iter_mut()
                        .for_each(|s| *s = 2.0 * rng.random::<f64>() - 1.0);
                    if step.iter().map(|s| s * s).sum::<f64>() <= 1.0 {
                        break;
                    }
                }
                let mut new = phi.clone();
                new[x * n..(x + 1) * n]
                    .iter_mut()
                    .zip(&step)
                    .for_each(|(f, s)| *f += s);
                let ds = action(c, lat, n, &new) - action(c, lat, n, &phi);
                if rng.random::<f64>() < (-ds).exp() {
                    phi = new;
                }
            }
            if i >= 1000 {
                visit(&phi);
            }
        }
    }

    /// `(⟨mean |φ_x|²⟩, ⟨|M|²⟩)` of `updates` sampler updates after 1000 discarded ones.
    fn sampler_means(
        c: &Hopping,
        lat: &Lattice,
        n: usize,
        updates: usize,
        seed: u64,
    ) -> [Vec<f64>; 2] {
        let mut phi = vec![0.0; lat.volume() * n];
        let sampler = OnWolff::new(n).unwrap().with_seed(seed);
        sampler.run(c, lat, &mut phi, |_| {});
        let (mut phi2, mut m2) = (Vec::new(), Vec::new());
        let report = sampler
            .with_updates(updates)
            .unwrap()
            .with_seed(seed + 1)
            .run(c, lat, &mut phi, |p| {
                let [a, b] = measure(n, p);
                phi2.push(a);
                m2.push(b);
            });
        assert!(
            report.acceptance > 0.2 && report.acceptance < 0.9,
            "{report:?}"
        );
        assert!(report.cluster_fraction > 0.0 && report.cluster_fraction <= 1.0);
        [phi2, m2]
    }

    /// The O(1) difference of a one-site change is the whole action's difference, for three
    /// components, including extents of 2 (where a site's two neighbours along μ coincide).
    #[test]
    fn local_difference_matches_the_action() {
        let (lat, n) = (Lattice::new(&[3, 2]), 3);
        let c = Hopping {
            kappa: 0.3,
            lambda: 0.7,
        };
        let mut rng = stream_rng(1, 0);
        let phi: Vec<f64> = (0..18).map(|_| StandardNormal.sample(&mut rng)).collect();
        for x in 0..6 {
            let new: Vec<f64> = (0..n).map(|_| StandardNormal.sample(&mut rng)).collect();
            let mut changed = phi.clone();
            changed[x * n..(x + 1) * n].copy_from_slice(&new);
            let exact = action(&c, &lat, n, &changed) - action(&c, &lat, n, &phi);
            let local = c.vector_local_difference(&lat, &phi, x, &new);
            assert!(
                (local - exact).abs() < 1e-12 * (1.0 + exact.abs()),
                "{local} vs {exact}"
            );
        }
    }

    /// With N = 1 the sampler agrees with the one-component [`Wolff`] on `⟨M²⟩` and `⟨|M|⟩`
    /// on 4² within 4 combined σ.
    #[test]
    fn one_component_matches_wolff() {
        let lat = Lattice::new(&[4, 4]);
        let c = Hopping {
            kappa: 0.3,
            lambda: 0.5,
        };
        let [_, m2] = sampler_means(&c, &lat, 1, 40_000, 5);
        let abs_m: Vec<f64> = m2.iter().map(|m| m.sqrt()).collect();
        let (mut w_m2, mut w_abs) = (Vec::new(), Vec::new());
        let mut phi = vec![0.0; 16];
        Wolff::new()
            .with_updates(41_000)
            .unwrap()
            .with_seed(7)
            .run(&c, &lat, &mut phi, |p| {
                let m = magnetisation(p);
                w_m2.push(m * m);
                w_abs.push(m.abs());
            });
        let gamma = GammaMethod::new();
        for (name, on, one) in [("M²", &m2, &w_m2[1000..]), ("|M|", &abs_m, &w_abs[1000..])] {
            let (a, b) = (gamma.analyse(on).mean, gamma.analyse(one).mean);
            eprintln!(
                "N = 1, {name}: OnWolff {a}, Wolff {b}, pull {:.2}",
                a.pull(&b)
            );
            assert!(
                a.error < 0.02 * a.value && b.error < 0.02 * b.value,
                "{name}: {a} vs {b}"
            );
            assert!(a.pull(&b).abs() < 4.0, "{name}: {a} vs {b}");
        }
    }

    /// On 3 × 2 (extent 2: doubled bonds) with N = 2 and N = 3, the sampler agrees with the
    /// independent local chain on `⟨|φ_x|²⟩` and `⟨|M|²⟩` within 4 combined σ, each chain
    /// `updates` long with errors below `max_error` relative.
    fn compare_with_local_chain(updates: usize, seed: u64, max_error: f64) {
        let lat = Lattice::new(&[3, 2]);
        let c = Hopping {
            kappa: 0.3,
            lambda: 0.5,
        };
        let gamma = GammaMethod::new();
        for n in [2, 3] {
            let sampled = sampler_means(&c, &lat, n, updates, seed + 10 * n as u64);
            let mut local = [Vec::new(), Vec::new()];
            local_chain(&c, &lat, n, updates, seed, |p| {
                let [a, b] = measure(n, p);
                local[0].push(a);
                local[1].push(b);
            });
            let names = ["|φ|²", "|M|²"];
            for ((name, s), l) in names.iter().zip(&sampled).zip(&local) {
                let (a, b) = (gamma.analyse(s).mean, gamma.analyse(l).mean);
                eprintln!(
                    "N = {n}, {name}: OnWolff {a}, local {b}, pull {:.2}",
                    a.pull(&b)
                );
                let precise = a.error < max_error * a.value && b.error < max_error * b.value;
                assert!(precise, "{name}: {a} vs {b}");
                assert!(a.pull(&b).abs() < 4.0, "N = {n}, {name}: {a} vs {b}");
            }
        }
    }

    #[test]
    fn matches_an_independent_local_chain() {
        compare_with_local_chain(300_000, 33, 0.006);
    }

    /// The same at 8 × 10⁶ updates (about a minute): errors of 3–5 × 10⁻⁴.
    #[test]
    #[ignore]
    fn matches_an_independent_local_chain_long() {
        compare_with_local_chain(8_000_000, 34, 0.0015);
    }

    /// Detailed balance of the reflection alone: one cluster move applied to equilibrium
    /// configurations of the independent chain leaves the mean action and `⟨|M|²⟩` unchanged
    /// (the paired differences average to 0 within 4σ). A bond probability with the wrong
    /// exponent (2κ for 4κ) fails this by far more.
    #[test]
    fn cluster_moves_keep_the_distribution() {
        let (lat, n) = (Lattice::new(&[4, 2]), 3);
        let c = Hopping {
            kappa: 0.35,
            lambda: 0.5,
        };
        let mut rng = stream_rng(21, 0);
        let mut growth = Growth::new(lat.volume());
        let mut r = vec![0.0; n];
        let (mut ds, mut dm2) = (Vec::new(), Vec::new());
        local_chain(&c, &lat, n, 60_000, 8, |p| {
            let mut moved = p.to_vec();
            random_direction(&mut rng, &mut r);
            reflect_cluster(c.kappa, &lat, &r, &mut moved, &mut rng, &mut growth);
            ds.push(action(&c, &lat, n, &moved) - action(&c, &lat, n, p));
            dm2.push(measure(n, &moved)[1] - measure(n, p)[1]);
        });
        let gamma = GammaMethod::new();
        for (name, series) in [("ΔS", &ds), ("Δ|M|²", &dm2)] {
            let mean = gamma.analyse(series).mean;
            eprintln!("{name}: {mean}, {:.2}σ", mean.value / mean.error);
            assert!(mean.value.abs() < 4.0 * mean.error, "{name}: {mean}");
        }
    }

    /// The chain is a function of the seed.
    #[test]
    fn seeds_fix_the_chain() {
        let lat = Lattice::new(&[4, 3]);
        let c = Hopping {
            kappa: 0.4,
            lambda: 0.8,
        };
        let run = |seed: u64| {
            let mut phi: Vec<f64> = (0..36).map(|i| (i as f64 * 0.7).sin()).collect();
            let mut seen = Vec::new();
            OnWolff::new(3)
                .unwrap()
                .with_updates(50)
                .unwrap()
                .with_clusters(2)
                .unwrap()
                .with_sweeps(2)
                .unwrap()
                .with_seed(seed)
                .run(&c, &lat, &mut phi, |p| {
                    seen.extend(p.iter().map(|f| f.to_bits()))
                });
            seen
        };
        assert_eq!(run(5), run(5));
        assert_ne!(run(5), run(6));
    }

    /// A reflection keeps every `|φ_x|` and reverses the cluster's components along `r`.
    #[test]
    fn reflections_keep_lengths() {
        let (lat, n) = (Lattice::new(&[3, 3]), 4);
        let mut rng = stream_rng(2, 0);
        let phi: Vec<f64> = (0..36).map(|_| StandardNormal.sample(&mut rng)).collect();
        let mut moved = phi.clone();
        let mut r = vec![0.0; n];
        random_direction(&mut rng, &mut r);
        assert!((r.iter().map(|c| c * c).sum::<f64>() - 1.0).abs() < 1e-14);
        let size = reflect_cluster(0.5, &lat, &r, &mut moved, &mut rng, &mut Growth::new(9));
        let (mut changed, dot) = (0, |a: &[f64]| {
            a.iter().zip(&r).map(|(a, r)| a * r).sum::<f64>()
        });
        for (before, after) in phi.chunks(n).zip(moved.chunks(n)) {
            let len2 = |v: &[f64]| v.iter().map(|f| f * f).sum::<f64>();
            assert!((len2(before) - len2(after)).abs() < 1e-12);
            if before != after {
                changed += 1;
                assert!((dot(before) + dot(after)).abs() < 1e-12);
            }
        }
        assert_eq!(changed, size);
    }

    #[test]
    fn settings_are_checked() {
        assert!(OnWolff::new(0).is_err());
        let on = OnWolff::new(2).unwrap();
        assert_eq!(on.components(), 2);
        assert!(on.clone().with_updates(0).is_err());
        assert!(on.clone().with_sweeps(0).is_err());
        assert!(on.with_clusters(0).is_err());
    }

    #[test]
    #[should_panic(expected = "4 sites of 2 components")]
    fn the_field_must_match_the_components() {
        let c = Hopping {
            kappa: 0.1,
            lambda: 0.1,
        };
        OnWolff::new(2)
            .unwrap()
            .run(&c, &Lattice::new(&[4]), &mut [0.0; 4], |_| {});
    }

    #[test]
    #[should_panic(expected = "κ ≥ 0")]
    fn negative_kappa_panics() {
        let c = Hopping {
            kappa: -0.1,
            lambda: 0.1,
        };
        OnWolff::new(2)
            .unwrap()
            .run(&c, &Lattice::new(&[4]), &mut [0.0; 8], |_| {});
    }
}
