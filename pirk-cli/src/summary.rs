//! The short human summary printed on stdout at the end of a job.

use std::collections::BTreeMap;
use std::fmt::Write;

use pirk::{EdgeWeights, StepChoice};

use crate::measure::{Measured, Observables};
use crate::report::{Comparison, RelaxInfo, Report};
use crate::stages::RELAX_BELOW_ESS;
use crate::stationarity::{FLAG_Z, largest_z, round_clause, stationarity_shifts};
use crate::stepcheck::StepCheck;

/// The summary of `r` as text.
pub fn render(r: &Report) -> String {
    let mut s = String::new();
    let couplings: Vec<String> = r
        .couplings
        .iter()
        .map(|(k, v)| format!("{k} = {v}"))
        .collect();
    let _ = writeln!(
        s,
        "{} on {:?}, {} (seed {})",
        r.theory.name,
        r.lattice,
        couplings.join(", "),
        r.seed
    );
    if let Some(t) = &r.tuning {
        for (i, round) in t.rounds.iter().enumerate() {
            let _ = writeln!(
                s,
                "tuning round {i}: mass {:.4e}, zm_mass {:+.4e}, zm_quartic {:.4e}: pilot ESS {:.4}, log Z {:.4} ± {:.4}, MH acceptance {:.3}{}{}",
                round.prior.mass.unwrap_or(f64::NAN),
                round.prior.zm_mass.unwrap_or(0.0),
                round.prior.zm_quartic.unwrap_or(0.0),
                round.ess,
                round.log_z.value,
                round.log_z.error,
                round.acceptance,
                round_clause(round.stationarity.as_ref()),
                if i == t.chosen { " (chosen)" } else { "" }
            );
        }
        let _ = writeln!(s, "tuning stopped: {}", t.stop.explain());
    }
    if let Some(f) = &r.flow {
        let _ = writeln!(
            s,
            "flow: {} kernels, max Wegner residual {:.3e}",
            f.kernels.len(),
            f.max_residual
        );
        if let Some(q) = &f.start.quadratic_part {
            let _ = writeln!(
                s,
                "prior: from the action's quadratic part (kinetic {:.6}, mass {:.6}): a free field of mass {:.6}",
                q.kinetic,
                q.mass,
                f.start.settings.mass.unwrap_or(f64::NAN)
            );
        }
        if f.start.switched_off {
            let _ = writeln!(
                s,
                "prior: not the theory at the path's start; switched off along the path"
            );
        }
        if let Some(p) = &f.pruning {
            let _ = writeln!(
                s,
                "pruned (tolerance {:.1e}{}): kept {} kernels, dropped {} (residual up by at most {:.1e}); kept: {}",
                p.tolerance,
                p.relative.map_or(String::new(), |rho| format!(
                    ", {rho} of the fit's residual"
                )),
                p.kept.len(),
                p.dropped.len(),
                p.residual_increase,
                p.kept.join(" ")
            );
        }
    }
    if let Some(ess) = r.ess {
        let _ = write!(s, "ESS {ess:.4}");
        if let Some(k) = r.pareto_k {
            let _ = write!(s, ", Pareto k̂ {k:.2}");
        }
        if let (Some("pik-mh"), Some(a)) = (r.sampler, r.acceptance) {
            let _ = write!(s, ", MH acceptance {a:.4}");
        }
        if let Some(z) = &r.log_z {
            let _ = write!(s, ", log Z = {:.5} ± {:.5}", z.value, z.error);
        }
        let n = r.sampling.as_ref().map_or(0, |x| x.count);
        let count = r.rejected_non_finite.unwrap_or(0);
        let weight = r.rejected_weight.unwrap_or(0.0);
        let _ = writeln!(s, ", rejected {}", rejected(count, n, weight));
    }
    if let Some(e) = &r.errors {
        let _ = writeln!(s, "error bars: {}", e.reason);
    }
    if let Some(x) = r.sampling.as_ref() {
        let chosen = x.step_choice.as_ref().map_or(String::new(), chosen);
        let _ = writeln!(s, "steps: {chosen}{}", steps(&x.step_check));
        if let Some(line) = relaxation(&x.relax, x.steps) {
            let _ = writeln!(s, "{line}");
        }
        if let Some(e) = &x.edge_weights {
            let _ = writeln!(s, "{}", edges(e));
        }
        if let Some(c) = &x.stationarity {
            let verdict = if c.flagged {
                format!("flagged (a shift above {FLAG_Z}σ)")
            } else {
                "not flagged".into()
            };
            let _ = writeln!(s, "stationarity: {}; {verdict}", stationarity_shifts(c));
        }
    }
    if let Some(h) = &r.hmc {
        let _ = writeln!(
            s,
            "HMC: {} trajectories, acceptance {:.4}",
            h.trajectories, h.acceptance
        );
    }
    if let Some(w) = &r.wolff {
        let sweeps = w.acceptance.map_or(" of O(2) clusters".into(), |a| {
            format!(", Metropolis acceptance {a:.4}")
        });
        let _ = writeln!(
            s,
            "Wolff: {} updates{sweeps}, mean cluster {:.4} V",
            w.updates, w.cluster_fraction
        );
    }
    if let Some(c) = &r.comparison {
        let columns = columns(r, c);
        observables_table(&mut s, &columns);
        let named: Vec<_> = columns.iter().map(|c| (c.name, c.observables)).collect();
        reasons(&mut s, &named);
        cost_table(&mut s, &columns, &r.timings);
    } else if !r.observables.is_empty() {
        let _ = writeln!(s, "\n{:<16} {:>26} {:>8}", "observable", "value", "τ_int");
        for (name, m) in &r.observables {
            let tau = m.tau_int.map_or("-".into(), |t| format!("{t:.2}"));
            let _ = writeln!(s, "{name:<16} {:>26} {tau:>8}", cell(m));
        }
        reasons(&mut s, &[("", &r.observables)]);
    }
    if let Some(points) = &r.scan {
        let n = r.sampling.as_ref().map_or(0, |x| x.count);
        let _ = writeln!(
            s,
            "\n{:>6} {:>8} {:>8} {:>26} {:>30} {:>10} {:>15} {:>9}",
            "t", "ESS", "acc", "⟨|M|⟩", "rejected", "Δlog w", "edges of |M|", "HMC z"
        );
        for p in points {
            let acc = p.acceptance.map_or("-".into(), |a| format!("{a:.3}"));
            let m = p.observables.get("abs_M").map_or("-".into(), cell);
            let rej = rejected(p.rejected_non_finite, n, p.rejected_weight);
            let c = &p.step_check;
            let flag = if c.converged { "" } else { " (!)" };
            let dw = format!("{:.1e}{flag}", c.rms_log_w_change);
            let edge = p.edge_weights.as_ref().map_or("-".into(), |e| {
                let flag = if e.flagged().is_empty() { "" } else { " (!)" };
                format!("{:.2}/{:.2}{flag}", e.low, e.high)
            });
            let hmc = p.stationarity.as_ref().map_or("-".into(), largest_z);
            let _ = writeln!(
                s,
                "{:>6.3} {:>8.4} {acc:>8} {m:>26} {rej:>30} {dw:>10} {edge:>15} {hmc:>9}",
                p.t, p.ess
            );
        }
    }
    s
}

