//! A job's report and figures, assembled once from its stages' typed results: which sampler's
//! results are the report's own, the flow's record, the comparison and costs, the scan, the
//! plots and the file list, then `report.json`.

use std::collections::BTreeMap;

use pirk::Theory;

use crate::card::{Correction, WolffChain, WolffPlan};
use crate::cost::{Cost, pulls};
use crate::hmc::HmcRun;
use crate::outdir::{OutDir, write_bytes};
use crate::plots::{self, Histogram, Lines, Stack};
use crate::report::{
    Comparison, FileInfo, FlowInfo, HmcInfo, PruningInfo, Report, SCHEMA_VERSION, ScanPoint,
    Sector, Slice, StartInfo, TheoryInfo, WolffInfo,
};
use crate::setup::Setup;
use crate::stages::{Chain, FlowStage, PikRun, StepsStage};
use crate::tune::Tuning;
use crate::wolff::WolffRun;

/// Everything a job's stages produced.
#[derive(Default)]
pub struct Outcome {
    /// The tuning rounds, when they ran, and each round's wall seconds.
    pub tuning: Option<(Tuning, Vec<f64>)>,
    /// The flow, trained, reloaded or given.
    pub flow: Option<FlowStage>,
    /// Generation's steps.
    pub steps: Option<StepsStage>,
    /// PIK at the target: the report's sampler whenever it ran.
    pub pik: Option<PikRun>,
    /// HMC at the target, with the file its configurations went to.
    pub hmc: Option<(Chain<HmcRun>, &'static str)>,
    /// Wolff at the target, with the plan it ran.
    pub wolff: Option<(Chain<WolffRun>, WolffPlan)>,
    /// The scan points along the path.
    pub scan: Option<Vec<ScanPoint>>,
}

/// Builds the report of `command` from `outcome`, draws its figures and writes `report.json`
/// and the card (`card.toml`).
pub fn finish<T: Theory>(
    setup: &Setup<T>,
    command: &'static str,
    outcome: &Outcome,
    out: &OutDir,
    total_seconds: f64,
) -> anyhow::Result<Report> {
    let mut r = new_report(setup, command);
    let mut histogram = Vec::new();
    if let Some((t, seconds)) = &outcome.tuning {
        r.timings
            .insert("tune_seconds".into(), seconds.iter().sum::<f64>());
        for (i, s) in seconds.iter().enumerate() {
            r.timings.insert(format!("tune_round_{i}_seconds"), *s);
        }
        r.tuning = Some(t.clone());
    }
    if let Some(f) = &outcome.flow {
        flow(setup, f, out, &mut r)?;
    }
    if let Some(seconds) = outcome.steps.as_ref().and_then(|s| s.seconds) {
        r.timings.insert("steps_seconds".into(), seconds);
    }
    if let Some(p) = &outcome.pik {
        pik(setup, p, out, &mut r)?;
        histogram.push(("PIK".to_string(), p.corrected.histogram_data()));
    }
    if let Some((h, file)) = &outcome.hmc {
        hmc(setup, h, file, outcome.pik.is_none(), &mut r);
        let n = h.run.primaries.m.len();
        histogram.push(("HMC".into(), (h.run.primaries.m.clone(), vec![1.0; n])));
    }
    let pik_cost = outcome.pik.as_ref().map(|p| pik_cost(p, outcome));
    if let (Some(p), Some(pc), Some((h, _))) = (&outcome.pik, &pik_cost, &outcome.hmc) {
        compare(p, pc, h, &mut r);
    }
    if let Some((w, plan)) = &outcome.wolff {
        let primary = outcome.pik.is_none() && outcome.hmc.is_none();
        let cost = wolff(w, plan, primary, &mut r);
        if let (Some(pc), Some((h, _))) = (&pik_cost, &outcome.hmc) {
            r.timings
                .insert("wolff_over_pik_cost_ratio".into(), cost.over(pc));
            if let Some(info) = r.wolff.as_mut() {
                info.pulls = pulls(&w.run.observables, &h.run.observables);
            }
        }
        let n = w.run.primaries.m.len();
        histogram.push(("Wolff".into(), (w.run.primaries.m.clone(), vec![1.0; n])));
    }
    if let Some(points) = &outcome.scan {
        scan(setup, points, out, &mut r)?;
    }
    if T::LINKS {
        r.charge_sectors = Some(
            (histogram.iter())
                .map(|(label, (q, w))| (label.clone(), sectors(q, w)))
                .collect(),
        );
    }
    if !histogram.is_empty() {
        // A link field's primary is its topological charge (crate::measure::Primaries::m).
        let (name, description, caption, x_label) = if T::LINKS {
            (
                "charge_histogram",
                "Histogram of the topological charge Q = (1/2π) Σ_P arg e^{iθ_P} at the target couplings: PIK (MH chain states, or importance-weighted) and HMC where run.",
                "Topological charge Q",
                "Q",
            )
        } else {
            (
                "magnetisation_histogram",
                "Histogram of the magnetisation M = mean φ at the target couplings: PIK (MH chain states, or importance-weighted) and HMC where run.",
                "Magnetisation M = mean φ",
                "M",
            )
        };
        r.plots.push(plots::write(
            out,
            name,
            description,
            &Histogram {
                caption,
                x_label,
                integers: T::LINKS,
                series: histogram
                    .into_iter()
                    .map(|(label, (m, w))| (label, m, w))
                    .collect(),
            },
        )?);
    }
    write_bytes(&out.path("card.toml"), setup.card.text.as_bytes())?;
    r.files.push(FileInfo {
        name: "card".into(),
        files: vec!["card.toml".into()],
        description: "The run card as read: with flow.json, all that sampling the flow again needs (Python's `pirk.Flow.load`).".into(),
    });
    r.timings.insert("total_seconds".into(), total_seconds);
    // The wall times above were taken with this many MPI processes.
    r.timings
        .insert("ranks".into(), pirk::ranks().size() as f64);
    let json = serde_json::to_string_pretty(&r)? + "\n";
    write_bytes(&out.path("report.json"), json.as_bytes())?;
    Ok(r)
}

fn new_report<T: Theory>(setup: &Setup<T>, command: &'static str) -> Report {
    let e = &setup.entry;
    Report {
        schema: "pirk-report",
        schema_version: SCHEMA_VERSION,
        pirk_version: env!("CARGO_PKG_VERSION"),
        command,
        theory: TheoryInfo {
            name: e.name,
            type_name: e.type_name,
            params: e.params,
        },
        lattice: setup.lat.dims().to_vec(),
        couplings: e
            .params
            .iter()
            .map(|p| p.to_string())
            .zip(setup.target.iter().copied())
            .collect(),
        seed: setup.card.seed,
        sampler: None,
        ess: None,
        pareto_k: None,
        acceptance: None,
        log_z: None,
        rejected_non_finite: None,
        rejected_weight: None,
        errors: None,
        tuning: None,
        flow: None,
        sampling: None,
        hmc: None,
        wolff: None,
        observables: Default::default(),
        comparison: None,
        scan: None,
        charge_sectors: None,
        plots: Vec::new(),
        files: Vec::new(),
        timings: Default::default(),
    }
}

/// The flow's record, its residual plot and its file.
fn flow<T: Theory>(
    setup: &Setup<T>,
    f: &FlowStage,
    out: &OutDir,
    r: &mut Report,
) -> anyhow::Result<()> {
    if let Some(seconds) = f.train_seconds {
        r.timings.insert("train_seconds".into(), seconds);
    }
    if let Some(seconds) = f.refine_seconds {
        r.timings.insert("refine_seconds".into(), seconds);
    }
    let flow = &f.flow;
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
    r.plots.push(plots::write(
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
    r.files.push(FileInfo {
        name: "flow".into(),
        files: vec!["flow.json".into()],
        description: "The trained flow (coefficients k(t) on the time grid), reusable with `pirk sample --flow`.".into(),
    });
    r.flow = Some(FlowInfo {
        kernels: flow.kernels.clone(),
        steps: flow.steps,
        collocation_samples: setup.card.flow.samples,
        max_residual: flow.residuals.iter().copied().fold(0.0, f64::max),
        wegner_residual: slices,
        refinement: f.refinement.clone(),
        start: StartInfo {
            prior: match (&setup.from_action, &setup.card.prior) {
                (Some(_), _) => "action",
                (None, Some(_)) => "card",
                (None, None) => "uniform",
            },
            quadratic_part: setup.from_action,
            settings: setup.prior_card.clone(),
            switched_off: setup.basis.offset().is_some(),
        },
        pruning: flow.pruning.as_ref().map(|p| PruningInfo {
            tolerance: p.tolerance,
            relative: p.relative,
            kept: p
                .kept(&flow.kernels)
                .into_iter()
                .map(|j| flow.kernels[j].clone())
                .collect(),
            dropped: p.dropped.clone(),
            added_residual: p.added_residual,
            residual_increase: p.residual_increase,
        }),
    });
    Ok(())
}

/// PIK's results as the report's own, its files and the MH acceptance history.
fn pik<T: Theory>(
    setup: &Setup<T>,
    p: &PikRun,
    out: &OutDir,
    r: &mut Report,
) -> anyhow::Result<()> {
    let c = &p.corrected;
    r.timings.insert("sample_seconds".into(), p.seconds);
    if let Some(seconds) = p.stationarity_seconds {
        r.timings.insert("stationarity_seconds".into(), seconds);
    }
    r.sampler = Some(match setup.card.sample.correction {
        Correction::Mh => "pik-mh",
        Correction::Reweight => "pik-reweight",
    });
    r.ess = Some(c.ess());
    r.pareto_k = c.pareto_k;
    r.acceptance = c.acceptance();
    r.log_z = Some(c.log_z().into());
    r.rejected_non_finite = Some(p.rejected);
    r.rejected_weight = Some(p.rejected_weight);
    r.errors = Some(c.errors.clone());
    r.observables = c.observables.clone();
    r.sampling = Some(p.sampling.clone());
    r.files.push(ensemble_file(setup, "ensemble.npy"));
    r.files.push(FileInfo {
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
        r.plots.push(plots::write(
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
    Ok(())
}

/// PIK's cost: the MH chain (empty under reweighting) over tuning, training, the step study
/// and generation.
fn pik_cost(p: &PikRun, outcome: &Outcome) -> Cost {
    let n = p.corrected.chain.as_ref().map_or(0, |c| c.indices.len());
    let seconds = p.seconds
        + outcome
            .flow
            .as_ref()
            .and_then(|f| f.train_seconds)
            .unwrap_or(0.0)
        + outcome
            .steps
            .as_ref()
            .and_then(|s| s.seconds)
            .unwrap_or(0.0)
        + outcome
            .tuning
            .as_ref()
            .map_or(0.0, |(_, s)| s.iter().sum::<f64>());
    Cost::of(n, &p.corrected.observables, seconds)
}

/// HMC's record; its results are the report's own when it is the only sampler.
fn hmc<T: Theory>(setup: &Setup<T>, h: &Chain<HmcRun>, file: &str, primary: bool, r: &mut Report) {
    let run = &h.run;
    let card = &setup.card.hmc;
    r.timings.insert("hmc_seconds".into(), h.seconds);
    r.hmc = Some(HmcInfo {
        trajectories: card.trajectories,
        thermalise: card.thermalise,
        step: card.step,
        steps: card.steps,
        acceptance: run.report.acceptance,
        exp_minus_dh: run.report.exp_dh.into(),
    });
    if primary {
        r.sampler = Some("hmc");
        r.acceptance = Some(run.report.acceptance);
        r.observables = run.observables.clone();
    }
    r.files.push(ensemble_file(setup, file));
}

/// The PIK-vs-HMC table and cost per effective sample.
fn compare(p: &PikRun, pik: &Cost, h: &Chain<HmcRun>, r: &mut Report) {
    let hmc = Cost::of(h.run.primaries.m.len(), &h.run.observables, h.seconds);
    let t = &mut r.timings;
    t.insert(
        "pik_seconds_per_effective_sample".into(),
        pik.seconds_per_effective_sample,
    );
    t.insert(
        "hmc_seconds_per_effective_sample".into(),
        hmc.seconds_per_effective_sample,
    );
    t.insert("hmc_over_pik_cost_ratio".into(), hmc.over(pik));
    t.insert(
        "pik_seconds_per_independent_chi".into(),
        pik.seconds_per_independent_chi,
    );
    t.insert(
        "hmc_seconds_per_independent_chi".into(),
        hmc.seconds_per_independent_chi,
    );
    r.comparison = Some(Comparison {
        hmc_observables: h.run.observables.clone(),
        pulls: pulls(&p.corrected.observables, &h.run.observables),
        pik_tau_int: pik.tau_int,
        hmc_tau_int: hmc.tau_int,
        pik_effective_samples: pik.effective_samples,
        hmc_effective_samples: hmc.effective_samples,
    });
}

/// Wolff's record and cost; its results are the report's own when it is the only sampler.
fn wolff(w: &Chain<WolffRun>, plan: &WolffPlan, primary: bool, r: &mut Report) -> Cost {
    let run = &w.run;
    let cost = Cost::of(run.primaries.m.len(), &run.observables, w.seconds);
    let t = &mut r.timings;
    t.insert("wolff_seconds".into(), w.seconds);
    t.insert(
        "wolff_seconds_per_effective_sample".into(),
        cost.seconds_per_effective_sample,
    );
    t.insert(
        "wolff_seconds_per_independent_chi".into(),
        cost.seconds_per_independent_chi,
    );
    if primary {
        r.sampler = Some("wolff");
        r.acceptance = run.acceptance;
        r.observables = run.observables.clone();
    }
    let (width, sweeps) = match plan.chain {
        WolffChain::Hopping { width, sweeps, .. } => (Some(width), Some(sweeps)),
        WolffChain::Planar { .. } => (None, None),
    };
    r.wolff = Some(WolffInfo {
        updates: plan.updates,
        thermalise: plan.thermalise,
        width,
        sweeps,
        clusters: plan.clusters,
        acceptance: run.acceptance,
        cluster_fraction: run.cluster_fraction,
        pulls: BTreeMap::new(),
        observables: run.observables.clone(),
        tau_int: cost.tau_int,
        effective_samples: cost.effective_samples,
    });
    cost
}

/// The scan's points and their figure.
fn scan<T: Theory>(
    setup: &Setup<T>,
    results: &[ScanPoint],
    out: &OutDir,
    r: &mut Report,
) -> anyhow::Result<()> {
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
    if setup.card.sample.correction == Correction::Mh {
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
    r.plots.push(plots::write(
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
    r.scan = Some(results.to_vec());
    Ok(())
}

fn ensemble_file<T: Theory>(setup: &Setup<T>, file: &str) -> FileInfo {
    FileInfo {
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
    }
}

/// The share of the weight `w` in each whole-number charge `q`, in order of `q`.
fn sectors(q: &[f64], w: &[f64]) -> Vec<Sector> {
    let mut by_charge: BTreeMap<i64, f64> = BTreeMap::new();
    for (q, w) in q.iter().zip(w) {
        *by_charge.entry(q.round() as i64).or_default() += w;
    }
    let total: f64 = by_charge.values().sum();
    (by_charge.into_iter())
        .map(|(q, w)| Sector {
            q,
            fraction: w / total,
        })
        .collect()
}
