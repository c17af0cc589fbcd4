//! The HMC baseline on the card's target: thermalise from φ = 0, then measure every trajectory.
//! [`Chain`] is that schedule for any baseline sampler, shared with the Wolff baseline.

use pirk::{HmcReport, Theory};

use crate::measure::{Estimator, Observables, Primaries, observables};
use crate::progress::Progress;
use crate::seeds;
use crate::setup::Setup;

/// What an HMC run produced.
pub struct HmcRun {
    /// Configurations after each measured trajectory, flat `n × V`.
    pub phi: Vec<f64>,
    /// Their primaries.
    pub primaries: Primaries,
    /// Acceptance and `ΔH` statistics of the measured trajectories.
    pub report: HmcReport,
    /// Observables with Γ-method errors.
    pub observables: Observables,
}

/// A baseline Markov chain's schedule: from φ = 0, `thermalise` discarded updates, then
/// `updates` measured ones, each phase on its own seed, under one progress bar.
pub struct Chain {
    /// Progress bar label.
    pub label: &'static str,
    /// Lattice volume.
    pub volume: usize,
    /// Discarded updates.
    pub thermalise: usize,
    /// Seed of the discarded updates.
    pub thermalise_seed: u64,
    /// Measured updates.
    pub updates: usize,
    /// Seed of the measured updates.
    pub seed: u64,
}

impl Chain {
    /// Runs the schedule: `update(n, seed, φ, observe)` runs `n` updates of the sampler on `φ`,
    /// calling `observe` after each; `measure` sees every measured configuration. Returns the
    /// measured phase's result.
    pub fn run<R>(
        &self,
        progress: &Progress,
        mut update: impl FnMut(usize, u64, &mut [f64], &mut dyn FnMut(&[f64])) -> pirk::Result<R>,
        mut measure: impl FnMut(&[f64]),
    ) -> pirk::Result<R> {
        let bar = progress.bar((self.thermalise + self.updates) as u64, self.label);
        let mut phi = vec![0.0; self.volume];
        if self.thermalise > 0 {
            update(self.thermalise, self.thermalise_seed, &mut phi, &mut |_| {
                bar.inc(1)
            })?;
        }
        let result = update(self.updates, self.seed, &mut phi, &mut |c| {
            measure(c);
            bar.inc(1);
        })?;
        bar.finish_and_clear();
        Ok(result)
    }
}

/// Runs the card's `[hmc]` section.
pub fn run<T: Theory>(setup: &Setup<T>, progress: &Progress) -> pirk::Result<HmcRun> {
    let h = &setup.card.hmc;
    let (lat, theory, theta) = (&setup.lat, &setup.theory, &setup.target);
    let chain = Chain {
        label: "hmc",
        volume: lat.volume(),
        thermalise: h.thermalise,
        thermalise_seed: seeds::hmc_thermalise(setup.card.seed),
        updates: h.trajectories,
        seed: seeds::hmc(setup.card.seed),
    };
    let mut configs = Vec::with_capacity(h.trajectories * lat.volume());
    let report = chain.run(
        progress,
        |n, seed, phi, observe| Ok(setup.hmc(n, seed)?.run(theory, lat, theta, phi, observe)),
        |c| configs.extend_from_slice(c),
    )?;
    let primaries = Primaries::of(theory, lat, theta, &configs);
    let observables = observables(&primaries, lat, Estimator::Chain);
    Ok(HmcRun {
        phi: configs,
        primaries,
        report,
        observables,
    })
}
