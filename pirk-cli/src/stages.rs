//! The stages a command strings together (train, choose steps, sample and correct, HMC, Wolff,
//! scan). Each writes its data files into the output directory and returns what it found as a
//! typed result with its own timing; `assemble` turns a job's results into the report and the
//! figures, once, at the end.

use std::time::Instant;

use pirk::{
    Flow, RefineRound, Schedule, StepChoice, Theory, choose_steps, edge_weights,
    log_weight_profile, zero_mode_tilt_toward,
};

use crate::card::{Correction, CountOrAuto, GridKind, WeightsKind, WolffPlan};
use crate::correct::Corrected;
use crate::hmc::{self, HmcRun};
use crate::npy;
use crate::outdir::{OutDir, write_atomic, write_bytes};
use crate::progress::Progress;
use crate::report::{RelaxInfo, SamplingInfo, ScanPoint, TimeEss};
use crate::sample;
use crate::seeds;
use crate::setup::Setup;
use crate::shared;
use crate::stationarity::Check;
use crate::stepcheck;
use crate::wolff::{self, WolffRun};

/// The flow a job samples with.
pub struct FlowStage {
    /// The flow.
    pub flow: Flow,
    /// The refinement rounds' record, when the flow was refined.
    pub refinement: Option<Vec<RefineRound>>,
    /// Seconds of training with refinement (or of reloading both on resume); `None` for a flow
    /// given on the command line.
    pub train_seconds: Option<f64>,
    /// Seconds of refinement, when it ran.
    pub refine_seconds: Option<f64>,
}

/// Generation's step count and relaxation and, unless the card fixed them, how they were
/// chosen and how long that took.
pub struct StepsStage {
    /// RK4 steps of generation.
    pub steps: usize,
    /// The step study, unless the card fixed the steps.
    pub choice: Option<StepChoice>,
    /// The relaxation along the path.
    pub relax: RelaxInfo,
    /// Seconds of the step study and of the relaxation's pilots (the decision and the grid).
    pub seconds: Option<f64>,
}

/// A PIK run at the target: the corrected ensemble and what sampling measured.
pub struct PikRun {
    /// The correction at the target.
    pub corrected: Corrected,
    /// Generation, ESS along the path, log-weight diagnostics.
    pub sampling: SamplingInfo,
    /// Configurations rejected as non-finite or runaway.
    pub rejected: usize,
    /// The share of the weight they carried before they were stopped.
    pub rejected_weight: f64,
    /// Seconds of generation, correction and measurement.
    pub seconds: f64,
    /// Seconds of the stationarity check (null where it did not run).
    pub stationarity_seconds: Option<f64>,
}

/// A baseline chain at the target and its wall time.
pub struct Chain<R> {
    /// What the chain produced.
    pub run: R,
    /// Wall seconds.
    pub seconds: f64,
}

/// Trains the flow (or takes the one tuning trained, whose training tuning timed) and refines it
/// when `[refine] rounds > 0`, or reloads both (the flow and the refinement rounds' record)
/// from the checkpoints when resuming. The saved flow records its prior.
pub fn train<T: Theory>(
    setup: &Setup<T>,
    out: &OutDir,
    progress: &Progress,
    pretrained: Option<Flow>,
) -> anyhow::Result<FlowStage> {
    let file = out.path("flow.json");
    let rounds_file = out.checkpoint("refinement.json");
    let start = Instant::now();
    if let Some(saved) = shared::read(&file)? {
        progress.log(format!(
            "resuming: reusing the trained flow in {}",
            file.display()
        ));
        let refinement = match shared::read(&rounds_file)? {
            Some(rounds) => Some(serde_json::from_slice(&rounds)?),
            None => None,
        };
        return Ok(FlowStage {
            flow: Flow::from_json(&saved, &setup.basis)?,
            refinement,
            train_seconds: Some(start.elapsed().as_secs_f64()),
            refine_seconds: None,
        });
    }
    let flow = match pretrained {
        Some(flow) => flow,
        None => fit(setup, progress)?,
    };
    let train_seconds = start.elapsed().as_secs_f64();
    let refine = &setup.card.refine;
    let begin = Instant::now();
    let (mut flow, refinement, refine_seconds) = if refine.rounds > 0 {
        progress.log(format!(
            "refining: up to {} rounds of {} samples",
            refine.rounds,
            setup.card.refine_samples()
        ));
        let (flow, rounds) = setup.refiner()?.refine_observed(
            &setup.theory,
            &setup.prior,
            &setup.basis,
            &flow,
            |_| progress.check_cancel(),
        )?;
        let seconds = begin.elapsed().as_secs_f64();
        // Before flow.json: a resume that finds the flow must also find its record.
        write_bytes(&rounds_file, &serde_json::to_vec(&rounds)?)?;
        (flow, Some(rounds), Some(seconds))
    } else {
        (flow, None, None)
    };
    flow.prior = Some(serde_json::to_value(&setup.prior_card)?);
    write_atomic(&file, |tmp| flow.save(tmp))?;
    Ok(FlowStage {
        flow,
        refinement,
        train_seconds: Some(train_seconds + begin.elapsed().as_secs_f64()),
        refine_seconds,
    })
}

