//! The step check: are the generated log-weights converged in the RK4 step count? The
//! integrated `log q` carries the integrator's error, which no weight diagnostic sees (the ESS
//! and k̂ measure the spread of the weights, not their error), so a coarse grid can bias
//! reweighted and MH estimates while the ESS stays high. The check regenerates the first
//! configurations of the ensemble (the same prior draws) at twice the steps and compares
//! their log-weights. For a fourth-order integrator the change is 15/16 of the error of the
//! coarse log-weights; an error `ε` with spread `σ_ε` shifts an estimate of `O` by at most
//! `σ_O σ_ε`, against a statistical error of `σ_O/√(ESS·n)`, so the log-weights are converged
//! when `σ_ε ≤ 1/√(ESS·n)`. An ensemble that relaxes along the path (`[sample] relax`) is
//! checked through its flow alone, regenerated at both step counts.

use pirk::{Flow, Theory};
use serde::Serialize;

use crate::report::RelaxInfo;
use crate::setup::Setup;

/// Configurations regenerated at most.
const PILOT: usize = 256;

/// The outcome of the step check at one point.
#[derive(Clone, Debug, Serialize)]
pub struct StepCheck {
    /// Generation steps checked.
    pub steps: usize,
    /// Configurations regenerated at twice the steps.
    pub pilot: usize,
    /// Root-mean-square change of their log-weights (over the finite pairs).
    pub rms_log_w_change: f64,
    /// Largest change.
    pub max_log_w_change: f64,
    /// `1/√(ESS·n)`: the change above which the integrator's error can shift estimates by
    /// their error bar.
    pub tolerance: f64,
    /// `rms_log_w_change ≤ tolerance`.
    pub converged: bool,
}

/// Regenerates the first configurations of an ensemble of `flow` (generated with `steps` and
/// `relax` from the chunk seed `seed`, final log-weights `log_w`, importance-sampling `ess`) at
/// twice the steps on the same grid shape and compares their log-weights.
pub fn check<T: Theory>(
    setup: &Setup<T>,
    flow: &Flow,
    steps: usize,
    relax: &RelaxInfo,
    seed: u64,
    log_w: &[f64],
    ess: f64,
) -> pirk::Result<StepCheck> {
    let pilot = PILOT.min(setup.card.sample.chunk).min(log_w.len());
    let flow_alone = |steps: usize| -> pirk::Result<Vec<f64>> {
        let s = setup.sampler(seed, steps, &relax.none())?.generate(
            &setup.theory,
            &setup.prior,
            &setup.basis,
            flow,
            pilot,
        );
        Ok(s.log_weights().to_vec())
    };
    // A relaxed ensemble's moves fall on the step grid, so its weights at another step count
    // differ by more than the integration error: the check then compares the flow alone.
    let coarse = if relax.trajectories > 0 {
        flow_alone(steps)?
    } else {
        log_w[..pilot].to_vec()
    };
    let changes: Vec<f64> = flow_alone(2 * steps)?
        .iter()
        .zip(&coarse)
        .filter(|(a, b)| a.is_finite() && b.is_finite())
        .map(|(a, b)| (a - b).abs())
        .collect();
    let rms = if changes.is_empty() {
        f64::INFINITY
    } else {
        (changes.iter().map(|d| d * d).sum::<f64>() / changes.len() as f64).sqrt()
    };
    let tolerance = 1.0 / (ess * log_w.len() as f64).sqrt();
    Ok(StepCheck {
        steps,
        pilot,
        rms_log_w_change: rms,
        max_log_w_change: changes.iter().copied().fold(0.0, f64::max),
        tolerance,
        converged: rms <= tolerance,
    })
}
