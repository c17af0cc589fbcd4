//! Hybrid Monte Carlo with `Theory::force`: the Markov-chain baseline the flow is checked
//! against. Integrators are sequences of the two shared update primitives.
//!
//! References: S. Duane et al., Phys. Lett. B 195 (1987) 216; I. P. Omelyan, I. M. Mryglod,
//! R. Folk, Comput. Phys. Commun. 151 (2003) 272 (the 2nd-order minimum-norm scheme).

use rand::RngExt;
use rand_distr::{Distribution, StandardNormal};
use rayon::prelude::*;

use crate::Estimate;
use crate::angles::wrap_angles;
use crate::error::{Result, ensure};
use crate::lanes::{LANES, gather, per_lane, scatter};
use crate::rng::stream_rng;
use crate::vmath::Level;
use crate::{Lattice, Theory};

/// The molecular-dynamics integrator.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Integrator {
    /// Leapfrog: `P(ε/2) X(ε) P(ε/2)`.
    Leapfrog,
    /// Omelyan 2MN: `P(λε) X(ε/2) P((1−2λ)ε) X(ε/2) P(λε)`, optimal `λ ≈ 0.1932`.
    Omelyan {
        /// The parameter λ.
        lambda: f64,
    },
}

/// HMC settings.
#[derive(Clone, Debug)]
pub struct Hmc {
    step: f64,
    steps: usize,
    integrator: Integrator,
    trajectories: usize,
    seed: u64,
}

/// What a run measured.
#[derive(Clone, Debug)]
pub struct HmcReport {
    /// Fraction of accepted trajectories.
    pub acceptance: f64,
    /// `⟨ΔH⟩`.
    pub mean_dh: f64,
    /// `⟨e^{−ΔH}⟩` (1 for a correct integrator) with its naive error.
    pub exp_dh: Estimate,
}

/// Position update `φ += ε π`.
pub fn update_position(phi: &mut [f64], pi: &[f64], eps: f64) {
    phi.iter_mut().zip(pi).for_each(|(x, p)| *x += eps * p);
}

/// What HMC moves under: an action and its force. Every [`Theory`] is one; so is the action
/// of a path that switches its prior off ([`crate::flow::offset::Switched`]).
pub trait Potential {
    /// The potential is 2π-periodic in each site's value, as a periodic theory's is
    /// ([`Theory::PERIODIC`]), so chains may keep their configurations wrapped into `[−π, π)`
    /// (after every trajectory). False never wraps, which is always correct.
    const PERIODIC: bool = false;
    /// `S(φ; θ)`.
    fn value(&self, lat: &Lattice, theta: &[f64], phi: &[f64]) -> f64;
    /// `∂S/∂φ_x` for every site.
    fn gradient(&self, lat: &Lattice, theta: &[f64], phi: &[f64], out: &mut [f64]);
    /// [`Potential::gradient`] of a lane group at `level` (`phi` and `out` site-major,
    /// lane-minor, [`crate::lanes`]), each lane bit-identical to `gradient`; this default goes
    /// lane by lane.
    fn gradient_lanes(
        &self,
        level: Level,
        lat: &Lattice,
        theta: &[f64],
        phi: &[f64],
        out: &mut [f64],
    ) {
        let _ = level;
        per_lane(phi.len() / LANES, phi, out, |_, one, g| {
            self.gradient(lat, theta, one, g)
        });
    }
}

impl<T: Theory> Potential for T {
    const PERIODIC: bool = T::PERIODIC;

    fn value(&self, lat: &Lattice, theta: &[f64], phi: &[f64]) -> f64 {
        self.action(lat, theta, phi)
    }

    fn gradient(&self, lat: &Lattice, theta: &[f64], phi: &[f64], out: &mut [f64]) {
        self.force(lat, theta, phi, out)
    }

    fn gradient_lanes(
        &self,
        level: Level,
        lat: &Lattice,
        theta: &[f64],
        phi: &[f64],
        out: &mut [f64],
    ) {
        self.force_lanes(level, lat, theta, phi, out)
    }
}

/// One update of a molecular-dynamics step, by its share `c` of the step size ε.
#[derive(Clone, Copy)]
enum Update {
    /// `π −= c ε ∂S/∂φ`.
    Momentum(f64),
    /// `φ += c ε π`.
    Position(f64),
}

/// Momentum update `π −= ε ∂S/∂φ`.
pub fn update_momentum<T: Potential + ?Sized>(
    theory: &T,
    lat: &Lattice,
    theta: &[f64],
    phi: &[f64],
    pi: &mut [f64],
    eps: f64,
    force: &mut [f64],
) {
    theory.gradient(lat, theta, phi, force);
    kick(pi, force, eps);
}

