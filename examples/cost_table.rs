//! Cost per independent sample of χ for the classical baselines, HMC and Wolff cluster +
//! Metropolis, on hopping φ⁴ (λ = 0.022) at κ = 0.21 (symmetric), 0.2709 (near critical) and
//! 0.5 (broken), on 16² and 32²: wall time over `N/(2τ_int(M²))`, measured in one run.
//!
//! Both chains start from the mean-field minimum (0 in the symmetric phase) and drop 10 % for
//! thermalisation. HMC: Omelyan 2MN, 4 steps of 0.25. Wolff: one Metropolis sweep (half-width
//! 1.5) and one cluster per update. Tunnelling (sign changes of M) is counted because χ in the
//! broken phase needs it; τ_int(M²) is blind to it.
//!
//! `cargo run --release --example cost_table`

use std::time::Instant;

use pirk::{GammaMethod, Hmc, Hopping, Lattice, Metropolis, Wolff, magnetisation};
use pirk_theories::Phi4Hopping;

const LAMBDA: f64 = 0.022;
const KAPPAS: [f64; 3] = [0.21, 0.2709, 0.5];
/// Lattice extent and chain length.
const RUNS: [(usize, usize); 2] = [(16, 100_000), (32, 50_000)];

/// One chain's measurement.
struct Row {
    wall: f64,
    acceptance: f64,
    tau: f64,
    chi: f64,
    flips: usize,
    n: usize,
}

impl Row {
    fn new(wall: f64, acceptance: f64, m: &[f64], volume: usize) -> Self {
        let m = &m[m.len() / 10..];
        let m2: Vec<f64> = m.iter().map(|x| x * x).collect();
        let mean = |s: &[f64]| s.iter().sum::<f64>() / s.len() as f64;
        Self {
            wall,
            acceptance,
            tau: GammaMethod::new().analyse(&m2).tau_int.value,
            chi: volume as f64 * (mean(&m2) - mean(m).powi(2)),
            flips: m.windows(2).filter(|w| w[0] * w[1] < 0.0).count(),
            n: m.len(),
        }
    }

    fn print(&self, name: &str, l: usize, kappa: f64) {
        let independent = self.n as f64 / (2.0 * self.tau);
        println!(
            "| {l}² | {kappa} | {name} | {:.2} s | {:.3} | {:.2} | {:.4} | {} | {:.1} µs |",
            self.wall,
            self.acceptance,
            self.tau,
            self.chi,
            self.flips,
            1e6 * self.wall / independent
        );
    }
}

fn main() -> pirk::Result<()> {
    println!(
        "| lattice | κ | sampler | wall | acceptance | τ_int(M²) | χ = V(⟨M²⟩−⟨M⟩²) | sign flips of M | wall per independent sample |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for (l, n) in RUNS {
        let lat = Lattice::new(&[l, l]);
        let v = lat.volume();
        for kappa in KAPPAS {
            let well = ((4.0 * kappa - 1.0 + 2.0 * LAMBDA) / (2.0 * LAMBDA)).max(0.0);
            let start = vec![well.sqrt(); v];

            let (mut phi, mut m) = (start.clone(), Vec::with_capacity(n));
            let clock = Instant::now();
            let report = Hmc::new()
                .with_step(0.25)?
                .with_steps(4)?
                .with_trajectories(n)?
                .run(&Phi4Hopping, &lat, &[kappa, LAMBDA], &mut phi, |phi| {
                    m.push(magnetisation(phi))
                });
            Row::new(clock.elapsed().as_secs_f64(), report.acceptance, &m, v)
                .print("HMC", l, kappa);

            let (mut phi, mut m) = (start, Vec::with_capacity(n));
            let clock = Instant::now();
            let report = Wolff::new()
                .with_updates(n)?
                .with_metropolis(Metropolis::new().with_width(1.5)?)
                .run(
                    &Hopping {
                        kappa,
                        lambda: LAMBDA,
                    },
                    &lat,
                    &mut phi,
                    |phi| m.push(magnetisation(phi)),
                );
            Row::new(clock.elapsed().as_secs_f64(), report.acceptance, &m, v).print(
                &format!("Wolff (cluster {:.3} V)", report.cluster_fraction),
                l,
                kappa,
            );
        }
    }
    Ok(())
}
