//! The stages a command strings together (train, sample and correct, HMC, compare, Wolff,
//! scan), each writing its files into the output directory and its results into the report.

use std::collections::BTreeMap;
use std::time::Instant;

use pirk::{Flow, StepChoice, Theory, fewest_steps, log_weight_profile, zero_mode_tilt};

use crate::card::{Correction, WolffPlan};
use crate::correct::Corrected;
use crate::hmc::{self, HmcRun};
use crate::measure::{Observables, max_tau};
use crate::npy;
use crate::outdir::{OutDir, write_atomic, write_bytes};
use crate::plots::{self, Histogram, Lines, Stack};
use crate::progress::Progress;
use crate::report::{
    Comparison, FileInfo, FlowInfo, HmcInfo, Report, SamplingInfo, ScanPoint, Slice, TimeEss,
    WolffInfo,
};
use crate::sample;
use crate::seeds;
use crate::setup::Setup;
use crate::wolff::{self, WolffRun};

/// A job's growing results.
pub struct Record {
    /// The report.
    pub report: Report,
    /// Magnetisation histograms to draw at the end: `(label, M, weights)`.
    pub histogram: Vec<(String, Vec<f64>, Vec<f64>)>,
}

/// A PIK run's corrected ensemble and how long it took.
pub struct PikRun {
    /// The correction at the target.
    pub corrected: Corrected,
    /// Seconds for training (0 when resumed) and generation.
    pub seconds: f64,
}

/// Trains the flow and refines it when `[refine] rounds > 0`, or reloads both (the flow and
/// the refinement rounds' record) from the checkpoints when resuming.
pub fn train<T: Theory>(
    setup: &Setup<T>,
    out: &OutDir,
    progress: &Progress,
    rec: &mut Record,
) -> anyhow::Result<Flow> {
    let file = out.path("flow.json");
    let rounds_file = out.checkpoint("refinement.json");
    let start = Instant::now();
    let (flow, refinement) = if file.exists() {
        progress.log(format!(
            "resuming: reusing the trained flow in {}",
            file.display()
        ));
        let refinement = if rounds_file.exists() {
            Some(serde_json::from_slice(&std::fs::read(&rounds_file)?)?)
        } else {
            None
        };
        (Flow::load(&file, &setup.basis)?, refinement)
    } else {
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
        let refine = &setup.card.refine;
        let (flow, refinement) = if refine.rounds > 0 {
            progress.log(format!(
                "refining: up to {} rounds of {} samples",
                refine.rounds,
                setup.card.refine_samples()
            ));
            let begin = Instant::now();
            let (flow, rounds) =
                setup
                    .refiner()?
                    .refine(&setup.theory, &setup.prior, &setup.basis, &flow)?;
            rec.report
                .timings
                .insert("refine_seconds".into(), begin.elapsed().as_secs_f64());
            // Before flow.json: a resume that finds the flow must also find its record.
            write_bytes(&rounds_file, &serde_json::to_vec(&rounds)?)?;
            (flow, Some(rounds))
        } else {
            (flow, None)
        };
        write_atomic(&file, |tmp| flow.save(tmp))?;
        (flow, refinement)
    };
    rec.report
        .timings
        .insert("train_seconds".into(), start.elapsed().as_secs_f64());
    record_flow(setup, &flow, out, rec)?;
    if let Some(info) = rec.report.flow.as_mut() {
        info.refinement = refinement;
    }
    Ok(flow)
}

/// Uses a flow trained elsewhere (`pirk sample --flow`), keeping a copy in the output.
pub fn adopt<T: Theory>(
    setup: &Setup<T>,
    flow: &Flow,
    out: &OutDir,
    rec: &mut Record,
) -> anyhow::Result<()> {
    write_atomic(&out.path("flow.json"), |tmp| flow.save(tmp))?;
    record_flow(setup, flow, out, rec)
}