/// One sampler of `compare`: its observables, pulls against HMC (the reference) and cost.
struct Column<'a> {
    name: &'static str,
    observables: &'a Observables,
    pulls: Option<&'a BTreeMap<String, f64>>,
    tau_int: f64,
    effective_samples: f64,
    /// Its seconds per effective sample in `timings`.
    cost_key: &'static str,
    /// Its seconds per independent sample of χ in `timings`.
    chi_key: &'static str,
}

/// PIK + MH, HMC and, where it ran, Wolff.
fn columns<'a>(r: &'a Report, c: &'a Comparison) -> Vec<Column<'a>> {
    let mut columns = vec![
        Column {
            name: "PIK + MH",
            observables: &r.observables,
            pulls: Some(&c.pulls),
            tau_int: c.pik_tau_int,
            effective_samples: c.pik_effective_samples,
            cost_key: "pik_seconds_per_effective_sample",
            chi_key: "pik_seconds_per_independent_chi",
        },
        Column {
            name: "HMC",
            observables: &c.hmc_observables,
            pulls: None,
            tau_int: c.hmc_tau_int,
            effective_samples: c.hmc_effective_samples,
            cost_key: "hmc_seconds_per_effective_sample",
            chi_key: "hmc_seconds_per_independent_chi",
        },
    ];
    if let Some(w) = &r.wolff {
        columns.push(Column {
            name: "Wolff",
            observables: &w.observables,
            pulls: Some(&w.pulls),
            tau_int: w.tau_int,
            effective_samples: w.effective_samples,
            cost_key: "wolff_seconds_per_effective_sample",
            chi_key: "wolff_seconds_per_independent_chi",
        });
    }
    columns
}