/// `π −= ε F` for a force `F` already computed; element-wise, so any layout.
fn kick(pi: &mut [f64], force: &[f64], eps: f64) {
    pi.iter_mut()
        .zip(force.iter())
        .for_each(|(p, f)| *p -= eps * f);
}

/// `H = ½ π² + S(φ)`.
pub fn hamiltonian<T: Potential + ?Sized>(
    theory: &T,
    lat: &Lattice,
    theta: &[f64],
    phi: &[f64],
    pi: &[f64],
) -> f64 {
    kinetic(pi) + theory.value(lat, theta, phi)
}

/// `½ π²`.
fn kinetic(pi: &[f64]) -> f64 {
    0.5 * pi.iter().map(|p| p * p).sum::<f64>()
}

impl Default for Hmc {
    fn default() -> Self {
        Self::new()
    }
}

impl Hmc {
    /// Omelyan with `λ = 0.1932`, ε = 0.1, 10 steps, 1000 trajectories, seed 0.
    pub fn new() -> Self {
        Self {
            step: 0.1,
            steps: 10,
            integrator: Integrator::Omelyan { lambda: 0.1932 },
            trajectories: 1000,
            seed: 0,
        }
    }

    /// Trajectories per [`Hmc::run`].
    pub fn with_trajectories(mut self, trajectories: usize) -> Result<Self> {
        ensure(trajectories >= 1, "trajectories", "need at least 1")?;
        self.trajectories = trajectories;
        Ok(self)
    }

    /// The seed; trajectory `i` draws from stream `(seed, i)`.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Step size ε > 0.
    pub fn with_step(mut self, step: f64) -> Result<Self> {
        ensure(
            step > 0.0 && step.is_finite(),
            "step",
            format!("must be positive, got {step}"),
        )?;
        self.step = step;
        Ok(self)
    }

    /// Steps per trajectory (trajectory length `steps·ε`).
    pub fn with_steps(mut self, steps: usize) -> Result<Self> {
        ensure(steps >= 1, "steps", "need at least 1")?;
        self.steps = steps;
        Ok(self)
    }

    /// The integrator.
    pub fn with_integrator(mut self, integrator: Integrator) -> Self {
        self.integrator = integrator;
        self
    }

    /// Integrates one trajectory in place.
    pub fn integrate<T: Potential + ?Sized>(
        &self,
        theory: &T,
        lat: &Lattice,
        theta: &[f64],
        phi: &mut [f64],
        pi: &mut [f64],
    ) {
        self.integrate_with(phi, pi, |phi, force| {
            theory.gradient(lat, theta, phi, force)
        });
    }

    /// The integrator's steps with the force from `gradient`. The updates are element-wise,
    /// so `phi` and `pi` may hold one configuration or a lane group. A step's last momentum
    /// update and the next step's first see the same field, so its force is computed once
    /// (`steps + 1` forces per leapfrog trajectory, `2 steps + 1` per Omelyan one), and both
    /// updates are still applied one after the other, as without the reuse.
    fn integrate_with(
        &self,
        phi: &mut [f64],
        pi: &mut [f64],
        mut gradient: impl FnMut(&[f64], &mut [f64]),
    ) {
        use Update::{Momentum, Position};
        let updates: &[Update] = match self.integrator {
            Integrator::Leapfrog => &[Momentum(0.5), Position(1.0), Momentum(0.5)],
            Integrator::Omelyan { lambda } => &[
                Momentum(lambda),
                Position(0.5),
                Momentum(1.0 - 2.0 * lambda),
                Position(0.5),
                Momentum(lambda),
            ],
        };
        let mut force = vec![0.0; phi.len()];
        // Whether `force` is the gradient at the current `phi`.
        let mut current = false;
        for _ in 0..self.steps {
            for &update in updates {
                match update {
                    Position(c) => {
                        update_position(phi, pi, c * self.step);
                        current = false;
                    }
                    Momentum(c) => {
                        if !current {
                            gradient(phi, &mut force);
                            current = true;
                        }
                        kick(pi, &force, c * self.step);
                    }
                }
            }
        }
    }