fn record_flow<T: Theory>(
    setup: &Setup<T>,
    flow: &Flow,
    out: &OutDir,
    rec: &mut Record,
) -> anyhow::Result<()> {
    let slices: Vec<Slice> = flow
        .grid
        .iter()
        .zip(&flow.residuals)
        .zip(&flow.conditions)
        .map(|((&t, &residual), &condition)| Slice {
            t,
            residual,
            condition,
        })
        .collect();
    let points = slices.iter().map(|s| (s.t, s.residual, 0.0)).collect();
    rec.report.plots.push(plots::write(
        out,
        "wegner_residual",
        "Relative residual ‖Ak − b‖/‖b‖ of the Wegner least-squares solve at each training time slice: the flow's error control.",
        &Lines {
            title: "Wegner residual along the flow".into(),
            x_label: "t".into(),
            y_label: "‖Ak − b‖ / ‖b‖".into(),
            log_y: true,
            series: vec![("residual".into(), points)],
        },
    )?);
    rec.report.files.push(FileInfo {
        name: "flow".into(),
        files: vec!["flow.json".into()],
        description: "The trained flow (coefficients k(t) on the time grid), reusable with `pirk sample --flow`.".into(),
    });
    rec.report.flow = Some(FlowInfo {
        kernels: flow.kernels.clone(),
        steps: flow.steps,
        collocation_samples: setup.card.flow.samples,
        max_residual: flow.residuals.iter().copied().fold(0.0, f64::max),
        wegner_residual: slices,
        refinement: None,
    });
    Ok(())
}

/// Generation steps: the card's count, or for `[sample] steps = "auto"` the fewest that keep
/// the log-weights of a pilot (the first chunk's size, at most 256 configurations, from its own
/// seed domain) within `[sample] step_tolerance` of the flow's own steps. The choice is a
/// deterministic function of the card and the flow, so `--resume` makes it again identically.
pub fn steps<T: Theory>(
    setup: &Setup<T>,
    flow: &Flow,
    rec: &mut Record,
) -> anyhow::Result<(usize, Option<StepChoice>)> {
    if let Some(n) = setup.generation_steps() {
        return Ok((n, None));
    }
    let start = Instant::now();
    let pilot = setup.card.sample.chunk.clamp(2, PILOT);
    let generator = setup.generator(seeds::step_pilot(setup.card.seed), flow.steps)?;
    let choice = fewest_steps(
        &setup.theory,
        &setup.prior,
        &setup.basis,
        flow,
        &generator,
        pilot,
        setup.card.sample.step_tolerance,
    )?;
    rec.report
        .timings
        .insert("steps_seconds".into(), start.elapsed().as_secs_f64());
    Ok((choice.steps, Some(choice)))
}

/// The largest pilot of `steps = "auto"`.
const PILOT: usize = 256;

/// Generates, corrects and measures at the target; writes the ensemble files and plots.
pub fn pik<T: Theory>(
    setup: &Setup<T>,
    flow: &Flow,
    (steps, step_choice): (usize, Option<StepChoice>),
    out: &OutDir,
    progress: &Progress,
    stop_after: Option<usize>,
    rec: &mut Record,
) -> anyhow::Result<PikRun> {
    let start = Instant::now();
    let mut ens = sample::generate(setup, flow, steps, out, progress, stop_after)?;
    let generate = start.elapsed().as_secs_f64();
    let abs_m: Vec<f64> = ens.primaries.m.iter().map(|m| m.abs()).collect();
    let tilt = zero_mode_tilt(&ens.primaries.m, &ens.log_w, setup.lat.volume());
    let correction = setup.card.sample.correction;
    let c = Corrected::new(
        setup,
        std::mem::take(&mut ens.primaries),
        &ens.log_w,
        correction,
    );
    let r = &mut rec.report;
    r.timings.insert("sample_seconds".into(), generate);
    r.sampler = Some(match correction {
        Correction::Mh => "pik-mh",
        Correction::Reweight => "pik-reweight",
    });
    r.ess = Some(c.ess());
    r.pareto_k = c.pareto_k;
    progress.warn_tail("the target", c.pareto_k);
    r.acceptance = c.acceptance();
    r.log_z = Some(c.log_z().into());
    r.rejected_non_finite = Some(ens.rejected());
    r.observables = c.observables.clone();
    r.sampling = Some(SamplingInfo {
        count: ens.len(),
        correction: match correction {
            Correction::Mh => "mh",
            Correction::Reweight => "reweight",
        },
        steps,
        step_choice,
        chunk: setup.card.sample.chunk,
        ess_along_path: ens
            .ess_along_path()
            .map(|(t, ess)| TimeEss { t, ess })
            .collect(),
        log_weight_by_abs_m: log_weight_profile(&abs_m, &ens.log_w, PROFILE_BINS),
        zero_mode_tilt: tilt,
    });
    let shape = ensemble_shape(setup, ens.len());
    npy::concat(&out.path("ensemble.npy"), &shape, &ens.phi_files)?;
    record_ensemble(setup, "ensemble.npy", rec);
    npy::write(&out.path("log_weights.npy"), &[ens.len()], &ens.log_w)?;
    rec.report.files.push(FileInfo {
        name: "log_weights".into(),
        files: vec!["log_weights.npy".into()],
        description: "log w = −S(φ) − log q(φ) of every generated configuration (n, f64); −inf for rejected ones.".into(),
    });
    if let Some(chain) = &c.chain {
        let window = (chain.indices.len() / 50).max(1);
        let history = chain
            .indices
            .windows(2)
            .collect::<Vec<_>>()
            .chunks(window)
            .enumerate()
            .map(|(i, w)| {
                let accepted = w.iter().filter(|p| p[0] != p[1]).count();
                (
                    (i * window + w.len()) as f64,
                    accepted as f64 / w.len() as f64,
                    0.0,
                )
            })
            .collect();
        rec.report.plots.push(plots::write(
            out,
            "mh_acceptance",
            &format!("Independence Metropolis–Hastings acceptance in windows of {window} proposals along the chain."),
            &Lines {
                title: "MH acceptance history".into(),
                x_label: "proposal".into(),
                y_label: "acceptance".into(),
                log_y: false,
                series: vec![("acceptance".into(), history)],
            },
        )?);
    }
    let (m, w) = c.histogram_data();
    rec.histogram.push(("PIK".into(), m, w));
    let seconds = generate
        + ["train_seconds", "steps_seconds"]
            .iter()
            .filter_map(|k| rec.report.timings.get(*k))
            .sum::<f64>();
    Ok(PikRun {
        corrected: c,
        seconds,
    })
}

