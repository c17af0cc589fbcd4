//! The short human summary printed on stdout at the end of a job.

use std::fmt::Write;

use crate::measure::Measured;
use crate::report::Report;

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
    if let Some(f) = &r.flow {
        let _ = writeln!(
            s,
            "flow: {} kernels, max Wegner residual {:.3e}",
            f.kernels.len(),
            f.max_residual
        );
    }
    if let Some(ess) = r.ess {
        let _ = write!(s, "ESS {ess:.4}");
        if let (Some("pik-mh"), Some(a)) = (r.sampler, r.acceptance) {
            let _ = write!(s, ", MH acceptance {a:.4}");
        }
        if let Some(z) = &r.log_z {
            let _ = write!(s, ", log Z = {:.5} ± {:.5}", z.value, z.error);
        }
        let _ = writeln!(s, ", rejected {}", r.rejected_non_finite.unwrap_or(0));
    }
    if let Some(h) = &r.hmc {
        let _ = writeln!(
            s,
            "HMC: {} trajectories, acceptance {:.4}",
            h.trajectories, h.acceptance
        );
    }
    if let Some(c) = &r.comparison {
        let _ = writeln!(
            s,
            "\n{:<16} {:>26} {:>26} {:>7}",
            "observable", "PIK + MH", "HMC", "pull"
        );
        for (name, a) in &r.observables {
            if let Some(b) = c.hmc_observables.get(name) {
                let _ = writeln!(
                    s,
                    "{name:<16} {:>26} {:>26} {:>7.2}",
                    cell(a),
                    cell(b),
                    c.pulls.get(name).copied().unwrap_or(f64::NAN)
                );
            }
        }
        let _ = writeln!(
            s,
            "\nτ_int (max): PIK {:.2}, HMC {:.2}; effective samples: PIK {:.0}, HMC {:.0}",
            c.pik_tau_int, c.hmc_tau_int, c.pik_effective_samples, c.hmc_effective_samples
        );
        let t = &r.timings;
        if let (Some(p), Some(h), Some(ratio)) = (
            t.get("pik_seconds_per_effective_sample"),
            t.get("hmc_seconds_per_effective_sample"),
            t.get("hmc_over_pik_cost_ratio"),
        ) {
            let _ = writeln!(
                s,
                "wall time per effective sample: PIK {p:.3e} s, HMC {h:.3e} s, HMC/PIK = {ratio:.2}"
            );
        }
    } else if !r.observables.is_empty() {
        let _ = writeln!(s, "\n{:<16} {:>26} {:>8}", "observable", "value", "τ_int");
        for (name, m) in &r.observables {
            let tau = m.tau_int.map_or("-".into(), |t| format!("{t:.2}"));
            let _ = writeln!(s, "{name:<16} {:>26} {tau:>8}", cell(m));
        }
    }
    if let Some(points) = &r.scan {
        let _ = writeln!(s, "\n{:>6} {:>8} {:>8} {:>26}", "t", "ESS", "acc", "⟨|M|⟩");
        for p in points {
            let acc = p.acceptance.map_or("-".into(), |a| format!("{a:.3}"));
            let m = p.observables.get("abs_M").map_or("-".into(), cell);
            let _ = writeln!(s, "{:>6.3} {:>8.4} {acc:>8} {m:>26}", p.t, p.ess);
        }
    }
    s
}

fn cell(m: &Measured) -> String {
    format!("{:.6} ± {:.6}", m.mean, m.err)
}
