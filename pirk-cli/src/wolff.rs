//! The Wolff cluster baseline on the card's target (hopping theory): thermalise from φ = 0,
//! then measure every update. Only the per-update primaries are kept, not the configurations:
//! the baseline exists for its observables and cost, and long chains on large lattices would
//! not fit in memory.

use pirk::{ChainSchedule, Metropolis, Theory, Wolff, WolffReport};

use crate::card::WolffPlan;
use crate::hmc::run_chain;
use crate::measure::{Estimator, Observables, Primaries, observables};
use crate::progress::Progress;
use crate::replicas;
use crate::seeds;
use crate::setup::Setup;

/// What a Wolff run produced.
pub struct WolffRun {
    /// Primaries after each measured update.
    pub primaries: Primaries,
    /// Metropolis acceptance and mean cluster size of the measured updates.
    pub report: WolffReport,
    /// Observables with Γ-method errors.
    pub observables: Observables,
}

/// Runs `plan` at the card's target.
pub fn run<T: Theory>(
    setup: &Setup<T>,
    plan: &WolffPlan,
    progress: &Progress,
) -> pirk::Result<WolffRun> {
    let (lat, theory, theta) = (&setup.lat, &setup.theory, &setup.target);
    let schedule = ChainSchedule {
        thermalise: plan.thermalise,
        thermalise_seed: seeds::wolff_thermalise(setup.card.seed),
        updates: plan.updates,
        seed: seeds::wolff(setup.card.seed),
    }
    .replica(pirk::ranks());
    let mut primaries = Primaries::default();
    let report = run_chain(
        &schedule,
        "wolff",
        lat.volume(),
        progress,
        |n, seed, phi, observe| Ok(sampler(plan, n, seed)?.run(&plan.couplings, lat, phi, observe)),
        |c| primaries.push(theory, lat, theta, c),
    )?;
    // Every rank's replica, pooled (crate::replicas).
    let lengths = replicas::lengths(schedule.updates);
    let primaries = primaries.gathered();
    let pooled = replicas::pooled(
        vec![report.acceptance, report.cluster_fraction],
        schedule.updates,
    );
    let report = WolffReport {
        acceptance: pooled[0],
        cluster_fraction: pooled[1],
    };
    let observables = observables(&primaries, lat, Estimator::Chains(&lengths));
    Ok(WolffRun {
        primaries,
        report,
        observables,
    })
}

/// `updates` updates of the plan's Metropolis sweeps and cluster flips each, from stream offset
/// `seed`.
fn sampler(plan: &WolffPlan, updates: usize, seed: u64) -> pirk::Result<Wolff> {
    Ok(Wolff::new()
        .with_updates(updates)?
        .with_sweeps(plan.sweeps)?
        .with_clusters(plan.clusters)?
        .with_metropolis(Metropolis::new().with_width(plan.width)?)
        .with_seed(seed))
}
