//! Generation steps chosen by the log-weights. A flow's log-density is exact only as far as
//! its integration is: with too few steps the reported `log q` drifts from the density the
//! samples actually have, and reweighting then corrects towards a slightly wrong target,
//! whatever the ESS says. So steps are chosen by that drift, not by the ESS: a pilot ensemble
//! is generated at the flow's own step count and at twice it, from the same prior draws (same
//! streams). While the two differ by more than a tolerance (root-mean-square change of
//! `log w`), the count is doubled and compared with its own double; with
//! [`StepSearch::Fewest`], a count that passed at once is then halved while the halves stay
//! within the tolerance of the finest integration.
//!
//! A configuration-dependent error `δ` in `log w` shifts a reweighted mean by about
//! `Cov(O, δ) ≤ σ_O · rms(δ)`, against a statistical error of `σ_O / √(ESS·N)`; a tolerance of
//! `1/√N` for an ensemble of `N` keeps the shift below the error bar.

use serde::Serialize;

use crate::Basis;
use crate::Flow;
use crate::Generator;
use crate::Prior;
use crate::Theory;
use crate::error::{Result, ensure};

/// Doublings of the flow's own steps tried at most (up to 8× them). RK4's change between a
/// count and its double falls 16-fold per doubling, so three span a factor of 4096.
pub const MAX_DOUBLINGS: u32 = 3;

/// Which way [`choose_steps`] may move from the flow's own steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepSearch {
    /// Up only: the flow's steps, doubled until converged.
    Raise,
    /// Up until converged, then down: the fewest steps within the tolerance.
    Fewest,
}

/// One trial step count of [`choose_steps`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StepTrial {
    /// RK4 steps.
    pub steps: usize,
    /// Velocity evaluations per configuration.
    pub evaluations: f64,
    /// ESS of the pilot ensemble at the target.
    pub ess: f64,
    /// The step count the trial was compared with (`None` for the finest, which is compared
    /// with nothing).
    pub against: Option<usize>,
    /// Root-mean-square change of `log w` against those steps, over the pilot configurations
    /// both integrations kept.
    pub rms_log_w_change: f64,
    /// The largest such change.
    pub max_log_w_change: f64,
    /// Pilot configurations rejected (non-finite or runaway) at these steps.
    pub rejected: usize,
}

/// The outcome of [`choose_steps`]: every trial, finest first, and the chosen count.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StepChoice {
    /// Steps chosen: the fewest whose trial stayed within the tolerance and rejected no more
    /// configurations than the finer integration it was compared with, or, when no doubling
    /// passed, the finest integration tried.
    pub steps: usize,
    /// Whether the chosen steps passed the comparison.
    pub converged: bool,
    /// The tolerance on the root-mean-square change of `log w`.
    pub tolerance: f64,
    /// Pilot configurations.
    pub pilot: usize,
    /// Every step count generated, finest first.
    pub trials: Vec<StepTrial>,
}

/// Generates `pilot` configurations with `generator` (its seed, scheme and runaway factor) at
/// `flow.steps` and twice that, doubling while the two differ by more than `tolerance` (RMS
/// change of `log w`, at most `MAX_DOUBLINGS` times); with [`StepSearch::Fewest`] a count
/// that passed at once is halved while it stays within `tolerance` of the finest.
#[allow(clippy::too_many_arguments)]
pub fn choose_steps<T: Theory, P: Prior>(
    theory: &T,
    prior: &P,
    basis: &Basis<T>,
    flow: &Flow,
    generator: &Generator,
    pilot: usize,
    tolerance: f64,
    search: StepSearch,
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
        let trial = StepTrial {
            steps,
            evaluations: samples.evaluations as f64 / pilot as f64,
            ess: samples.weights_t(samples.times.len() - 1).ess(),
            against: None,
            rms_log_w_change: 0.0,
            max_log_w_change: 0.0,
            rejected: samples.rejected,
        };
        Ok((trial, samples.log_weights().to_vec()))
    };
    // Compares `trial` with the finer run and says whether it passed.
    let compare = |trial: &mut StepTrial, log_w: &[f64], finer: &(StepTrial, Vec<f64>)| {
        let changes: Vec<f64> = log_w
            .iter()
            .zip(&finer.1)
            .filter(|(a, b)| a.is_finite() && b.is_finite())
            .map(|(a, b)| (a - b).abs())
            .collect();
        trial.against = Some(finer.0.steps);
        trial.rms_log_w_change = if changes.is_empty() {
            f64::INFINITY
        } else {
            (changes.iter().map(|d| d * d).sum::<f64>() / changes.len() as f64).sqrt()
        };
        trial.max_log_w_change = changes.iter().copied().fold(0.0, f64::max);
        trial.rms_log_w_change <= tolerance && trial.rejected <= finer.0.rejected
    };
    let mut trials = Vec::new();
    let mut coarse = run(flow.steps)?;
    let mut doublings = 0;
    let (finest, converged) = loop {
        let fine = run(2 * coarse.0.steps)?;
        let passed = compare(&mut coarse.0, &coarse.1, &fine);
        trials.push(coarse.0);
        doublings += 1;
        if passed || doublings == MAX_DOUBLINGS {
            break (fine, passed);
        }
        coarse = fine;
    };
    let mut steps = if converged {
        trials.last().expect("a trial").steps
    } else {
        finest.0.steps
    };
    if converged && doublings == 1 && search == StepSearch::Fewest {
        let mut half = steps / 2;
        while half >= 1 {
            let (mut trial, log_w) = run(half)?;
            let passed = compare(&mut trial, &log_w, &finest);
            trials.push(trial);
            if !passed {
                break;
            }
            steps = half;
            half /= 2;
        }
    }
    trials.push(finest.0);
    trials.sort_by_key(|trial| std::cmp::Reverse(trial.steps));
    Ok(StepChoice {
        steps,
        converged,
        tolerance,
        pilot,
        trials,
    })
}
