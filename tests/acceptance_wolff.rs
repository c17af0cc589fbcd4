//! The Wolff-cluster baseline on the generated hopping φ⁴: its local action differences against
//! `Theory::action`, and its observables against HMC in the symmetric phase (κ = 0.21) and the
//! broken phase (κ = 0.5), where it must also tunnel between the wells.
//!
//! Errors come from the Γ-method; χ is a derived quantity, analysed through its linearised
//! series (Wolff, hep-lat/0306017, §3). Longer runs: `cargo test --release --test
//! acceptance_wolff -- --ignored`.

#[allow(dead_code)]
mod theories;

use pirk::{
    Estimate, GammaMethod, Hmc, Hopping, Lattice, Metropolis, Theory, Wolff, magnetisation,
    stream_rng,
};
use rand::RngExt;
use theories::hopping::Phi4Hopping;

const LAMBDA: f64 = 0.022;

#[test]
fn local_differences_match_the_generated_action() {
    // Extent 2 included: there x + μ and x − μ are the same site.
    for dims in [[4, 6], [2, 3]] {
        let lat = Lattice::new(&dims);
        let mut rng = stream_rng(3, 0);
        let mut phi: Vec<f64> = (0..lat.volume())
            .map(|_| 4.0 * rng.random::<f64>() - 2.0)
            .collect();
        for kappa in [0.21, 0.5] {
            let couplings = Hopping {
                kappa,
                lambda: LAMBDA,
            };
            let theta = [kappa, LAMBDA];
            for _ in 0..50 {
                let x = rng.random_range(0..lat.volume());
                let new = 6.0 * rng.random::<f64>() - 3.0;
                let local = couplings.local_difference(&lat, &phi, x, new);
                let before = Phi4Hopping.action(&lat, &theta, &phi);
                let old = std::mem::replace(&mut phi[x], new);
                let full = Phi4Hopping.action(&lat, &theta, &phi) - before;
                phi[x] = old;
                assert!(
                    (local - full).abs() < 1e-10 * (1.0 + full.abs()),
                    "{dims:?} κ {kappa} site {x}: local {local} vs action {full}"
                );
            }
        }
    }
}

/// The series after discarding the first 10 % for thermalisation.
fn thermalised(series: Vec<f64>) -> Vec<f64> {
    series[series.len() / 10..].to_vec()
}

/// `⟨|M|⟩` and `χ = V(⟨M²⟩ − ⟨a⟩²)` with `a = |M|` (broken phase, sign-blind) or `a = M`,
/// with Γ-method errors; χ's from its linearised series `V(M_i² − 2⟨a⟩ a_i)`.
fn observables(m: &[f64], volume: usize, abs: bool) -> [Estimate; 2] {
    let gamma = GammaMethod::new();
    let abs_m: Vec<f64> = m.iter().map(|x| x.abs()).collect();
    let a = if abs { &abs_m } else { m };
    let mean = |s: &[f64]| s.iter().sum::<f64>() / s.len() as f64;
    let (a_bar, m2_bar) = (mean(a), mean(&m.iter().map(|x| x * x).collect::<Vec<_>>()));
    let v = volume as f64;
    let linear: Vec<f64> = m
        .iter()
        .zip(a)
        .map(|(x, ai)| v * (x * x - 2.0 * a_bar * ai))
        .collect();
    let analysis = gamma.analyse(&linear);
    eprintln!("  τ_int(χ) {}", analysis.tau_int);
    [
        gamma.analyse(&abs_m).mean,
        Estimate {
            value: v * (m2_bar - a_bar * a_bar),
            error: analysis.mean.error,
        },
    ]
}

/// Wolff and HMC series of `M` on `l²` at κ from the uniform start `phi0`.
fn chains(l: usize, kappa: f64, phi0: f64, n: usize, hmc: Hmc) -> (Vec<f64>, Vec<f64>) {
    let lat = Lattice::new(&[l, l]);
    let mut phi = vec![phi0; lat.volume()];
    let mut wolff_m = Vec::with_capacity(n);
    let report = Wolff::new()
        .with_updates(n)
        .unwrap()
        .with_metropolis(Metropolis::new().with_width(1.5).unwrap())
        .with_seed(5)
        .run(
            &Hopping {
                kappa,
                lambda: LAMBDA,
            },
            &lat,
            &mut phi,
            |phi| wolff_m.push(magnetisation(phi)),
        );
    eprintln!(
        "{l}² κ {kappa}: Wolff Metropolis acceptance {:.3}, mean cluster {:.3} V",
        report.acceptance, report.cluster_fraction
    );
    let mut phi = vec![phi0; lat.volume()];
    let mut hmc_m = Vec::with_capacity(n);
    let report = hmc.with_trajectories(n).unwrap().with_seed(6).run(
        &Phi4Hopping,
        &lat,
        &[kappa, LAMBDA],
        &mut phi,
        |phi| hmc_m.push(magnetisation(phi)),
    );
    eprintln!("{l}² κ {kappa}: HMC acceptance {:.3}", report.acceptance);
    (thermalised(wolff_m), thermalised(hmc_m))
}

fn assert_agree(names: [&str; 2], wolff: [Estimate; 2], hmc: [Estimate; 2]) {
    for ((name, w), h) in names.iter().zip(wolff).zip(hmc) {
        let pull = w.pull(&h);
        eprintln!("  {name}: Wolff {w}, HMC {h}, pull {pull:.2}");
        assert!(pull.abs() < 3.0, "{name}: Wolff {w} vs HMC {h}");
    }
}

fn symmetric_phase(n: usize) {
    let l = 8;
    let hmc = Hmc::new().with_step(0.25).unwrap().with_steps(4).unwrap();
    let (wolff, hmc) = chains(l, 0.21, 0.0, n, hmc);
    assert_agree(
        ["<|M|>", "chi"],
        observables(&wolff, l * l, false),
        observables(&hmc, l * l, false),
    );
}

/// Starts both chains in the positive well. HMC cannot tunnel on this volume (the barrier is
/// hundreds of units of action), so only sign-blind observables are compared; Wolff must flip
/// the sign of `M` often. (Its clusters span the lattice, so `M` nearly alternates and `⟨M⟩`
/// is zero by construction: no test.)
fn broken_phase(n: usize) {
    let l = 8;
    let hmc = Hmc::new().with_step(0.1).unwrap().with_steps(10).unwrap();
    let (wolff, hmc) = chains(l, 0.5, 4.9, n, hmc);
    let flips = wolff.windows(2).filter(|w| w[0] * w[1] < 0.0).count();
    eprintln!(
        "  Wolff sign flips of M: {flips} in {} updates",
        wolff.len()
    );
    assert!(flips > wolff.len() / 10, "Wolff does not tunnel: {flips}");
    assert!(
        hmc.iter().all(|&m| m > 0.0),
        "HMC tunnelled: the premise of this test is wrong"
    );
    assert_agree(
        ["<|M|>", "chi_|M|"],
        observables(&wolff, l * l, true),
        observables(&hmc, l * l, true),
    );
}

#[test]
fn symmetric_phase_8x8_matches_hmc() {
    symmetric_phase(10_000);
}

#[test]
fn broken_phase_8x8_tunnels_and_matches_hmc() {
    broken_phase(10_000);
}

/// `cargo test --release --test acceptance_wolff -- --ignored`
#[test]
#[ignore]
fn symmetric_phase_8x8_long() {
    symmetric_phase(400_000);
}

/// `cargo test --release --test acceptance_wolff -- --ignored`
#[test]
#[ignore]
fn broken_phase_8x8_long() {
    broken_phase(400_000);
}
