//! The HMC baseline on the card's target: thermalise from φ = 0, then measure every trajectory.

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

/// Runs the card's `[hmc]` section.
pub fn run<T: Theory>(setup: &Setup<T>, progress: &Progress) -> pirk::Result<HmcRun> {
    let h = &setup.card.hmc;
    let (lat, theory, theta) = (&setup.lat, &setup.theory, &setup.target);
    let bar = progress.bar((h.thermalise + h.trajectories) as u64, "hmc");
    let mut phi = vec![0.0; lat.volume()];
    if h.thermalise > 0 {
        setup
            .hmc(h.thermalise, seeds::hmc_thermalise(setup.card.seed))?
            .run(theory, lat, theta, &mut phi, |_| bar.inc(1));
    }
    let mut configs = Vec::with_capacity(h.trajectories * lat.volume());
    let report = setup.hmc(h.trajectories, seeds::hmc(setup.card.seed))?.run(
        theory,
        lat,
        theta,
        &mut phi,
        |c| {
            configs.extend_from_slice(c);
            bar.inc(1);
        },
    );
    bar.finish_and_clear();
    let primaries = Primaries::of(theory, lat, theta, &configs);
    let observables = observables(&primaries, lat, Estimator::Chain);
    Ok(HmcRun {
        phi: configs,
        primaries,
        report,
        observables,
    })
}
