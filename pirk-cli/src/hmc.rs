//! The HMC baseline on the card's target: thermalise from φ = 0, then measure every trajectory;
//! in an MPI run every rank runs its replica of the chain (crate::replicas).
//! [`run_chain`] runs that schedule with a progress bar for any baseline sampler.

use pirk::{ChainSchedule, HmcReport, Theory};

use crate::measure::{Estimator, Observables, Primaries, observables};
use crate::progress::Progress;
use crate::replicas;
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

/// Runs `schedule` under one progress bar labelled `label`: `update` as in
/// [`ChainSchedule::run`], `measure` sees every measured configuration. Shared with the Wolff
/// baseline.
pub fn run_chain<R>(
    schedule: &ChainSchedule,
    label: &'static str,
    volume: usize,
    progress: &Progress,
    update: impl FnMut(usize, u64, &mut [f64], &mut dyn FnMut(&[f64])) -> pirk::Result<R>,
    mut measure: impl FnMut(&[f64]),
) -> pirk::Result<R> {
    let bar = progress.bar((schedule.thermalise + schedule.updates) as u64, label);
    let result = schedule.run(volume, update, |measured, c| {
        if measured {
            measure(c);
        }
        bar.inc(1);
    })?;
    bar.finish_and_clear();
    Ok(result)
}

/// Runs the card's `[hmc]` section.
pub fn run<T: Theory>(setup: &Setup<T>, progress: &Progress) -> pirk::Result<HmcRun> {
    let h = &setup.card.hmc;
    let (lat, theory, theta) = (&setup.lat, &setup.theory, &setup.target);
    let schedule = ChainSchedule {
        thermalise: h.thermalise,
        thermalise_seed: seeds::hmc_thermalise(setup.card.seed),
        updates: h.trajectories,
        seed: seeds::hmc(setup.card.seed),
    }
    .replica(pirk::ranks());
    let mut configs = Vec::with_capacity(h.trajectories * T::field_len(lat));
    let report = run_chain(
        &schedule,
        "hmc",
        T::field_len(lat),
        progress,
        |n, seed, phi, observe| Ok(setup.hmc(n, seed)?.run(theory, lat, theta, phi, observe)),
        |c| configs.extend_from_slice(c),
    )?;
    // The replicas' configurations and statistics, pooled.
    let own = schedule.updates;
    let lengths = replicas::lengths(own);
    let configs = pirk::ranks().all_gather(configs);
    let rates = replicas::pooled(vec![report.acceptance, report.mean_dh], own);
    let report = HmcReport {
        acceptance: rates[0],
        mean_dh: rates[1],
        exp_dh: replicas::pooled_estimate(report.exp_dh, own),
    };
    let primaries = Primaries::of(setup, theta, &configs);
    let observables = observables(&primaries, lat, Estimator::Chains(&lengths));
    Ok(HmcRun {
        phi: configs,
        primaries,
        report,
        observables,
    })
}
