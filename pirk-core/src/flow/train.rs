//! Self-consistent training: flow a collocation ensemble from the prior with RK4, solving the
//! Wegner system at each stage's own time on that stage's ensemble.
//!
//! Per step `t → t + h`: `k(t)` is solved on `φ_t`, `k(t + h/2)` on the second-stage ensemble
//! (and reused by the third stage), `k(t + h)` on the fourth-stage ensemble. The grid stores
//! `k` at every `t_n` (stage-1 solves) and every midpoint (stage-2 solves), plus a final solve
//! at `t = 1`; generation interpolates linearly on this half-step grid, so an RK4 generation
//! with the training step count uses the solved values directly.
//!
//! Optionally ([`Trainer::with_refresh`]) every collocation configuration then takes a few HMC
//! trajectories at `θ(t + h)`: the ensemble is pulled back toward `p_{t+h}` instead of carrying
//! the flow's accumulated error forward, so each slice is solved where the target's mass is.
//! Only the training ensemble is refreshed; generation integrates the flow with exact `log q`
//! (and moves only if it relaxes along the path, [`crate::Generator::with_relax`]).
//! On the hopping form the refresh can be Wolff cluster updates ([`Refresh::Wolff`]) instead,
//! which move the magnetisation that HMC moves only slowly near and past a critical point
//! (what that changes is measured in docs/physics.md).

use rand::RngExt;
use rayon::prelude::*;

use super::prune;
use super::rk4::Stages;
use crate::Basis;
use crate::Hmc;
use crate::Hopping;
use crate::Path;
use crate::Prior;
use crate::Theory;
use crate::Wolff;
use crate::error::{Result, ensure};
use crate::lanes::{LANES, gather, scatter};
use crate::ranks::ranks;
use crate::rng::stream_rng;
use crate::vmath::Level;
use crate::{FLOW_VERSION, Flow};
use crate::{PruneRule, Pruning};
use crate::{SliceSolution, Switched, WegnerSolver, offset_weight};

/// Training settings.
#[derive(Clone, Debug)]
pub struct Trainer {
    samples: usize,
    steps: usize,
    seed: u64,
    solver: WegnerSolver,
    refresh: Option<Refresh>,
    prune: Option<PruneRule>,
}

/// The update that pulls the collocation ensemble toward `p_{t+h}` after every step.
#[derive(Clone, Debug)]
pub enum Refresh {
    /// HMC trajectories (its trajectory count, step and integrator), for any theory.
    Hmc(Hmc),
    /// Wolff updates (its update count and Metropolis width) of the hopping form, whose κ and
    /// λ are the path parameters at indices `kappa` and `lambda`; κ must stay ≥ 0.
    Wolff {
        /// The updates per refresh.
        wolff: Wolff,
        /// Index of κ in θ.
        kappa: usize,
        /// Index of λ in θ.
        lambda: usize,
    },
}

/// What training measured, one entry per solved slice in time order.
#[derive(Clone, Debug)]
pub struct TrainReport {
    /// Every slice solution (grid slices and fourth stages).
    pub slices: Vec<SliceSolution>,
}

impl TrainReport {
    /// The largest relative residual.
    pub fn max_residual(&self) -> f64 {
        self.slices.iter().map(|s| s.residual).fold(0.0, f64::max)
    }
}

impl Default for Trainer {
    fn default() -> Self {
        Self::new()
    }
}

impl Trainer {
    /// 4000 collocation samples, 100 steps, seed 0, default solver.
    pub fn new() -> Self {
        Self {
            samples: 4000,
            steps: 100,
            seed: 0,
            solver: WegnerSolver::new(),
            refresh: None,
            prune: None,
        }
    }

    /// Collocation ensemble size (must exceed the basis size).
    pub fn with_samples(mut self, samples: usize) -> Result<Self> {
        ensure(samples >= 2, "samples", "need at least 2")?;
        self.samples = samples;
        Ok(self)
    }

    /// RK4 steps from 0 to 1.
    pub fn with_steps(mut self, steps: usize) -> Result<Self> {
        ensure(steps >= 1, "steps", "need at least 1")?;
        self.steps = steps;
        Ok(self)
    }

    /// Seed of the collocation ensemble.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The per-slice solver.
    pub fn with_solver(mut self, solver: WegnerSolver) -> Self {
        self.solver = solver;
        self
    }

    /// After every step, refresh each collocation configuration with `refresh` at the
    /// couplings of the step's end.
    pub fn with_refresh(mut self, refresh: Refresh) -> Self {
        self.refresh = Some(refresh);
        self
    }