/// Observables side by side, then each sampler's pull against HMC.
fn observables_table(s: &mut String, columns: &[Column]) {
    let pulled: Vec<&Column> = columns.iter().filter(|c| c.pulls.is_some()).collect();
    let _ = write!(s, "\n{:<16}", "observable");
    for c in columns {
        let _ = write!(s, " {:>26}", c.name);
    }
    for c in &pulled {
        let _ = write!(s, " {:>15}", format!("pull {}", c.name));
    }
    let _ = writeln!(s);
    for name in columns[0].observables.keys() {
        let _ = write!(s, "{name:<16}");
        for c in columns {
            let _ = write!(
                s,
                " {:>26}",
                c.observables.get(name).map_or("-".into(), cell)
            );
        }
        for c in &pulled {
            let pull = c.pulls.and_then(|p| p.get(name)).copied();
            let _ = write!(s, " {:>15}", pull.map_or("-".into(), |p| format!("{p:.2}")));
        }
        let _ = writeln!(s);
    }
    let _ = writeln!(s, "pull: (sampler − HMC)/σ combined");
}

/// Autocorrelation, effective samples and wall time per effective sample, relative to PIK.
fn cost_table(s: &mut String, columns: &[Column], timings: &BTreeMap<String, f64>) {
    let _ = writeln!(
        s,
        "\n{:<16} {:>12} {:>19} {:>24} {:>12} {:>22}",
        "sampler",
        "τ_int (max)",
        "effective samples",
        "s per effective sample",
        "cost / PIK",
        "s per independent χ"
    );
    let pik = timings.get(columns[0].cost_key).copied();
    for c in columns {
        let cost = timings.get(c.cost_key).copied();
        let ratio = cost.zip(pik).map(|(c, p)| c / p);
        let _ = writeln!(
            s,
            "{:<16} {:>12.2} {:>19.0} {:>24} {:>12} {:>22}",
            c.name,
            c.tau_int,
            c.effective_samples,
            cost.map_or("-".into(), |t| format!("{t:.3e}")),
            ratio.map_or("-".into(), |x| format!("{x:.2}")),
            timings
                .get(c.chi_key)
                .map_or("-".into(), |t| format!("{t:.3e}"))
        );
    }
}

/// How the generation steps were chosen, in words.
fn chosen(c: &StepChoice) -> String {
    let tried: Vec<String> = c.trials.iter().map(|t| t.steps.to_string()).collect();
    format!(
        "chosen from {} at RMS tolerance {:.1e}{}; ",
        tried.join(", "),
        c.tolerance,
        if c.converged {
            ""
        } else {
            " (no count converged: the finest)"
        }
    )
}

/// The relaxation along the path in words, and why (nothing where the card turned it off).
fn relaxation(r: &RelaxInfo, steps: usize) -> Option<String> {
    let why = r.pilot_ess.map(|ess| {
        let side = if r.trajectories > 0 { "<" } else { "≥" };
        format!(" (the flow alone's pilot ESS {ess:.3} {side} {RELAX_BELOW_ESS})")
    });
    match (r.trajectories, why) {
        (0, None) => None,
        (0, Some(why)) => Some(format!("relaxation: none{why}")),
        (n, why) => Some(format!(
            "relaxation: {n} HMC {} of {} × {} per configuration at each of the {} {}grid times before the last{}; weights exact (annealed importance sampling)",
            if n == 1 { "trajectory" } else { "trajectories" },
            r.step,
            r.steps,
            steps - 1,
            if r.schedule.is_even() {
                ""
            } else {
                "balanced "
            },
            why.unwrap_or_default()
        )),
    }
}

/// The step check in words.
fn steps(c: &StepCheck) -> String {
    format!(
        "{} RK4 steps; at twice as many the log-weights change by {:.1e} (RMS, {} configurations), {} the tolerance 1/√(ESS·n) = {:.1e}{}",
        c.steps,
        c.rms_log_w_change,
        c.pilot,
        if c.converged { "within" } else { "above" },
        c.tolerance,
        if c.converged {
            ""
        } else {
            ": raise [sample] steps"
        }
    )
}

/// The edge weights in words: each edge's share of the weight over its share of the
/// configurations, and whether it is flagged.
fn edges(e: &EdgeWeights) -> String {
    let flagged: Vec<&str> = e.flagged().iter().map(|f| f.0).collect();
    format!(
        "edges of |M|: the {} configurations with the smallest |M| carry {:.2}× their share of the weight (z {:.1}), the largest {:.2}× (z {:.1}); {}",
        e.count,
        e.low,
        e.z_low,
        e.high,
        e.z_high,
        if flagged.is_empty() {
            "not flagged (1 where the flow reaches as far as the target)".to_string()
        } else {
            format!(
                "flagged at the {} end: the flow does not reach all of the target's mass there, and tail-sensitive estimates can be biased",
                flagged.join(" and ")
            )
        }
    )
}

/// `count (percent %, weight %)`: rejected configurations of `n`, and the share of the weight
/// they carried before they were stopped.
fn rejected(count: usize, n: usize, weight: f64) -> String {
    if count == 0 || n == 0 {
        return count.to_string();
    }
    let share = 100.0 * count as f64 / n as f64;
    format!("{count} ({share:.2} %, weight {:.2} %)", 100.0 * weight)
}