    /// [`Hmc::run`] of [`LANES`] independent chains in lockstep, chain `l` from lane `l` of
    /// `phi` (site-major, lane-minor, updated in place) with seed `seeds[l]`: the force of all
    /// chains is one [`Potential::gradient_lanes`] call at `level`, and each lane ends with the
    /// bits `run` gives its chain alone (its own momenta, its own accept/reject).
    #[allow(clippy::too_many_arguments)]
    pub fn run_lanes<T: Potential + ?Sized>(
        &self,
        theory: &T,
        level: Level,
        lat: &Lattice,
        theta: &[f64],
        phi: &mut [f64],
        seeds: &[u64; LANES],
    ) {
        let v = phi.len() / LANES;
        let (mut pi, mut trial) = (vec![0.0; v * LANES], vec![0.0; v * LANES]);
        let (mut one_phi, mut one_pi) = (vec![0.0; v], vec![0.0; v]);
        let mut action: [f64; LANES] = std::array::from_fn(|l| {
            gather(phi, l, &mut one_phi);
            theory.value(lat, theta, &one_phi)
        });
        let mut h0 = [0.0; LANES];
        for i in 0..self.trajectories {
            let mut rngs = seeds.map(|seed| stream_rng(seed, i as u64));
            trial.copy_from_slice(phi);
            for (l, rng) in rngs.iter_mut().enumerate() {
                one_pi
                    .iter_mut()
                    .for_each(|p| *p = StandardNormal.sample(&mut *rng));
                scatter(&one_pi, l, &mut pi);
                h0[l] = kinetic(&one_pi) + action[l];
            }
            self.integrate_with(&mut trial, &mut pi, |phi, force| {
                theory.gradient_lanes(level, lat, theta, phi, force)
            });
            for (l, rng) in rngs.iter_mut().enumerate() {
                gather(&trial, l, &mut one_phi);
                gather(&pi, l, &mut one_pi);
                let trial_action = theory.value(lat, theta, &one_phi);
                let dh = kinetic(&one_pi) + trial_action - h0[l];
                let u: f64 = rng.random();
                if dh.is_finite() && u.ln() < -dh {
                    scatter(&one_phi, l, phi);
                    action[l] = trial_action;
                }
            }
            if T::PERIODIC {
                wrap_angles(phi);
            }
        }
    }

    /// [`Hmc::run_lanes`] from each of many configurations of `v` values (`phi`, one after
    /// another, updated in place), lane groups in parallel at the best instruction set;
    /// configuration `i` runs the chain of seed `seed_of(i)`, so its bits depend neither on the
    /// thread count nor on its lane group. A partial last group is padded with zero fields.
    pub fn run_many<T: Potential + Sync + ?Sized>(
        &self,
        theory: &T,
        lat: &Lattice,
        theta: &[f64],
        v: usize,
        phi: &mut [f64],
        seed_of: impl Fn(usize) -> u64 + Sync,
    ) {
        let level = Level::best();
        phi.par_chunks_mut(v * LANES)
            .enumerate()
            .for_each(|(g, configs)| {
                let seeds = std::array::from_fn(|l| seed_of(g * LANES + l));
                let mut group = vec![0.0; v * LANES];
                for (l, config) in configs.chunks(v).enumerate() {
                    scatter(config, l, &mut group);
                }
                self.run_lanes(theory, level, lat, theta, &mut group, &seeds);
                for (l, config) in configs.chunks_mut(v).enumerate() {
                    gather(&group, l, config);
                }
            });
    }