/// Runs HMC at the target; `primary` when it is the job's only sampler.
pub fn hmc<T: Theory>(
    setup: &Setup<T>,
    out: &OutDir,
    progress: &Progress,
    primary: bool,
    rec: &mut Record,
) -> anyhow::Result<(HmcRun, f64)> {
    let start = Instant::now();
    let run = hmc::run(setup, progress)?;
    let seconds = start.elapsed().as_secs_f64();
    let h = &setup.card.hmc;
    rec.report.timings.insert("hmc_seconds".into(), seconds);
    rec.report.hmc = Some(HmcInfo {
        trajectories: h.trajectories,
        thermalise: h.thermalise,
        step: h.step,
        steps: h.steps,
        acceptance: run.report.acceptance,
        exp_minus_dh: run.report.exp_dh.into(),
    });
    let file = if primary {
        rec.report.sampler = Some("hmc");
        rec.report.acceptance = Some(run.report.acceptance);
        rec.report.observables = run.observables.clone();
        "ensemble.npy"
    } else {
        "hmc_ensemble.npy"
    };
    let shape = ensemble_shape(setup, run.primaries.m.len());
    npy::write(&out.path(file), &shape, &run.phi)?;
    record_ensemble(setup, file, rec);
    let n = run.primaries.m.len();
    rec.histogram
        .push(("HMC".into(), run.primaries.m.clone(), vec![1.0; n]));
    Ok((run, seconds))
}

/// Bins of `|M|` in the report's log-weight profile.
const PROFILE_BINS: usize = 8;

/// The PIK-vs-HMC table and cost per effective sample.
pub fn compare(pik: &PikRun, hmc: &HmcRun, hmc_seconds: f64, rec: &mut Record) {
    let p = Cost::pik(pik);
    let h = Cost::of(hmc.primaries.m.len(), &hmc.observables, hmc_seconds);
    let t = &mut rec.report.timings;
    t.insert(
        "pik_seconds_per_effective_sample".into(),
        p.seconds_per_effective_sample,
    );
    t.insert(
        "hmc_seconds_per_effective_sample".into(),
        h.seconds_per_effective_sample,
    );
    t.insert("hmc_over_pik_cost_ratio".into(), h.over(&p));
    t.insert(
        "pik_seconds_per_independent_chi".into(),
        p.seconds_per_independent_chi,
    );
    t.insert(
        "hmc_seconds_per_independent_chi".into(),
        h.seconds_per_independent_chi,
    );
    rec.report.comparison = Some(Comparison {
        hmc_observables: hmc.observables.clone(),
        pulls: pulls(&pik.corrected.observables, &hmc.observables),
        pik_tau_int: p.tau_int,
        hmc_tau_int: h.tau_int,
        pik_effective_samples: p.effective_samples,
        hmc_effective_samples: h.effective_samples,
    });
}

