//! The stationarity check: does HMC move the corrected ensemble? HMC at the target leaves the
//! target distribution invariant, so a few trajectories from each generated configuration
//! change no weighted expectation, `E_w[O(HMC(φ)) − O(φ)] = 0`, when the weighted ensemble
//! represents the target. A flow that misses part of the target's mass (a collective mode it
//! never reaches) can still have light-tailed weights, a high ESS and converged steps, since
//! every diagnostic of the weights sees only what was drawn; HMC walks toward the missing mass,
//! so the paired changes shift. The paired differences have a small spread (a trajectory
//! moves a configuration a little), which makes the test sensitive at the cost of a few
//! trajectories per configuration.

use pirk::{Theory, Weights};
use serde::Serialize;

use crate::measure::Primaries;
use crate::npy;
use crate::seeds;
use crate::setup::Setup;

/// Field values held in memory for the check at most (2²⁴: 128 MiB).
const MAX_VALUES: usize = 1 << 24;

/// The shift of one observable, in combined errors, above which the check flags the ensemble.
pub const FLAG_Z: f64 = 3.0;

/// The check's outcome at the target.
#[derive(Clone, Debug, Serialize)]
pub struct Stationarity {
    /// HMC trajectories from each configuration (the card's `[hmc]` step, steps and integrator).
    pub trajectories: usize,
    /// Configurations checked: the first ones generated.
    pub configurations: usize,
    /// The share of them that HMC moved at all (accepted at least one trajectory); a check
    /// whose trajectories are all rejected has no power.
    pub moved: f64,
    /// The weighted shifts of `abs_M` (the magnetisation's length), `M2` (its square) and
    /// `action_density`.
    pub shifts: Vec<Shift>,
    /// Whether any shift exceeds [`FLAG_Z`] combined errors.
    pub flagged: bool,
}

/// The weighted mean change of one observable over the trajectories.
#[derive(Clone, Debug, Serialize)]
pub struct Shift {
    /// The observable, as in `observables`.
    pub name: &'static str,
    /// Its weighted mean before the trajectories.
    pub before: f64,
    /// `E_w[O(after) − O(before)]`.
    pub change: f64,
    /// Its error (delta method, as for reweighted estimates).
    pub error: f64,
    /// `change / error`.
    pub z: f64,
}

/// Runs `trajectories` HMC trajectories at the target from the first configurations in
/// `phi_files` (with final log-weights `log_w`) and measures the weighted shifts; `None`
/// with no trajectories or no configurations to check. Under MPI the root rank, which holds
/// the chunk files and writes the report, checks alone.
pub fn check<T: Theory>(
    setup: &Setup<T>,
    trajectories: usize,
    phi_files: &[std::path::PathBuf],
    log_w: &[f64],
) -> anyhow::Result<Option<Stationarity>> {
    let v = T::field_len(&setup.lat);
    let limit = (MAX_VALUES / v.max(1)).clamp(1, log_w.len().max(1));
    if trajectories == 0 || log_w.is_empty() || !pirk::ranks().is_root() {
        return Ok(None);
    }
    let mut phi = Vec::new();
    for file in phi_files {
        if phi.len() >= limit * v {
            break;
        }
        phi.extend(npy::read(file)?.1);
    }
    phi.truncate(limit * v);
    if phi.is_empty() {
        return Ok(None);
    }
    let n = phi.len() / v;
    let before = Primaries::of(setup, &setup.target, &phi);
    let start = phi.clone();
    let hmc = setup.hmc(trajectories, 0)?;
    hmc.run_many(&setup.theory, &setup.lat, &setup.target, v, &mut phi, |i| {
        seeds::stationarity(setup.card.seed, i)
    });
    let moved = (start.chunks(v).zip(phi.chunks(v)))
        .filter(|(a, b)| a != b)
        .count() as f64
        / n as f64;
    let after = Primaries::of(setup, &setup.target, &phi);
    let weights = Weights::from_log(&log_w[..n]);
    let (length_before, length_after) = (
        before.magnetisation_lengths(),
        after.magnetisation_lengths(),
    );
    let square = |x: &[f64]| -> Vec<f64> { x.iter().map(|m| m * m).collect() };
    let shifts = vec![
        shift("abs_M", &weights, &length_before, &length_after),
        shift(
            "M2",
            &weights,
            &square(&length_before),
            &square(&length_after),
        ),
        shift("action_density", &weights, &before.action, &after.action),
    ];
    Ok(Some(Stationarity {
        trajectories,
        configurations: n,
        moved,
        flagged: shifts.iter().any(|s| s.z.abs() > FLAG_Z),
        shifts,
    }))
}

/// The weighted mean change from `before` to `after`.
fn shift(name: &'static str, weights: &Weights, before: &[f64], after: &[f64]) -> Shift {
    let change: Vec<f64> = after.iter().zip(before).map(|(a, b)| a - b).collect();
    let c = weights.expectation(&change);
    Shift {
        name,
        before: weights.expectation(before).value,
        change: c.value,
        error: c.error,
        z: c.value / c.error,
    }
}

/// The check in words: `N HMC trajectories from each of n configurations (moved m) shift
/// |M| by +a ± b (z), …`.
pub fn stationarity_shifts(c: &Stationarity) -> String {
    let shifts: Vec<String> = (c.shifts.iter())
        .map(|s| {
            format!(
                "{} by {:+.3e} ± {:.1e} (z {:+.1})",
                s.name, s.change, s.error, s.z
            )
        })
        .collect();
    format!(
        "{} HMC trajectories from each of {} configurations (moved {:.2}) shift {}",
        c.trajectories,
        c.configurations,
        c.moved,
        shifts.join(", ")
    )
}
