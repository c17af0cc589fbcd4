//! The stationarity check: does HMC move the corrected ensemble? HMC at the target leaves the
//! target distribution invariant, so a few trajectories from each generated configuration
//! change no weighted expectation, `E_w[O(HMC(φ)) − O(φ)] = 0`, when the weighted ensemble
//! represents the target. A flow that misses part of the target's mass (a collective mode it
//! never reaches) can still have light-tailed weights, a high ESS and converged steps, since
//! every diagnostic of the weights sees only what was drawn; HMC walks toward the missing mass,
//! so the paired changes shift. The paired differences have a small spread (a trajectory
//! moves a configuration a little), which makes the test sensitive at the cost of a few
//! trajectories per configuration.

use std::time::Instant;

use pirk::{Hmc, Theory, Weights};
use serde::{Deserialize, Serialize};

use crate::measure::Primaries;
use crate::seeds;
use crate::setup::Setup;

/// Field values checked at most per point (2²⁴): on very long runs the first configurations
/// are enough, and the check's work stays bounded.
const MAX_VALUES: usize = 1 << 24;

/// The shift of one observable, in combined errors, above which the check flags the ensemble.
pub const FLAG_Z: f64 = 3.0;

/// The check's outcome at one point of the path.
#[derive(Clone, Debug, Serialize, Deserialize)]
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
    /// Wall seconds of the check (reported under `timings`, not here).
    #[serde(skip, default)]
    pub seconds: f64,
}

/// The weighted mean change of one observable over the trajectories.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Shift {
    /// The observable, as in `observables`.
    pub name: String,
    /// Its weighted mean before the trajectories.
    pub before: f64,
    /// `E_w[O(after) − O(before)]`.
    pub change: f64,
    /// Its error (delta method, as for reweighted estimates).
    pub error: f64,
    /// `change / error`.
    pub z: f64,
}

/// The check at one point, fed the generated configurations chunk by chunk in their order.
pub struct Check<'a, T: Theory> {
    setup: &'a Setup<T>,
    theta: Vec<f64>,
    hmc: Hmc,
    seed: u64,
    /// Configurations checked at most.
    limit: usize,
    before: Primaries,
    after: Primaries,
    moved: usize,
    seconds: f64,
}

impl<'a, T: Theory> Check<'a, T> {
    /// The check of `[sample] hmc_check` trajectories at couplings `theta`, configuration `i`
    /// with the chain seed `seeds::stationarity(seed, i)`; `None` when the card turns it off,
    /// and under MPI on every rank but the root, which writes the report.
    pub fn new(setup: &'a Setup<T>, theta: &[f64], seed: u64) -> pirk::Result<Option<Self>> {
        if !pirk::ranks().is_root() {
            return Ok(None);
        }
        Self::on_every_rank(setup, theta, seed)
    }

    /// [`Check::new`] on every rank alike, where every rank needs the moved configurations (the
    /// tuning's tilt, which each rank fits for itself and must find the same).
    pub fn on_every_rank(
        setup: &'a Setup<T>,
        theta: &[f64],
        seed: u64,
    ) -> pirk::Result<Option<Self>> {
        let trajectories = setup.card.sample.hmc_check;
        if trajectories == 0 {
            return Ok(None);
        }
        Ok(Some(Self {
            setup,
            theta: theta.to_vec(),
            hmc: setup.hmc(trajectories, 0)?,
            seed,
            limit: (MAX_VALUES / T::field_len(&setup.lat)).max(1),
            before: Primaries::default(),
            after: Primaries::default(),
            moved: 0,
            seconds: 0.0,
        }))
    }

    /// Runs the trajectories from the configurations of one chunk (`n × V`, the next ones
    /// generated), as far as the limit allows.
    pub fn add(&mut self, phi: &[f64]) {
        let start = Instant::now();
        let v = T::field_len(&self.setup.lat);
        let first = self.before.action.len();
        let take = (phi.len() / v).min(self.limit - first.min(self.limit));
        if take == 0 {
            return;
        }
        let phi = &phi[..take * v];
        let mut moved = phi.to_vec();
        let seed = self.seed;
        self.hmc.run_many(
            &self.setup.theory,
            &self.setup.lat,
            &self.theta,
            v,
            &mut moved,
            |i| seeds::stationarity(seed, first + i),
        );
        // Bit by bit: a rejected configuration's NaN is unequal to itself but did not move.
        self.moved += (phi.chunks(v).zip(moved.chunks(v)))
            .filter(|(a, b)| a.iter().zip(*b).any(|(x, y)| x.to_bits() != y.to_bits()))
            .count();
        (self.before).extend(Primaries::of(self.setup, &self.theta, phi));
        (self.after).extend(Primaries::of(self.setup, &self.theta, &moved));
        self.seconds += start.elapsed().as_secs_f64();
    }

    /// The magnetisation lengths of the configurations added, after their trajectories.
    pub fn moved_lengths(&self) -> Vec<f64> {
        self.after.magnetisation_lengths()
    }

    /// The shifts, weighted by the final log-weights `log_w` of the configurations added (in
    /// order; those beyond the limit are left out); `None` when none were added.
    pub fn finish(self, log_w: &[f64]) -> Option<Stationarity> {
        let n = self.before.action.len();
        if n == 0 {
            return None;
        }
        let start = Instant::now();
        let weights = Weights::from_log(&log_w[..n]);
        let (length_before, length_after) = (
            self.before.magnetisation_lengths(),
            self.after.magnetisation_lengths(),
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
            shift(
                "action_density",
                &weights,
                &self.before.action,
                &self.after.action,
            ),
        ];
        Some(Stationarity {
            trajectories: self.setup.card.sample.hmc_check,
            configurations: n,
            moved: self.moved as f64 / n as f64,
            flagged: shifts.iter().any(|s| s.z.abs() > FLAG_Z),
            shifts,
            seconds: self.seconds + start.elapsed().as_secs_f64(),
        })
    }
}

/// The weighted mean change from `before` to `after`.
fn shift(name: &'static str, weights: &Weights, before: &[f64], after: &[f64]) -> Shift {
    let change: Vec<f64> = after.iter().zip(before).map(|(a, b)| a - b).collect();
    let c = weights.expectation(&change);
    Shift {
        name: name.to_string(),
        before: weights.expectation(before).value,
        change: c.value,
        error: c.error,
        z: c.value / c.error,
    }
}

/// The check in words: `N HMC trajectories from each of n configurations (moved m) shift
/// abs_M by +a ± b (z), …`.
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

/// `, HMC z …` (the largest shift) for a tuning round's line, in the progress log and the
/// summary alike; empty where the round ran no check.
pub fn round_clause(c: Option<&Stationarity>) -> String {
    c.map_or(String::new(), |c| format!(", HMC z {}", largest_z(c)))
}

/// The largest shift in errors, signed, and `(!)` where flagged: a scan table's cell.
pub fn largest_z(c: &Stationarity) -> String {
    let z = (c.shifts.iter().map(|s| s.z))
        .filter(|z| z.is_finite())
        .fold(0.0, |a: f64, z| if z.abs() > a.abs() { z } else { a });
    let flag = if c.flagged { " (!)" } else { "" };
    format!("{z:+.1}{flag}")
}