    /// After training, drop the kernels the fit does not need, one at a time while the
    /// residual they add over the path stays within the rule's tolerance, and re-solve the
    /// grid slices without them (see [`crate::Pruning`]); the tolerance must be `≥ 0`.
    pub fn with_pruning(mut self, rule: PruneRule) -> Result<Self> {
        let (PruneRule::Absolute(tolerance) | PruneRule::Relative(tolerance)) = rule;
        ensure(
            tolerance >= 0.0 && tolerance.is_finite(),
            "prune",
            format!("must be finite and at least 0, got {tolerance}"),
        )?;
        self.prune = Some(rule);
        Ok(self)
    }

    /// Trains a flow for `theory` along `path` from `prior` in `basis`.
    pub fn train<T: Theory, P: Prior>(
        &self,
        theory: &T,
        prior: &P,
        basis: &Basis<T>,
        path: &Path,
    ) -> Result<(Flow, TrainReport)> {
        self.train_observed(theory, prior, basis, path, |_| {})
    }

    /// [`Trainer::train`], calling `on_step(n)` after each of the `steps` RK4 steps (for
    /// progress reporting).
    pub fn train_observed<T: Theory, P: Prior>(
        &self,
        theory: &T,
        prior: &P,
        basis: &Basis<T>,
        path: &Path,
        mut on_step: impl FnMut(usize),
    ) -> Result<(Flow, TrainReport)> {
        ensure(
            !(basis.offset().is_some() && matches!(self.refresh, Some(Refresh::Wolff { .. }))),
            "refresh",
            "Wolff updates move under the theory alone; a prior that is not the theory at the \
             path's start needs the HMC refresh",
        )?;
        ensure(
            T::COMPONENTS == 1 || !matches!(self.refresh, Some(Refresh::Wolff { .. })),
            "refresh",
            "the Wolff refresh updates a one-component hopping form; an N-component field needs \
             the HMC refresh",
        )?;
        let lat = basis.lattice();
        let v = basis.field_len();
        // This rank's block of the collocation ensemble; the slices are solved on all of it.
        let own = ranks().share(self.samples);
        let mut phi = vec![0.0; own.len() * v];
        phi.par_chunks_mut(v)
            .enumerate()
            .for_each(|(i, c)| prior.sample(&mut stream_rng(self.seed, (own.start + i) as u64), c));
        let h = 1.0 / self.steps as f64;
        let mut grid = Vec::with_capacity(2 * self.steps + 1);
        let mut coeffs = Vec::with_capacity(2 * self.steps + 1);
        let mut residuals = Vec::new();
        let mut conditions = Vec::new();
        let mut slices = Vec::new();
        let mut max_speed: f64 = 0.0;
        let mut record = |s: SliceSolution, on_grid: bool| {
            if on_grid {
                grid.push(s.t);
                coeffs.push(s.coeffs.clone());
                residuals.push(s.residual);
                conditions.push(s.condition);
            }
            let k = s.coeffs.clone();
            slices.push(s);
            k
        };
        // With pruning, each grid slice is also kept reduced, for the re-solve.
        let mut reduced = Vec::new();
        // Every rank solves the whole system, gathered from the ranks' rows in index order, and
        // goes on with rank 0's coefficients (the same bits unless the ranks' CPUs differ).
        let mut solve = |t: f64, y: &[f64], on_grid: bool| -> Result<SliceSolution> {
            let (a, b) = self.solver.assemble(theory, basis, path, t, y);
            let (a, b) = (ranks().all_gather(a), ranks().all_gather(b));
            let mut solution = if self.prune.is_none() || !on_grid {
                self.solver.solve_system(t, basis.len(), a, b)?
            } else {
                let slice = self.solver.reduce(t, basis.len(), a, b)?;
                let all: Vec<usize> = (0..basis.len()).collect();
                let solution = self.solver.solve_reduced(&slice, &all)?;
                reduced.push(slice);
                solution
            };
            solution.coeffs = ranks().broadcast_values(solution.coeffs);
            Ok(solution)
        };
        let mut stages = Stages::new(phi.len());
        for n in 0..self.steps {
            let t = n as f64 * h;
            // Stages 0, 1 and 3 solve the slice at their own state; stage 2 reuses stage 1's
            // coefficients (same t). Stages 0 and 1 lie on the half-step grid the flow keeps.
            let (mut k, mut failure) = (Vec::new(), None);
            stages.rk4(t, h, &mut phi, |stage, t, y, out| {
                if stage != 2 {
                    match solve(t, y, stage < 2) {
                        Ok(slice) => k = record(slice, stage < 2),
                        Err(e) => {
                            failure = Some(e);
                            return None;
                        }
                    }
                }
                max_speed = max_speed.max(velocities(theory, basis, &k, y, out));
                Some(0.0)
            });
            if let Some(e) = failure {
                return Err(e);
            }
            if let Some(refresh) = &self.refresh {
                self.refresh(theory, basis, path, refresh, n, t + h, own.start, &mut phi);
            }
            on_step(n + 1);
        }
        record(solve(1.0, &phi, true)?, true);
        let max_speed = ranks().max(max_speed);
        let pruning = match self.prune {
            Some(rule) => {
                let prune::Elimination {
                    keep: kept,
                    added: added_residual,
                    tolerance,
                } = prune::eliminate(&reduced, rule);
                let keep: Vec<usize> = (0..basis.len()).filter(|&j| kept[j]).collect();
                let mut increase: f64 = 0.0;
                for (i, s) in reduced.iter().enumerate() {
                    let lean = self.solver.solve_reduced(s, &keep)?;
                    increase = increase.max(lean.residual - residuals[i]);
                    (coeffs[i], residuals[i], conditions[i]) = (
                        ranks().broadcast_values(lean.coeffs),
                        lean.residual,
                        lean.condition,
                    );
                }
                Some(Pruning {
                    tolerance,
                    relative: match rule {
                        PruneRule::Relative(rho) => Some(rho),
                        PruneRule::Absolute(_) => None,
                    },
                    added_residual,
                    dropped: (0..basis.len())
                        .filter(|&j| !kept[j])
                        .map(|j| basis.names()[j].clone())
                        .collect(),
                    residual_increase: increase,
                })
            }
            None => None,
        };
        let flow = Flow {
            version: FLOW_VERSION,
            theory: T::NAME.to_string(),
            params: T::PARAMS.iter().map(|s| s.to_string()).collect(),
            kernels: basis.names().to_vec(),
            lattice: lat.dims().to_vec(),
            path: path.clone(),
            steps: self.steps,
            grid,
            coeffs,
            residuals,
            conditions,
            max_speed,
            pruning,
            prior: None,
        };
        Ok((flow, TrainReport { slices }))
    }
}

