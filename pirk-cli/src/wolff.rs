//! The Wolff cluster baseline on the card's target, in the theory's embedding: Ising clusters
//! of hopping φ⁴'s signs (O(N) clusters of an N-component field's) between Metropolis sweeps,
//! or O(2) clusters of planar spins.
//! Thermalise from φ = 0 (θ = 0), then measure every update. Only the per-update primaries are
//! kept, not the configurations: the baseline exists for its observables and cost, and long
//! chains on large lattices would not fit in memory.

use pirk::{ChainSchedule, Lattice, Metropolis, OnWolff, Theory, Wolff, XyWolff};

use crate::card::{WolffChain, WolffPlan};
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
    /// Metropolis acceptance of the measured updates (the hopping form's sweeps; the planar
    /// embedding has none).
    pub acceptance: Option<f64>,
    /// Mean flipped cluster size over the volume in the measured updates.
    pub cluster_fraction: f64,
    /// Observables with Γ-method errors.
    pub observables: Observables,
}

/// Runs `plan` at the card's target.
pub fn run<T: Theory>(
    setup: &Setup<T>,
    plan: &WolffPlan,
    progress: &Progress,
) -> pirk::Result<WolffRun> {
    let (lat, theta) = (&setup.lat, &setup.target);
    let schedule = ChainSchedule {
        thermalise: plan.thermalise,
        thermalise_seed: seeds::wolff_thermalise(setup.card.seed),
        updates: plan.updates,
        seed: seeds::wolff(setup.card.seed),
    }
    .replica(pirk::ranks());
    let mut primaries = Primaries::default();
    let rates = run_chain(
        &schedule,
        "wolff",
        T::field_len(lat),
        progress,
        |n, seed, phi, observe| update(plan, lat, n, seed, phi, observe),
        |c| primaries.push(setup, theta, c),
    )?;
    // Every rank's replica, pooled (crate::replicas).
    let lengths = replicas::lengths(schedule.updates);
    let primaries = primaries.gathered();
    let (acceptance, cluster_fraction) = match rates.acceptance {
        Some(a) => {
            let pooled = replicas::pooled(vec![a, rates.cluster_fraction], schedule.updates);
            (Some(pooled[0]), pooled[1])
        }
        None => {
            let pooled = replicas::pooled(vec![rates.cluster_fraction], schedule.updates);
            (None, pooled[0])
        }
    };
    let observables = observables(&primaries, lat, Estimator::Chains(&lengths));
    Ok(WolffRun {
        primaries,
        acceptance,
        cluster_fraction,
        observables,
    })
}

/// What one replica's updates measured, in either embedding.
struct Rates {
    acceptance: Option<f64>,
    cluster_fraction: f64,
}

/// `updates` updates of the plan's chain on `phi` from stream offset `seed`, calling `observe`
/// after each.
fn update(
    plan: &WolffPlan,
    lat: &Lattice,
    updates: usize,
    seed: u64,
    phi: &mut [f64],
    observe: &mut dyn FnMut(&[f64]),
) -> pirk::Result<Rates> {
    match plan.chain {
        WolffChain::Hopping {
            couplings,
            components,
            width,
            sweeps,
        } if components > 1 => {
            let report = OnWolff::new(components)?
                .with_updates(updates)?
                .with_sweeps(sweeps)?
                .with_clusters(plan.clusters)?
                .with_metropolis(Metropolis::new().with_width(width)?)
                .with_seed(seed)
                .run(&couplings, lat, phi, observe);
            Ok(Rates {
                acceptance: Some(report.acceptance),
                cluster_fraction: report.cluster_fraction,
            })
        }
        WolffChain::Hopping {
            couplings,
            width,
            sweeps,
            ..
        } => {
            let report = Wolff::new()
                .with_updates(updates)?
                .with_sweeps(sweeps)?
                .with_clusters(plan.clusters)?
                .with_metropolis(Metropolis::new().with_width(width)?)
                .with_seed(seed)
                .run(&couplings, lat, phi, observe);
            Ok(Rates {
                acceptance: Some(report.acceptance),
                cluster_fraction: report.cluster_fraction,
            })
        }
        WolffChain::Planar { beta } => {
            let report = XyWolff::new()
                .with_updates(updates)?
                .with_clusters(plan.clusters)?
                .with_seed(seed)
                .run(beta, lat, phi, observe);
            Ok(Rates {
                acceptance: None,
                cluster_fraction: report.cluster_fraction,
            })
        }
    }
}
