//! Refinement of a trained flow: re-solve the Wegner system on fresh samples of the flow,
//! importance-weighted toward `p_t`, for as long as that raises the ESS at `t = 1`.
//!
//! Training solves each slice on its own flowed collocation ensemble, which follows `q_t`
//! rather than the `p_t` the Wegner equation is stated for, and over-fits a small ensemble. A
//! round here generates fresh configurations with the current flow
//! ([`Generator::generate_observed`]), records one Wegner row per configuration at every
//! step-grid time `t_m`, and solves each slice with the weights
//! `w_t = e^{−S(φ_t; θ(t)) − log q_t}` ([`WegnerSolver::solve_weighted`]): the least-squares
//! fit under `p_t` itself, estimated on a new ensemble each round. Rounds generate with RK4
//! and the default runaway guard; the re-solved flow lives on their step grid.
//!
//! `Flow::max_speed` is kept from the input flow (the training maximum): the speed of the new
//! coefficients could only be measured on the configurations at every grid time, which
//! generation does not keep, and the runaway guard needs only its scale.

use rand::RngExt;
use serde::{Deserialize, Serialize};

use super::prune;
use crate::Basis;
use crate::Flow;
use crate::Generator;
use crate::Prior;
use crate::Theory;
use crate::error::{Result, ensure};
use crate::rng::stream_rng;
use crate::{SliceSolution, WegnerSolver};

/// Refinement settings.
#[derive(Clone, Debug)]
pub struct Refiner {
    rounds: usize,
    samples: usize,
    steps: usize,
    seed: u64,
    solver: WegnerSolver,
}

/// What one round measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RefineRound {
    /// 0 for the input flow, `r` for the flow after `r` re-solves.
    pub round: usize,
    /// The largest weighted relative residual `‖Ak − b‖/‖b‖` of this round's re-solve over
    /// the grid.
    pub max_residual: f64,
    /// The mean of those residuals.
    pub mean_residual: f64,
    /// The ESS at `t = 1` of this round's flow on this round's fresh samples.
    pub ess: f64,
}

impl Default for Refiner {
    fn default() -> Self {
        Self::new()
    }
}

impl Refiner {
    /// 3 rounds of 4000 samples, 100 RK4 steps, seed 0, default solver.
    pub fn new() -> Self {
        Self {
            rounds: 3,
            samples: 4000,
            steps: 100,
            seed: 0,
            solver: WegnerSolver::new(),
        }
    }

    /// At most this many re-solves (0 only measures the input flow).
    pub fn with_rounds(mut self, rounds: usize) -> Self {
        self.rounds = rounds;
        self
    }

    /// Fresh configurations per round (must exceed the basis size).
    pub fn with_samples(mut self, samples: usize) -> Result<Self> {
        ensure(samples >= 2, "samples", "need at least 2")?;
        self.samples = samples;
        Ok(self)
    }

    /// RK4 steps of each round's generation; the refined flow's grid is `t_m = m/steps`.
    pub fn with_steps(mut self, steps: usize) -> Result<Self> {
        ensure(steps >= 1, "steps", "need at least 1")?;
        self.steps = steps;
        Ok(self)
    }

    /// The seed; round `r` generates from a seed hashed from `(seed, r)`, so no round reuses
    /// another's streams or training's `(seed, i)` streams.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The per-slice solver.
    pub fn with_solver(mut self, solver: WegnerSolver) -> Self {
        self.solver = solver;
        self
    }

    /// Refines `flow` for `theory` from `prior` in `basis`: round 0 measures `flow`, each
    /// further round the previous round's re-solve; stops after `rounds` re-solves or at the
    /// first round whose ESS does not beat the best so far. Returns the flow with the best
    /// ESS and every round's measurements.
    pub fn refine<T: Theory, P: Prior>(
        &self,
        theory: &T,
        prior: &P,
        basis: &Basis<T>,
        flow: &Flow,
    ) -> Result<(Flow, Vec<RefineRound>)> {
        self.refine_observed(theory, prior, basis, flow, |_| {})
    }

    /// [`Refiner::refine`], calling `on_round(round)` after each round (for progress reporting
    /// and for a host to stop between rounds).
    pub fn refine_observed<T: Theory, P: Prior>(
        &self,
        theory: &T,
        prior: &P,
        basis: &Basis<T>,
        flow: &Flow,
        mut on_round: impl FnMut(usize),
    ) -> Result<(Flow, Vec<RefineRound>)> {
        let mut rounds = Vec::with_capacity(self.rounds + 1);
        let mut best: Option<(Flow, f64)> = None;
        let mut current = flow.clone();
        for round in 0..=self.rounds {
            let (next, ess) = self.round(theory, prior, basis, &current, round)?;
            let residuals = &next.residuals;
            rounds.push(RefineRound {
                round,
                max_residual: residuals.iter().copied().fold(0.0, f64::max),
                mean_residual: residuals.iter().sum::<f64>() / residuals.len() as f64,
                ess,
            });
            on_round(round);
            if best.as_ref().is_some_and(|(_, top)| ess <= *top) {
                break;
            }
            best = Some((current, ess));
            current = next;
        }
        let (flow, _) = best.expect("round 0 always runs");
        Ok((flow, rounds))
    }

    /// Generates with `flow`, re-solves every step-grid slice on the weighted rows; returns
    /// the re-solved flow and the ESS of `flow` at `t = 1`.
    fn round<T: Theory, P: Prior>(
        &self,
        theory: &T,
        prior: &P,
        basis: &Basis<T>,
        flow: &Flow,
        round: usize,
    ) -> Result<(Flow, f64)> {
        let n = basis.len();
        let seed = stream_rng(self.seed, round as u64).random();
        let samples = Generator::new()
            .with_steps(self.steps)?
            .with_seed(seed)
            .generate_observed(
                theory,
                prior,
                basis,
                flow,
                self.samples,
                n + 1,
                |m, phi, out| {
                    // A one-row ensemble: θ(t), θ̇(t) and reference centring as in training.
                    let t = m as f64 / self.steps as f64;
                    let (a, b) = self.solver.assemble(theory, basis, &flow.path, t, phi);
                    out[..n].copy_from_slice(&a);
                    out[n] = b[0];
                },
            );
        // A pruned flow stays pruned: its dropped kernels are not re-solved.
        let keep = flow
            .pruning
            .as_ref()
            .map_or_else(|| (0..n).collect(), |p| p.kept(&flow.kernels));
        let slices = samples
            .times
            .iter()
            .zip(&samples.obs_t)
            .enumerate()
            .map(|(m, (&t, rows))| {
                let a: Vec<f64> = rows.chunks(n + 1).flat_map(|r| &r[..n]).copied().collect();
                let b = rows.chunks(n + 1).map(|r| r[n]).collect();
                let w = samples.weights_t(m);
                let a = prune::columns(&a, n, &keep);
                Ok(self
                    .solver
                    .solve_weighted(t, keep.len(), a, b, w.relative())?
                    .scattered(n, &keep))
            })
            .collect::<Result<Vec<SliceSolution>>>()?;
        let next = Flow {
            steps: self.steps,
            grid: samples.times.clone(),
            coeffs: slices.iter().map(|s| s.coeffs.clone()).collect(),
            residuals: slices.iter().map(|s| s.residual).collect(),
            conditions: slices.iter().map(|s| s.condition).collect(),
            ..flow.clone()
        };
        Ok((next, samples.weights_t(self.steps).ess()))
    }
}