/// Trains a flow with the card's `[flow]` settings, showing a progress bar.
pub fn fit<T: Theory>(setup: &Setup<T>, progress: &Progress) -> anyhow::Result<Flow> {
    let bar = progress.bar(setup.card.flow.steps as u64, "training");
    bar.set_message(format!(
        "{} kernels, {} collocation samples",
        setup.basis.len(),
        setup.card.flow.samples
    ));
    let (flow, _) = setup.trainer()?.train_observed(
        &setup.theory,
        &setup.prior,
        &setup.basis,
        &setup.path,
        |n| bar.set_position(n as u64),
    )?;
    bar.finish_and_clear();
    Ok(flow)
}

/// Uses a flow trained elsewhere (`pirk sample --flow`), keeping a copy in the output.
pub fn adopt(flow: Flow, out: &OutDir) -> anyhow::Result<FlowStage> {
    write_atomic(&out.path("flow.json"), |tmp| flow.save(tmp))?;
    Ok(FlowStage {
        flow,
        refinement: None,
        train_seconds: None,
        refine_seconds: None,
    })
}

/// Generation steps: the card's count, or the training steps doubled until a pilot (the first
/// chunk's size, at most 256 configurations, from its own seed domain) changes its log-weights
/// by at most the step tolerance between a count and its double; for `[sample] steps = "auto"`
/// then the fewest that do. The choice is a deterministic function of the card and the flow, so
/// `--resume` makes it again identically.
///
/// Relaxation (`[sample] relax`): the card's count, or with `"auto"` one trajectory per grid
/// time where the flow alone's ESS on the same pilot (at the chosen steps, or at the card's
/// steps from the same seed) is below [`RELAX_BELOW_ESS`]. Unless `[sample] grid = "even"`, a
/// relaxed ensemble's grid times are then placed by a relaxed pilot on the even grid
/// ([`Schedule::balanced`]).
pub fn steps<T: Theory>(setup: &Setup<T>, flow: &Flow) -> anyhow::Result<StepsStage> {
    let start = Instant::now();
    let pilot = setup.card.sample.chunk.clamp(2, PILOT);
    let generator = |steps| setup.generator(seeds::step_pilot(setup.card.seed), steps);
    let (steps, choice) = match setup.generation_steps() {
        Some(steps) => (steps, None),
        None => {
            let choice = choose_steps(
                &setup.theory,
                &setup.prior,
                &setup.basis,
                flow,
                &generator(flow.steps)?,
                pilot,
                setup.card.sample.step_tolerance(),
                setup.step_search(),
            )?;
            (choice.steps, Some(choice))
        }
    };
    let relax = match setup.card.sample.relax {
        CountOrAuto::Count(n) => setup.relaxation(n, None),
        CountOrAuto::Auto => {
            let trial = choice
                .as_ref()
                .and_then(|c| c.trials.iter().find(|t| t.steps == steps));
            let ess = match trial {
                Some(t) => t.ess,
                None => generator(steps)?
                    .generate(&setup.theory, &setup.prior, &setup.basis, flow, pilot)
                    .weights_t(steps)
                    .ess(),
            };
            setup.relaxation(usize::from(ess < RELAX_BELOW_ESS), Some(ess))
        }
    };
    let relax = if relax.trajectories > 0 && setup.card.sample.grid != GridKind::Even {
        let relaxed = setup
            .sampler(seeds::step_pilot(setup.card.seed), steps, &relax)?
            .generate(
                &setup.theory,
                &setup.prior,
                &setup.basis,
                flow,
                pilot.min(setup.card.sample.count),
            );
        RelaxInfo {
            schedule: Schedule::balanced(&relaxed)?,
            ..relax
        }
    } else {
        relax
    };
    let studied = choice.is_some() || relax.pilot_ess.is_some() || !relax.schedule.is_even();
    Ok(StepsStage {
        steps,
        choice,
        relax,
        seconds: studied.then(|| start.elapsed().as_secs_f64()),
    })
}

