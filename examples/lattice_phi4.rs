//! Hopping-form φ⁴ on 16² in the symmetric phase (κ = 0.21, λ = 0.022; docs/theory.md §5): a
//! PIK flow from the free field with the target's kinetic term, bounded local kernels tanh(aφ_x)
//! and the momentum shells (docs/theory.md §4), against HMC on the same machine in the same run.
//!
//! Prints ⟨|M|⟩, χ, the Binder cumulant U and the action density with errors, ESS, acceptances,
//! wall times, and the cost per independent sample of χ (wall time over the effective number of
//! samples: `N/(2τ_int(M²))` for the HMC chain, `ESS·N` or `N/(2τ_int(M²))` of the MH chain for
//! PIK, with and without training). The last line is one JSON object for scripts.
//!
//! `cargo run --release --example lattice_phi4`

use std::time::Instant;

use pirk::{
    Basis, Estimate, FreeFieldPrior, GammaMethod, Generator, Hmc, Jackknife, Lattice, Path,
    Trainer, Weights, action_density, binder, check_prior, independence_mh, magnetisation,
    susceptibility,
};

pirk::theory! {
    /// Lattice φ⁴ in hopping form: S = Σ_x [−2κ Σ_μ φ_x φ_{x+μ} + (1 − 2λ) φ_x² + λ φ_x⁴].
    pub Hopping {
        params: [kappa, lambda],
        action: -2 * kappa * sum_mu(phi[x] * phi[x + mu]) + (1 - 2 * lambda) * phi[x]^2 + lambda * phi[x]^4,
        kernels: {
            th_half: tanh(phi[x] / 2),
            th1: tanh(phi[x]),
            th2: tanh(2 * phi[x]),
        },
    }
}

const L: usize = 16;
const KAPPA: f64 = 0.21;
const LAMBDA: f64 = 0.022;
const COLLOCATION: usize = 4000;
const STEPS: usize = 50;
const SAMPLES: usize = 20_000;
/// HMC: Omelyan, trajectory length 1 (4 steps of 0.25), 10% thermalisation discarded.
const TRAJECTORIES: usize = 50_000;

/// `[⟨|M|⟩, χ, U, S/V]` from per-sample `M` and `S/V`, weighted or along a chain.
fn observables(
    m: &[f64],
    s: &[f64],
    volume: usize,
    weights: Option<&[f64]>,
    jk: &Jackknife,
) -> [Estimate; 4] {
    let abs_m: Vec<f64> = m.iter().map(|x| x.abs()).collect();
    [
        jk.estimate(&[&abs_m], weights, |a| a[0]),
        susceptibility(m, volume, weights, jk),
        binder(m, weights, jk),
        jk.estimate(&[s], weights, |a| a[0]),
    ]
}