/// Runs the Wolff cluster chain at the target and records it: as the report's sampler
/// (`primary`, the `wolff` command) or as `compare`'s baseline, which [`compare_wolff`] then
/// sets against HMC and PIK with the returned cost.
pub fn wolff<T: Theory>(
    setup: &Setup<T>,
    plan: &WolffPlan,
    progress: &Progress,
    primary: bool,
    rec: &mut Record,
) -> anyhow::Result<(WolffRun, Cost)> {
    let start = Instant::now();
    let run = wolff::run(setup, plan, progress)?;
    let seconds = start.elapsed().as_secs_f64();
    let n = run.primaries.m.len();
    let w = Cost::of(n, &run.observables, seconds);
    let t = &mut rec.report.timings;
    t.insert("wolff_seconds".into(), seconds);
    t.insert(
        "wolff_seconds_per_effective_sample".into(),
        w.seconds_per_effective_sample,
    );
    t.insert(
        "wolff_seconds_per_independent_chi".into(),
        w.seconds_per_independent_chi,
    );
    if primary {
        rec.report.sampler = Some("wolff");
        rec.report.acceptance = Some(run.report.acceptance);
        rec.report.observables = run.observables.clone();
    }
    rec.report.wolff = Some(WolffInfo {
        updates: plan.updates,
        thermalise: plan.thermalise,
        width: plan.width,
        acceptance: run.report.acceptance,
        cluster_fraction: run.report.cluster_fraction,
        pulls: BTreeMap::new(),
        observables: run.observables.clone(),
        tau_int: w.tau_int,
        effective_samples: w.effective_samples,
    });
    rec.histogram
        .push(("Wolff".into(), run.primaries.m.clone(), vec![1.0; n]));
    Ok((run, w))
}

/// Wolff's pulls against HMC and its cost relative to PIK's.
pub fn compare_wolff(wolff: &WolffRun, cost: &Cost, pik: &PikRun, hmc: &HmcRun, rec: &mut Record) {
    rec.report.timings.insert(
        "wolff_over_pik_cost_ratio".into(),
        cost.over(&Cost::pik(pik)),
    );
    if let Some(info) = rec.report.wolff.as_mut() {
        info.pulls = pulls(&wolff.observables, &hmc.observables);
    }
}

/// Per observable present in both: `(a − b)/σ_combined`.
fn pulls(a: &Observables, b: &Observables) -> BTreeMap<String, f64> {
    a.iter()
        .filter_map(|(k, x)| {
            let y = b.get(k)?;
            Some((k.clone(), (x.mean - y.mean) / x.err.hypot(y.err)))
        })
        .collect()
}

/// A chain's autocorrelation and cost, what `compare` sets side by side.
pub struct Cost {
    /// The largest `τ_int` among its means: the conservative choice.
    tau_int: f64,
    /// Chain length / (2 τ_int).
    effective_samples: f64,
    /// Wall seconds / effective samples.
    seconds_per_effective_sample: f64,
    /// Wall seconds / (chain length / (2 τ_int(M²))): the cost of one independent sample of
    /// χ = V(⟨M²⟩ − ⟨M⟩²), whose fluctuations are those of its series M².
    seconds_per_independent_chi: f64,
}

impl Cost {
    /// A chain of `n` states with these observables that took `seconds`.
    fn of(n: usize, observables: &Observables, seconds: f64) -> Self {
        let tau_int = max_tau(observables);
        let effective_samples = n as f64 / (2.0 * tau_int);
        let tau_m2 = observables
            .get("M2")
            .and_then(|m| m.tau_int)
            .map_or(0.5, |t| t.max(0.5));
        Self {
            tau_int,
            effective_samples,
            seconds_per_effective_sample: seconds / effective_samples,
            seconds_per_independent_chi: seconds * 2.0 * tau_m2 / n as f64,
        }
    }

    /// PIK's: the MH chain (empty under reweighting) over training and generation time.
    fn pik(pik: &PikRun) -> Self {
        let n = pik.corrected.chain.as_ref().map_or(0, |c| c.indices.len());
        Self::of(n, &pik.corrected.observables, pik.seconds)
    }

    /// Seconds per effective sample relative to `other`'s (> 1: `other` is cheaper).
    fn over(&self, other: &Cost) -> f64 {
        self.seconds_per_effective_sample / other.seconds_per_effective_sample
    }
}