impl Trainer {
    /// `refresh` at `θ(t)` on every configuration of this rank's block, which starts at index
    /// `first`; configuration `i` after step `n` draws from its own stream, so training stays
    /// bit-identical at any thread and rank count.
    #[allow(clippy::too_many_arguments)]
    fn refresh<T: Theory>(
        &self,
        theory: &T,
        basis: &Basis<T>,
        path: &Path,
        refresh: &Refresh,
        n: usize,
        t: f64,
        first: usize,
        phi: &mut [f64],
    ) {
        let lat = basis.lattice();
        let mut theta = vec![0.0; path.len()];
        path.theta(t, &mut theta);
        let seed: u64 = stream_rng(self.seed ^ REFRESH_DOMAIN, n as u64).random();
        let walker = |i: usize| -> u64 { stream_rng(seed, (first + i) as u64).random() };
        let v = basis.field_len();
        match refresh {
            // Lane groups of walkers in lockstep through the batched force; each walker gets
            // the bits of its own chain. A partial last group is padded with zero fields.
            Refresh::Hmc(hmc) => match basis.offset() {
                None => hmc.run_many(theory, lat, &theta, v, phi, walker),
                Some(offset) => {
                    let path_action = Switched {
                        theory,
                        offset,
                        weight: offset_weight(t),
                    };
                    hmc.run_many(&path_action, lat, &theta, v, phi, walker)
                }
            },
            Refresh::Wolff {
                wolff,
                kappa,
                lambda,
            } => {
                let couplings = Hopping {
                    kappa: theta[*kappa],
                    lambda: theta[*lambda],
                };
                phi.par_chunks_mut(v).enumerate().for_each(|(i, config)| {
                    wolff
                        .clone()
                        .with_seed(walker(i))
                        .run(&couplings, lat, config, |_| {});
                });
            }
        }
    }
}

/// Keeps the refresh streams apart from the collocation streams `(seed, i)`.
const REFRESH_DOMAIN: u64 = 0x5eed_f4e5_0f4e;

/// The velocity of every configuration into `out`; returns the largest finite `|φ̇_x|`.
/// Configurations go through the theory's batched code in lane groups ([`crate::lanes`]),
/// which gives each the bits of [`Basis::velocity`].
fn velocities<T: Theory>(
    theory: &T,
    basis: &Basis<T>,
    k: &[f64],
    phi: &[f64],
    out: &mut [f64],
) -> f64 {
    let v = basis.field_len();
    let level = Level::best();
    out.par_chunks_mut(v * LANES)
        .zip(phi.par_chunks(v * LANES))
        .map_init(
            || (basis.scratch(), vec![0.0; v * LANES], vec![0.0; v * LANES]),
            |(s, group, velocity), (o, p)| {
                // A partial last group is padded with zero fields.
                group.iter_mut().for_each(|x| *x = 0.0);
                for (l, config) in p.chunks(v).enumerate() {
                    scatter(config, l, group);
                }
                basis.velocity_lanes(theory, level, k, group, velocity, s);
                for (l, config) in o.chunks_mut(v).enumerate() {
                    gather(velocity, l, config);
                }
                o.iter()
                    .map(|x| x.abs())
                    .filter(|x| x.is_finite())
                    .fold(0.0, f64::max)
            },
        )
        .reduce(|| 0.0, f64::max)
}
