//! The seed case of the PIK paper: zero-dimensional φ⁴, `Ŝ_t = ½ m²(t) φ² + λ(t)/4 φ⁴` with
//! m² 1 → −2 and λ 0 → ½ along a straight line, flowed from the unit normal (the theory at
//! t = 0) with bounded kernels {φ, tanh(aφ), a ∈ {½, 1, 2}} (docs/theory.md §4), corrected
//! exactly by importance weights and an independence Metropolis–Hastings chain.
//!
//! Prints ESS, MH acceptance, ⟨φ²⟩ and ⟨φ⁴⟩ with errors next to quadrature values; the last
//! line is one JSON object for scripts.
//!
//! `cargo run --release --example zero_dim_phi4`
//!
//! Reference: F. Ihssen, R. Kapust, J. M. Pawlowski, arXiv:2510.26678.

use std::time::Instant;

use pirk::{
    Basis, Estimate, GammaMethod, Generator, Lattice, NormalPrior, Path, Trainer, Weights,
    check_prior, independence_mh, quadrature,
};

pirk::theory! {
    /// Zero-dimensional φ⁴: Ŝ = ½ m² φ² + λ/4 φ⁴.
    pub SeedPhi4 {
        params: [m2, lambda],
        action: 0.5 * m2 * phi[x]^2 + lambda / 4 * phi[x]^4,
        kernels: {
            id: phi[x],
            th_half: tanh(phi[x] / 2),
            th1: tanh(phi[x]),
            th2: tanh(2 * phi[x]),
        },
    }
}

/// Collocation samples, RK4 steps and generated samples (the sizes of docs/theory.md §4).
const COLLOCATION: usize = 4000;
const STEPS: usize = 100;
const SAMPLES: usize = 20_000;

fn main() -> pirk::Result<()> {
    let (start, end) = ([1.0, 0.0], [-2.0, 0.5]);
    let lat = Lattice::new(&[]);
    let prior = NormalPrior::new(1);
    check_prior(&SeedPhi4, &lat, &start, &prior, 0)?;
    let basis = Basis::<SeedPhi4>::new(&lat);
    let path = Path::linear(&start, &end)?;

    let clock = Instant::now();
    let (flow, report) = Trainer::new()
        .with_samples(COLLOCATION)?
        .with_steps(STEPS)?
        .train(&SeedPhi4, &prior, &basis, &path)?;
    let train_s = clock.elapsed().as_secs_f64();
    let clock = Instant::now();
    let samples = Generator::new()
        .with_steps(STEPS)?
        .with_seed(1)
        .generate(&SeedPhi4, &prior, &basis, &flow, SAMPLES);
    let generate_s = clock.elapsed().as_secs_f64();

    let w = Weights::from_log(samples.log_weights());
    let chain = independence_mh(samples.log_weights(), 2);
    let phi2: Vec<f64> = samples.phi.iter().map(|x| x * x).collect();
    let phi4: Vec<f64> = phi2.iter().map(|x| x * x).collect();
    let gamma = GammaMethod::new();
    let mh2 = gamma.analyse(&chain.series(&phi2));
    let mh4 = gamma.analyse(&chain.series(&phi4));
    let (exact, log_z) = quadrature(&SeedPhi4, &end, 12.0, &[2, 4]);

    println!(
        "0-d phi^4, m2 1 -> -2, lambda 0 -> 1/2; kernels {:?}",
        basis.names()
    );
    println!(
        "training {COLLOCATION} collocation samples, {STEPS} RK4 steps: {train_s:.2} s, max residual {:.2e}",
        report.max_residual()
    );
    println!(
        "generation {SAMPLES} samples: {generate_s:.2} s, rejected {}",
        samples.rejected
    );
    println!(
        "ESS {:.5}   MH acceptance {:.4}   tau_int(phi^2) {:.3}",
        w.ess(),
        chain.acceptance,
        mh2.tau_int.value
    );
    println!(
        "{:<10} {:>24} {:>24} {:>12}",
        "", "MH chain (Gamma-method)", "reweighted", "quadrature"
    );
    let row = |name: &str, mh: Estimate, rw: Estimate, exact: f64| {
        println!("{name:<10} {:>24} {:>24} {exact:>12.6}", fmt(mh), fmt(rw));
    };
    row("<phi^2>", mh2.mean, w.expectation(&phi2), exact[0]);
    row("<phi^4>", mh4.mean, w.expectation(&phi4), exact[1]);
    println!(
        "{:<10} {:>24} {:>24} {log_z:>12.6}",
        "log Z",
        "",
        fmt(w.log_z())
    );

    let obj = |e: Estimate| serde_json::json!({ "mean": e.value, "err": e.error });
    println!(
        "{}",
        serde_json::json!({
            "ess": w.ess(),
            "acceptance": chain.acceptance,
            "phi2": obj(mh2.mean),
            "phi4": obj(mh4.mean),
            "phi2_exact": exact[0],
            "phi4_exact": exact[1],
            "log_z": obj(w.log_z()),
            "log_z_exact": log_z,
        })
    );
    Ok(())
}

/// `value ± error` with five decimals.
fn fmt(e: Estimate) -> String {
    format!("{:.5} ± {:.5}", e.value, e.error)
}