/// Observables at `t = 1/P, …, 1` along the path (the last point is the target run).
pub fn scan<T: Theory>(
    setup: &Setup<T>,
    flow: &Flow,
    steps: usize,
    target: &Corrected,
    out: &OutDir,
    progress: &Progress,
    rec: &mut Record,
) -> anyhow::Result<()> {
    let points = setup.card.scan.points;
    let correction = setup.card.sample.correction;
    let bar = progress.bar(points as u64 - 1, "scan");
    let mut results = Vec::with_capacity(points);
    for p in 1..=points {
        let tau = p as f64 / points as f64;
        let mut theta = vec![0.0; setup.path.len()];
        setup.path.theta(tau, &mut theta);
        let (c, rejected) = if p == points {
            let rejected = rec.report.rejected_non_finite.unwrap_or(0);
            (None, rejected)
        } else {
            let cut = flow.truncated(tau)?;
            let steps = ((steps as f64 * tau).ceil() as usize).max(1);
            let seed = seeds::scan_point(setup.card.seed, p);
            let mut ens = sample::generate_measured(setup, &cut, steps, seed, &theta)?;
            let c = Corrected::new(
                setup,
                std::mem::take(&mut ens.primaries),
                &ens.log_w,
                correction,
            );
            progress.warn_tail(&format!("scan point t = {tau}"), c.pareto_k);
            bar.inc(1);
            (Some(c), ens.rejected())
        };
        let c = c.as_ref().unwrap_or(target);
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
            observables: c.observables.clone(),
        });
    }
    bar.finish_and_clear();
    let series = |name: &str| -> Vec<(f64, f64, f64)> {
        results
            .iter()
            .filter_map(|s| s.observables.get(name).map(|o| (s.t, o.mean, o.err)))
            .collect()
    };
    let mut quality = vec![(
        "ESS".to_string(),
        results.iter().map(|s| (s.t, s.ess, 0.0)).collect(),
    )];
    if correction == Correction::Mh {
        quality.push((
            "MH acceptance".into(),
            results
                .iter()
                .map(|s| (s.t, s.acceptance.unwrap_or(f64::NAN), 0.0))
                .collect(),
        ));
    }
    let panel = |title: &str, y: &str, name: &str| Lines {
        title: title.into(),
        x_label: "t".into(),
        y_label: y.into(),
        log_y: false,
        series: vec![(name.into(), series(name))],
    };
    rec.report.plots.push(plots::write(
        out,
        "scan_observables",
        "Observables along the coupling path θ(t) from one trained flow: ⟨|M|⟩ and χ with errors, and the ESS (and MH acceptance) of the flow at each θ(t).",
        &Stack(vec![
            panel("⟨|M|⟩ along the path", "⟨|M|⟩", "abs_M"),
            panel("χ along the path", "χ", "chi"),
            Lines {
                title: "sampler quality along the path".into(),
                x_label: "t".into(),
                y_label: "ESS, acceptance".into(),
                log_y: false,
                series: quality,
            },
        ]),
    )?);
    rec.report.scan = Some(results);
    Ok(())
}

/// `(n, L₀, L₁, …)`.
fn ensemble_shape<T: Theory>(setup: &Setup<T>, n: usize) -> Vec<usize> {
    [n].into_iter()
        .chain(setup.lat.dims().iter().copied())
        .collect()
}

fn record_ensemble<T: Theory>(setup: &Setup<T>, file: &str, rec: &mut Record) {
    rec.report.files.push(FileInfo {
        name: file.trim_end_matches(".npy").into(),
        files: vec![file.into()],
        description: format!(
            "Configurations, shape (n, {}) f64, sites in row-major order.",
            setup
                .lat
                .dims()
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    });
}

/// Draws the magnetisation histogram and writes `report.json`.
pub fn finish(out: &OutDir, mut rec: Record) -> anyhow::Result<Report> {
    if !rec.histogram.is_empty() {
        rec.report.plots.push(plots::write(
            out,
            "magnetisation_histogram",
            "Histogram of the magnetisation M = mean φ at the target couplings: PIK (MH chain states, or importance-weighted) and HMC where run.",
            &Histogram {
                series: std::mem::take(&mut rec.histogram),
            },
        )?);
    }
    let json = serde_json::to_string_pretty(&rec.report)? + "\n";
    crate::outdir::write_bytes(&out.path("report.json"), json.as_bytes())?;
    Ok(rec.report)
}
