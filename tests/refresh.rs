//! Training with HMC-refreshed collocation ensembles (`Trainer::with_refresh`).
//!
//! The statistical test is long: `cargo test --release --test refresh -- --ignored`.

use pirk::{
    Basis, Flow, FreeFieldPrior, GammaMethod, Generator, Hmc, Hopping, Lattice, Metropolis, Path,
    Trainer, Weights, Wolff, magnetisation,
};

#[allow(dead_code)]
mod theories;

use theories::hopping_critical::HoppingCritical;

const LAMBDA: f64 = 0.022;

/// Free-field prior at `κ₀` (mass 1 − 4κ₀), path `(κ₀, 0) → (κ, λ)`, every kernel + shells.
fn setup(l: usize, kappa0: f64, kappa: f64) -> (FreeFieldPrior, Basis<HoppingCritical>, Path) {
    let lat = Lattice::new(&[l, l]);
    let prior = FreeFieldPrior::new(&lat, kappa0, 1.0 - 4.0 * kappa0).unwrap();
    let basis = Basis::<HoppingCritical>::new(&lat).with_shells(true);
    let path = Path::linear(&[kappa0, 0.0], &[kappa, LAMBDA]).unwrap();
    (prior, basis, path)
}

fn trainer(samples: usize, steps: usize, refresh: usize) -> Trainer {
    let t = Trainer::new()
        .with_samples(samples)
        .unwrap()
        .with_steps(steps)
        .unwrap()
        .with_seed(3);
    if refresh == 0 {
        return t;
    }
    let hmc = Hmc::new()
        .with_step(0.25)
        .unwrap()
        .with_steps(4)
        .unwrap()
        .with_trajectories(refresh)
        .unwrap();
    t.with_refresh(hmc)
}

#[test]
fn refreshed_training_is_bit_identical_at_any_thread_count() {
    let (prior, basis, path) = setup(6, 0.24, 0.2709);
    let train = |threads: usize, refresh: usize| -> Flow {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            trainer(60, 3, refresh)
                .train(&HoppingCritical, &prior, &basis, &path)
                .unwrap()
                .0
        })
    };
    let bits = |f: &Flow| -> Vec<u64> { f.coeffs.concat().iter().map(|x| x.to_bits()).collect() };
    let (one, two) = (train(1, 1), train(2, 1));
    assert_eq!(bits(&one), bits(&two));
    assert_ne!(
        bits(&one),
        bits(&train(2, 0)),
        "the refresh changed nothing"
    );
}

/// ⟨M²⟩ at the target from the flow, reweighted (delta-method error).
fn flow_m2(refresh: usize) -> (f64, pirk::Estimate) {
    let (prior, basis, path) = setup(16, 0.24, 0.2709);
    let (flow, _) = trainer(2000, 40, refresh)
        .train(&HoppingCritical, &prior, &basis, &path)
        .unwrap();
    let samples = Generator::new()
        .with_steps(40)
        .unwrap()
        .with_seed(11)
        .generate(&HoppingCritical, &prior, &basis, &flow, 4000);
    let w = Weights::from_log(samples.log_weights());
    let m2: Vec<f64> = (0..samples.len())
        .map(|i| magnetisation(samples.config(i)).powi(2))
        .collect();
    (w.ess(), w.expectation(&m2))
}

/// 16², κ = 0.2709 (near critical), λ = 0.022. Without refresh the flow never grows the
/// collective mode: the reweighted ⟨M²⟩ is far below the Wolff value although the ESS looks
/// acceptable, because the flow puts no mass where the target's is. With 6 HMC trajectories per
/// collocation configuration and training step, the estimate agrees with Wolff.
///
/// Measured (release, 2026-11-28, 52 s): Wolff ⟨M²⟩ = 0.7930 ± 0.0095; without refresh
/// 0.0808 ± 0.0016 at ESS 0.540; with refresh 0.747 ± 0.019 (pull −2.2) at ESS 0.167.
#[test]
#[ignore = "long: ~1 min in release"]
fn refreshed_training_samples_the_critical_point_at_16x16() {
    let lat = Lattice::new(&[16, 16]);
    let mut phi = vec![0.0; lat.volume()];
    let mut m2 = Vec::new();
    Wolff::new()
        .with_updates(200_000)
        .unwrap()
        .with_metropolis(Metropolis::new().with_width(1.5).unwrap())
        .with_seed(5)
        .run(
            &Hopping {
                kappa: 0.2709,
                lambda: LAMBDA,
            },
            &lat,
            &mut phi,
            |c| m2.push(magnetisation(c).powi(2)),
        );
    let wolff = GammaMethod::new().analyse(&m2[20_000..]).mean;
    let (ess_plain, plain) = flow_m2(0);
    let (ess, refreshed) = flow_m2(6);
    eprintln!(
        "Wolff ⟨M²⟩ {wolff}; flow without refresh {plain} (ESS {ess_plain:.4}); with refresh {refreshed} (ESS {ess:.4})"
    );
    assert!(
        plain.pull(&wolff) < -5.0,
        "without refresh the flow was expected to miss the collective mode"
    );
    assert!(
        refreshed.pull(&wolff).abs() < 3.0,
        "refreshed flow {refreshed} vs Wolff {wolff}"
    );
    assert!(ess > 0.02, "ESS {ess}");
}