    /// Runs the trajectories from `phi` (updated in place), calling `observe` with the
    /// configuration after each one (wrapped into `[−π, π)` for a [`Potential::PERIODIC`] one).
    pub fn run<T: Potential + ?Sized>(
        &self,
        theory: &T,
        lat: &Lattice,
        theta: &[f64],
        phi: &mut [f64],
        mut observe: impl FnMut(&[f64]),
    ) -> HmcReport {
        let (trajectories, seed) = (self.trajectories, self.seed);
        let v = phi.len();
        let (mut pi, mut trial) = (vec![0.0; v], vec![0.0; v]);
        let (mut accepted, mut dh_sum) = (0usize, 0.0);
        let mut exp_dh = Vec::with_capacity(trajectories);
        // The action of the chain's configuration, kept from the trajectory that set it.
        let mut action = theory.value(lat, theta, phi);
        for i in 0..trajectories {
            let mut rng = stream_rng(seed, i as u64);
            pi.iter_mut()
                .for_each(|p| *p = StandardNormal.sample(&mut rng));
            trial.copy_from_slice(phi);
            let h0 = kinetic(&pi) + action;
            self.integrate(theory, lat, theta, &mut trial, &mut pi);
            let trial_action = theory.value(lat, theta, &trial);
            let dh = kinetic(&pi) + trial_action - h0;
            let u: f64 = rng.random();
            if dh.is_finite() && u.ln() < -dh {
                phi.copy_from_slice(&trial);
                action = trial_action;
                accepted += 1;
            }
            dh_sum += dh;
            exp_dh.push((-dh).exp());
            if T::PERIODIC {
                wrap_angles(phi);
            }
            observe(phi);
        }
        let n = trajectories as f64;
        let mean = exp_dh.iter().sum::<f64>() / n;
        let var = exp_dh.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
        HmcReport {
            acceptance: accepted as f64 / n,
            mean_dh: dh_sum / n,
            exp_dh: Estimate {
                value: mean,
                error: (var / n).sqrt(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use std::f64::consts::PI;

    use super::*;
    use crate::priors::xy_theory::XyTheory;
    use crate::wrap_angle;

    fn bits(x: &[f64]) -> Vec<u64> {
        x.iter().map(|v| v.to_bits()).collect()
    }

    /// `trajectories` of 5 steps of 0.2: enough to move a small lattice's chains.
    fn short_chains(trajectories: usize) -> Hmc {
        Hmc::new()
            .with_trajectories(trajectories)
            .unwrap()
            .with_step(0.2)
            .unwrap()
            .with_steps(5)
            .unwrap()
    }

    /// Chains of a periodic theory started far outside `[−π, π)` are observed inside it; they
    /// are the non-periodic theory's chains (which stay outside) wrapped, up to rounding, and a
    /// lane group of them gets each chain's bits.
    #[test]
    fn periodic_chains_are_wrapped() {
        let lat = Lattice::new(&[4, 3]);
        let v = lat.volume();
        let hmc = short_chains(6);
        let theta = [0.9];
        let start = |l: usize| -> Vec<f64> {
            (0..v)
                .map(|x| 10.0 + 0.4 * ((x * 7 + l * 3) % 5) as f64)
                .collect()
        };
        let seeds: [u64; LANES] = std::array::from_fn(|l| 40 + l as u64);
        let mut group = vec![0.0; v * LANES];
        for l in 0..LANES {
            scatter(&start(l), l, &mut group);
        }
        hmc.run_lanes(
            &XyTheory::<true>,
            Level::best(),
            &lat,
            &theta,
            &mut group,
            &seeds,
        );
        let (mut got, mut accepted) = (vec![0.0; v], 0.0);
        for (l, &seed) in seeds.iter().enumerate() {
            let chain = hmc.clone().with_seed(seed);
            let (mut wrapped, mut plain) = (Vec::new(), Vec::new());
            let mut one = start(l);
            let report = chain.run(&XyTheory::<true>, &lat, &theta, &mut one, |phi| {
                wrapped.extend_from_slice(phi)
            });
            accepted += report.acceptance;
            gather(&group, l, &mut got);
            assert_eq!(bits(&got), bits(&one), "chain {l}");
            let mut other = start(l);
            chain.run(&XyTheory::<false>, &lat, &theta, &mut other, |phi| {
                plain.extend_from_slice(phi)
            });
            assert!(wrapped.iter().all(|p| (-PI..PI).contains(p)));
            assert!(plain.iter().all(|p| *p > PI));
            for (a, b) in wrapped.iter().zip(&plain) {
                assert!(wrap_angle(a - b).abs() < 1e-9, "chain {l}: {a} vs {b}");
            }
        }
        assert!(accepted > 0.0);
    }

    /// Many configurations, a partial last lane group among them: each ends with the bits of
    /// its own chain run alone with the seed `seed_of` gives its index, whatever the threads.
    #[test]
    fn many_configurations_get_their_own_chains() {
        let lat = Lattice::new(&[4, 3]);
        let v = lat.volume();
        let hmc = short_chains(3);
        let theta = [0.9];
        let n = 2 * LANES + 3;
        let start: Vec<f64> = (0..n * v)
            .map(|i| 0.5 * ((i * 7 % 11) as f64 - 5.0))
            .collect();
        let seed_of = |i: usize| 1000 + 3 * i as u64;
        let mut many = start.clone();
        hmc.run_many(&XyTheory::<true>, &lat, &theta, v, &mut many, seed_of);
        let mut one_thread = start.clone();
        rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| hmc.run_many(&XyTheory::<true>, &lat, &theta, v, &mut one_thread, seed_of));
        assert_eq!(bits(&many), bits(&one_thread));
        for (i, (config, got)) in start.chunks(v).zip(many.chunks(v)).enumerate() {
            let mut alone = config.to_vec();
            (hmc.clone().with_seed(seed_of(i))).run(
                &XyTheory::<true>,
                &lat,
                &theta,
                &mut alone,
                |_| {},
            );
            assert_eq!(bits(got), bits(&alone), "configuration {i}");
        }
        assert_ne!(bits(&many), bits(&start));
    }
}