fn main() -> pirk::Result<()> {
    let lat = Lattice::new(&[L, L]);
    let v = lat.volume();
    let (theta0, theta1) = ([KAPPA, 0.0], [KAPPA, LAMBDA]);
    let prior = FreeFieldPrior::new(&lat, KAPPA, 1.0 - 4.0 * KAPPA)?;
    check_prior(&Hopping, &lat, &theta0, &prior, 0)?;
    let basis = Basis::<Hopping>::new(&lat).with_shells(true);
    let path = Path::linear(&theta0, &theta1)?;

    let clock = Instant::now();
    let (flow, report) = Trainer::new()
        .with_samples(COLLOCATION)?
        .with_steps(STEPS)?
        .train(&Hopping, &prior, &basis, &path)?;
    let train_s = clock.elapsed().as_secs_f64();
    let clock = Instant::now();
    let samples = Generator::new()
        .with_steps(STEPS)?
        .with_seed(1)
        .generate(&Hopping, &prior, &basis, &flow, SAMPLES);
    let generate_s = clock.elapsed().as_secs_f64();
    let w = Weights::from_log(samples.log_weights());
    let chain = independence_mh(samples.log_weights(), 2);
    let m: Vec<f64> = (0..samples.len())
        .map(|i| magnetisation(samples.config(i)))
        .collect();
    let s: Vec<f64> = (0..samples.len())
        .map(|i| action_density(&Hopping, &lat, &theta1, samples.config(i)))
        .collect();
    let jk = Jackknife::new().with_blocks(50)?;
    let pik = observables(&m, &s, v, Some(w.relative()), &jk);
    let gamma = GammaMethod::new();
    let m2 = |series: &[f64]| series.iter().map(|x| x * x).collect::<Vec<f64>>();
    let tau_mh = gamma.analyse(&m2(&chain.series(&m))).tau_int.value;

    let clock = Instant::now();
    let mut phi = samples.config(0).to_vec();
    let (mut hm, mut hs) = (Vec::new(), Vec::new());
    let hmc_report = Hmc::new()
        .with_step(0.25)?
        .with_steps(4)?
        .with_trajectories(TRAJECTORIES)?
        .with_seed(3)
        .run(&Hopping, &lat, &theta1, &mut phi, |p| {
            hm.push(magnetisation(p));
            hs.push(action_density(&Hopping, &lat, &theta1, p));
        });
    let hmc_s = clock.elapsed().as_secs_f64();
    let skip = TRAJECTORIES / 10;
    let (hm, hs) = (&hm[skip..], &hs[skip..]);
    let hmc = observables(hm, hs, v, None, &jk);
    let tau_hmc = gamma.analyse(&m2(hm)).tau_int.value;

    let n = SAMPLES as f64;
    let pik_eff_ess = w.ess() * n;
    let pik_eff_mh = n / (2.0 * tau_mh);
    let hmc_eff = hm.len() as f64 / (2.0 * tau_hmc);
    let cost = [
        (
            "PIK, ESS·N, with training",
            (train_s + generate_s) / pik_eff_ess,
        ),
        ("PIK, ESS·N, generation only", generate_s / pik_eff_ess),
        (
            "PIK+MH, N/2τ, with training",
            (train_s + generate_s) / pik_eff_mh,
        ),
        ("PIK+MH, N/2τ, generation only", generate_s / pik_eff_mh),
        ("HMC, N/2τ", hmc_s / hmc_eff),
    ];

    println!(
        "{L}x{L} hopping phi^4, kappa {KAPPA}, lambda {LAMBDA}; {} kernels",
        basis.len()
    );
    println!(
        "PIK: training {COLLOCATION} x {STEPS} steps {train_s:.2} s (max residual {:.2e}), generation {SAMPLES} samples {generate_s:.2} s, rejected {}",
        report.max_residual(),
        samples.rejected
    );
    println!(
        "PIK: ESS {:.4}, MH acceptance {:.4}, tau_int(M^2) of the MH chain {tau_mh:.3}",
        w.ess(),
        chain.acceptance
    );
    println!(
        "HMC: {TRAJECTORIES} trajectories (eps 0.25 x 4, Omelyan) {hmc_s:.2} s, acceptance {:.4}, tau_int(M^2) {tau_hmc:.3}",
        hmc_report.acceptance
    );
    println!(
        "{:<16} {:>26} {:>26} {:>7}",
        "observable", "PIK (reweighted)", "HMC", "pull"
    );
    let names = ["<|M|>", "chi", "U", "S/V"];
    for (name, (a, b)) in names.iter().zip(pik.iter().zip(&hmc)) {
        println!(
            "{name:<16} {:>26} {:>26} {:>7.2}",
            format!("{:.6} ± {:.6}", a.value, a.error),
            format!("{:.6} ± {:.6}", b.value, b.error),
            a.pull(b)
        );
    }
    println!("cost per independent sample of chi (wall seconds):");
    for (name, c) in &cost {
        println!("  {name:<32} {c:.3e}");
    }

    let obj = |e: &Estimate| serde_json::json!({ "mean": e.value, "err": e.error });
    let block = |o: &[Estimate; 4]| {
        serde_json::json!({
            "abs_m": obj(&o[0]),
            "chi": obj(&o[1]),
            "binder": obj(&o[2]),
            "action_density": obj(&o[3]),
        })
    };
    println!(
        "{}",
        serde_json::json!({
            "ess": w.ess(),
            "acceptance": chain.acceptance,
            "pik": block(&pik),
            "hmc": block(&hmc),
            "hmc_acceptance": hmc_report.acceptance,
            "tau_int_m2": { "pik_mh": tau_mh, "hmc": tau_hmc },
            "wall_s": { "train": train_s, "generate": generate_s, "hmc": hmc_s },
            "cost_per_sample_s": {
                "pik_ess_with_training": cost[0].1,
                "pik_ess_generation": cost[1].1,
                "pik_mh_with_training": cost[2].1,
                "pik_mh_generation": cost[3].1,
                "hmc": cost[4].1,
            },
        })
    );
    Ok(())
}