/// The largest pilot of the step choice.
const PILOT: usize = 256;

/// With `[sample] relax = "auto"`, a flow whose pilot ESS is below this relaxes along the path:
/// there one HMC trajectory per grid time raised the ESS three- to forty-fold for 1.2 to 2 times
/// the generation time (docs/physics.md, "Relaxation along the path"), while a flow above it has
/// little left to gain.
pub const RELAX_BELOW_ESS: f64 = 0.5;

/// Bins of `|M|` in the report's log-weight profile.
const PROFILE_BINS: usize = 8;

/// Generates, corrects and measures at the target; writes `ensemble.npy` and
/// `log_weights.npy`.
pub fn pik<T: Theory>(
    setup: &Setup<T>,
    flow: &Flow,
    steps: &StepsStage,
    out: &OutDir,
    progress: &Progress,
    stop_after: Option<usize>,
) -> anyhow::Result<PikRun> {
    let start = Instant::now();
    let mut check = Check::new(setup, &setup.target, setup.card.seed)?;
    let mut ens = sample::generate(
        setup,
        flow,
        steps.steps,
        &steps.relax,
        out,
        progress,
        stop_after,
        check.as_mut(),
    )?;
    let moved = check.as_ref().map(Check::moved_lengths);
    let stationarity = check.and_then(|c| c.finish(&ens.log_w));
    let stationarity_seconds = stationarity.as_ref().map(|c| c.seconds);
    let seconds = start.elapsed().as_secs_f64() - stationarity_seconds.unwrap_or(0.0);
    let abs_m: Vec<f64> = ens.primaries.m.iter().map(|m| m.abs()).collect();
    let length = ens.primaries.magnetisation_lengths();
    // A periodic field's magnetisation has a bounded length: no zero-mode prior to tilt. The
    // tilt matches the check's moved configurations, as the tuning's does, so a prior corrected
    // by hand from the report follows the same rule.
    let tilt = (!T::PERIODIC)
        .then(|| {
            let toward = moved.as_deref().unwrap_or(&length);
            zero_mode_tilt_toward(&length, toward, &ens.log_w, setup.lat.volume())
        })
        .flatten();
    let edges = (ens.primaries.has_edges())
        .then(|| edge_weights(&length, &ens.log_w))
        .flatten();
    let correction = setup.card.sample.correction;
    let corrected = Corrected::new(
        setup,
        std::mem::take(&mut ens.primaries),
        &ens.log_w,
        correction,
    );
    progress.warn_tail("the target", corrected.pareto_k);
    progress.warn_edges("the target", edges.as_ref());
    progress.warn_rejected(
        "the target",
        ens.rejected(),
        ens.len(),
        ens.rejected_weight(),
    );
    progress.warn_errors("the target", &corrected.errors);
    let step_check = stepcheck::check(
        setup,
        flow,
        steps.steps,
        &steps.relax,
        seeds::chunk(setup.card.seed, 0),
        &ens.log_w,
        corrected.ess(),
    )?;
    progress.warn_steps("the target", &step_check);
    progress.warn_stationarity("the target", stationarity.as_ref());
    let sampling = SamplingInfo {
        count: ens.len(),
        correction: match correction {
            Correction::Mh => "mh",
            Correction::Reweight => "reweight",
        },
        weights: match setup.card.sample.weights {
            WeightsKind::Raw => "raw",
            WeightsKind::Psis => "psis",
        },
        steps: steps.steps,
        step_choice: steps.choice.clone(),
        chunk: setup.card.sample.chunk,
        ess_along_path: ens
            .ess_along_path()
            .map(|(t, ess)| TimeEss { t, ess })
            .collect(),
        log_weight_by_abs_m: log_weight_profile(&abs_m, &ens.log_w, PROFILE_BINS),
        edge_weights: edges,
        zero_mode_tilt: tilt,
        step_check,
        stationarity,
        relax: steps.relax.clone(),
    };
    npy::concat(
        &out.path("ensemble.npy"),
        &ensemble_shape(setup, ens.len()),
        &ens.phi_files,
    )?;
    npy::write(&out.path("log_weights.npy"), &[ens.len()], &ens.log_w)?;
    Ok(PikRun {
        corrected,
        sampling,
        rejected: ens.rejected(),
        rejected_weight: ens.rejected_weight(),
        seconds,
        stationarity_seconds,
    })
}

