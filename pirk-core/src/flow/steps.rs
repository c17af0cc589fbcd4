//! The fewest RK4 steps for generation. A flow's log-density is exact only as far as its
//! integration is: with too few steps the reported `log q` drifts from the density the samples
//! actually have, and reweighting then corrects towards a slightly wrong target, whatever the
//! ESS says. So steps are chosen by that drift, not by the ESS: a pilot ensemble is generated
//! at the flow's own step count and again, from the same prior draws (same streams), at
//! halved counts, and the fewest steps whose root-mean-square change of `log w` stays within
//! a tolerance win.
//!
//! A configuration-dependent error `δ` in `log w` shifts a reweighted mean by about
//! `Cov(O, δ) ≤ σ_O · rms(δ)`, so a tolerance of 0.005 keeps that shift below the statistical
//! error `σ_O / √(ESS·N)` up to `ESS·N ≈ 4·10⁴` effective samples.

use serde::Serialize;

use crate::Basis;
use crate::Flow;
use crate::Generator;
use crate::Prior;
use crate::Theory;
use crate::error::{Result, ensure};

/// One trial step count of [`fewest_steps`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StepTrial {
    /// RK4 steps.
    pub steps: usize,
    /// Velocity evaluations per configuration.
    pub evaluations: f64,
    /// ESS of the pilot ensemble at the target.
    pub ess: f64,
    /// Root-mean-square change of `log w` against the reference steps, over the pilot
    /// configurations both integrations kept.
    pub rms_log_w_change: f64,
    /// The largest such change.
    pub max_log_w_change: f64,
    /// Pilot configurations rejected (non-finite or runaway) at these steps.
    pub rejected: usize,
}

/// The outcome of [`fewest_steps`]: every trial, reference first, and the chosen count.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StepChoice {
    /// Steps chosen: the fewest whose trial, and every trial with more steps, stayed within
    /// the tolerance and rejected no more configurations than the reference.
    pub steps: usize,
    /// The tolerance on the root-mean-square change of `log w`.
    pub tolerance: f64,
    /// Pilot configurations.
    pub pilot: usize,
    /// The reference (the flow's own steps) and each halving tried, in that order.
    pub trials: Vec<StepTrial>,
}

/// Generates `pilot` configurations with `generator` (its seed, scheme and runaway factor) at
/// `flow.steps` and at halved step counts while they stay within `tolerance` (RMS change of
/// `log w`), and returns the fewest steps that do.
pub fn fewest_steps<T: Theory, P: Prior>(
    theory: &T,
    prior: &P,
    basis: &Basis<T>,
    flow: &Flow,
    generator: &Generator,
    pilot: usize,
    tolerance: f64,
) -> Result<StepChoice> {
    ensure(pilot >= 2, "pilot", "need at least 2 configurations")?;
    ensure(
        tolerance > 0.0 && tolerance.is_finite(),
        "tolerance",
        format!("must be positive, got {tolerance}"),
    )?;
    let run = |steps: usize| -> Result<(StepTrial, Vec<f64>)> {
        let samples = generator
            .clone()
            .with_steps(steps)?
            .generate(theory, prior, basis, flow, pilot);
        let log_w = samples.log_weights().to_vec();
        let trial = StepTrial {
            steps,
            evaluations: samples.evaluations as f64 / pilot as f64,
            ess: samples.weights_t(samples.times.len() - 1).ess(),
            rms_log_w_change: 0.0,
            max_log_w_change: 0.0,
            rejected: samples.rejected,
        };
        Ok((trial, log_w))
    };
    let (reference, log_w_ref) = run(flow.steps)?;
    let mut choice = StepChoice {
        steps: flow.steps,
        tolerance,
        pilot,
        trials: vec![reference],
    };
    let mut steps = flow.steps / 2;
    while steps >= 1 {
        let (mut trial, log_w) = run(steps)?;
        let changes: Vec<f64> = log_w
            .iter()
            .zip(&log_w_ref)
            .filter(|(a, b)| a.is_finite() && b.is_finite())
            .map(|(a, b)| (a - b).abs())
            .collect();
        trial.rms_log_w_change = if changes.is_empty() {
            f64::INFINITY
        } else {
            (changes.iter().map(|d| d * d).sum::<f64>() / changes.len() as f64).sqrt()
        };
        trial.max_log_w_change = changes.iter().copied().fold(0.0, f64::max);
        let within =
            trial.rms_log_w_change <= tolerance && trial.rejected <= choice.trials[0].rejected;
        choice.trials.push(trial);
        if !within {
            break;
        }
        choice.steps = steps;
        steps /= 2;
    }
    Ok(choice)
}