/// `mean ± err`, with "undetermined" for a part that is not a number (the reason follows the
/// table, from [`reasons`]).
fn cell(m: &Measured) -> String {
    match (m.mean.is_finite(), m.err.is_finite()) {
        (true, true) => format!("{:.6} ± {:.6}", m.mean, m.err),
        (true, false) => format!("{:.6} ± undetermined", m.mean),
        _ => "undetermined".into(),
    }
}

/// One line per undetermined observable of `columns` (sampler name, observables): why.
fn reasons(s: &mut String, columns: &[(&str, &Observables)]) {
    for (sampler, observables) in columns {
        for (name, m) in observables.iter() {
            if m.mean.is_finite() && m.err.is_finite() {
                continue;
            }
            let why = m.undetermined.unwrap_or("not a number (too few samples?)");
            let by = if sampler.is_empty() {
                String::new()
            } else {
                format!(" ({sampler})")
            };
            let _ = writeln!(s, "{name}{by} undetermined: {why}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pirk::Schedule;

    fn measured(mean: f64, err: f64, undetermined: Option<&'static str>) -> Measured {
        Measured {
            mean,
            err,
            tau_int: None,
            undetermined,
        }
    }

    /// A value that is not a number reads "undetermined" with its reason, never `NaN ± NaN`.
    #[test]
    fn undetermined_values_say_why() {
        let mut obs = Observables::new();
        obs.insert("chi".into(), measured(2.5, 0.1, None));
        obs.insert(
            "xi_2nd".into(),
            measured(f64::NAN, f64::NAN, Some("χ < G̃(p₁)")),
        );
        obs.insert("M".into(), measured(0.5, f64::NAN, None));
        assert_eq!(cell(&obs["chi"]), "2.500000 ± 0.100000");
        assert_eq!(cell(&obs["xi_2nd"]), "undetermined");
        assert_eq!(cell(&obs["M"]), "0.500000 ± undetermined");
        let mut s = String::new();
        reasons(&mut s, &[("HMC", &obs)]);
        assert_eq!(
            s,
            "M (HMC) undetermined: not a number (too few samples?)\n\
             xi_2nd (HMC) undetermined: χ < G̃(p₁)\n"
        );
        assert!(!s.contains("NaN"));
    }

    /// The relaxation line says how many trajectories and why, and nothing where the card
    /// turned relaxation off.
    #[test]
    fn relaxation_says_why() {
        let relax = |trajectories, pilot_ess| RelaxInfo {
            trajectories,
            step: 0.2,
            steps: 5,
            pilot_ess,
            schedule: Schedule::even(),
        };
        assert_eq!(relaxation(&relax(0, None), 20), None);
        assert_eq!(
            relaxation(&relax(0, Some(0.8)), 20).unwrap(),
            "relaxation: none (the flow alone's pilot ESS 0.800 ≥ 0.5)"
        );
        assert_eq!(
            relaxation(&relax(1, Some(0.02)), 20).unwrap(),
            "relaxation: 1 HMC trajectory of 0.2 × 5 per configuration at each of the 19 grid \
             times before the last (the flow alone's pilot ESS 0.020 < 0.5); weights exact \
             (annealed importance sampling)"
        );
        let set = relaxation(&relax(2, None), 20).unwrap();
        assert!(
            set.starts_with("relaxation: 2 HMC trajectories of"),
            "{set}"
        );
        assert!(!set.contains("pilot"), "{set}");
        let knotted = Schedule::balanced(&pirk::Samples {
            volume: 0,
            phi: Vec::new(),
            log_q: vec![0.0; 2],
            times: vec![0.0, 0.5, 1.0],
            log_w_t: vec![vec![0.0, 0.0], vec![0.0, 0.0], vec![1.0, -1.0]],
            observables: 0,
            obs_t: Vec::new(),
            rejected: 0,
            evaluations: 0,
        })
        .unwrap();
        let balanced = RelaxInfo {
            schedule: knotted,
            ..relax(1, None)
        };
        let line = relaxation(&balanced, 20).unwrap();
        assert!(line.contains("the 19 balanced grid times"), "{line}");
    }

    /// The summary names a flagged edge and says an unflagged one is not.
    #[test]
    fn edges_say_whether_they_are_flagged() {
        let mut e = EdgeWeights {
            count: 40,
            low: 1.02,
            high: 4.08,
            z_low: 0.1,
            z_high: 3.5,
        };
        let text = edges(&e);
        assert!(text.contains("4.08×"), "{text}");
        assert!(text.contains("flagged at the largest end"), "{text}");
        e.high = 1.9;
        assert!(edges(&e).contains("not flagged"), "{}", edges(&e));
    }
}