/// Runs HMC at the target and writes its configurations to `file`.
pub fn hmc<T: Theory>(
    setup: &Setup<T>,
    out: &OutDir,
    progress: &Progress,
    file: &str,
) -> anyhow::Result<Chain<HmcRun>> {
    let start = Instant::now();
    let run = hmc::run(setup, progress)?;
    let seconds = start.elapsed().as_secs_f64();
    let shape = ensemble_shape(setup, run.primaries.m.len());
    npy::write(&out.path(file), &shape, &run.phi)?;
    Ok(Chain { run, seconds })
}

/// Runs the Wolff cluster chain at the target (only its primaries are kept).
pub fn wolff<T: Theory>(
    setup: &Setup<T>,
    plan: &WolffPlan,
    progress: &Progress,
) -> anyhow::Result<Chain<WolffRun>> {
    let start = Instant::now();
    let run = wolff::run(setup, plan, progress)?;
    Ok(Chain {
        run,
        seconds: start.elapsed().as_secs_f64(),
    })
}

/// Observables at `t = 1/P, …, 1` along the path (the last point is the target run).
pub fn scan<T: Theory>(
    setup: &Setup<T>,
    flow: &Flow,
    steps: usize,
    target: &PikRun,
    progress: &Progress,
) -> anyhow::Result<Vec<ScanPoint>> {
    let points = setup.card.scan.points;
    let correction = setup.card.sample.correction;
    let relax = &target.sampling.relax;
    let bar = progress.bar(points as u64 - 1, "scan");
    let mut results = Vec::with_capacity(points);
    for p in 1..=points {
        let tau = p as f64 / points as f64;
        let mut theta = vec![0.0; setup.path.len()];
        setup.path.theta(tau, &mut theta);
        let (c, rejected, rejected_weight, step_check, edges, stationarity) = if p == points {
            let check = target.sampling.step_check.clone();
            let edges = target.sampling.edge_weights.clone();
            let stationarity = target.sampling.stationarity.clone();
            (
                None,
                target.rejected,
                target.rejected_weight,
                check,
                edges,
                stationarity,
            )
        } else {
            let cut = flow.truncated(tau)?;
            let (relax, steps) = relax.truncated(tau, steps);
            let seed = seeds::scan_point(setup.card.seed, p);
            let mut stationarity = Check::new(setup, &theta, seed)?;
            let mut ens = sample::generate_measured(
                setup,
                &cut,
                steps,
                &relax,
                seed,
                &theta,
                stationarity.as_mut(),
            )?;
            let stationarity = stationarity.and_then(|c| c.finish(&ens.log_w));
            let edges = (ens.primaries.has_edges())
                .then(|| edge_weights(&ens.primaries.magnetisation_lengths(), &ens.log_w))
                .flatten();
            let c = Corrected::new(
                setup,
                std::mem::take(&mut ens.primaries),
                &ens.log_w,
                correction,
            );
            let at = format!("scan point t = {tau}");
            progress.warn_tail(&at, c.pareto_k);
            progress.warn_edges(&at, edges.as_ref());
            progress.warn_rejected(&at, ens.rejected(), ens.len(), ens.rejected_weight());
            progress.warn_errors(&at, &c.errors);
            let check = stepcheck::check(
                setup,
                &cut,
                steps,
                &relax,
                seeds::chunk(seed, 0),
                &ens.log_w,
                c.ess(),
            )?;
            progress.warn_steps(&at, &check);
            progress.warn_stationarity(&at, stationarity.as_ref());
            bar.inc(1);
            let (rejected, weight) = (ens.rejected(), ens.rejected_weight());
            (Some(c), rejected, weight, check, edges, stationarity)
        };
        let c = c.as_ref().unwrap_or(&target.corrected);
        results.push(ScanPoint {
            t: tau,
            couplings: setup
                .entry
                .params
                .iter()
                .map(|s| s.to_string())
                .zip(theta)
                .collect(),
            ess: c.ess(),
            pareto_k: c.pareto_k,
            acceptance: c.acceptance(),
            log_z: c.log_z().into(),
            rejected_non_finite: rejected,
            rejected_weight,
            errors: c.errors.clone(),
            step_check,
            edge_weights: edges,
            stationarity,
            observables: c.observables.clone(),
        });
    }
    bar.finish_and_clear();
    Ok(results)
}

/// `(n, L₀, L₁, …)`, then `N` for an N-component field.
fn ensemble_shape<T: Theory>(setup: &Setup<T>, n: usize) -> Vec<usize> {
    let components = (T::COMPONENTS > 1).then_some(T::COMPONENTS);
    [n].into_iter()
        .chain(setup.lat.dims().iter().copied())
        .chain(components)
        .collect()
}
