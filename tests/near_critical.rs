//! Training near the critical point: HMC- or Wolff-refreshed collocation ensembles
//! (`Trainer::with_refresh`), smeared kernels (`Basis::with_smeared`) with a prior close to
//! the massless free field, and the zero-mode prior (`ZeroModePrior`), whose magnetisation
//! already has the critical point's two peaks.
//!
//! The statistical tests against Wolff are long:
//! `cargo test --release --test near_critical -- --ignored`.

use pirk::{
    Basis, Flow, FreeFieldPrior, Generator, Hmc, Hopping, Lattice, Metropolis, Path, Prior,
    Refresh, Theory, Trainer, Weights, Wolff, ZeroModePrior, magnetisation,
};

mod reference;

#[allow(dead_code)]
mod theories;

use pirk_theories::Phi4HoppingWells;
use theories::{CRITICAL_CARD_KERNELS, hopping_critical::HoppingCritical};

const LAMBDA: f64 = 0.022;

/// Smeared-kernel radii and slopes of `examples/cards/cost/hopping-32-critical.toml` (no radius 8 on
/// the smaller lattices here).
const RADII: [f64; 3] = [1.0, 2.0, 4.0];
const SLOPES: [f64; 3] = [0.5, 1.0, 2.0];

/// Free-field prior at `κ₀` (mass 1 − 4κ₀), path `(κ₀, 0) → (κ, λ)`, every kernel + shells,
/// plus the smeared kernels if `smeared`.
fn setup(
    l: usize,
    kappa0: f64,
    kappa: f64,
    smeared: bool,
) -> (FreeFieldPrior, Basis<HoppingCritical>, Path) {
    let lat = Lattice::new(&[l, l]);
    let prior = FreeFieldPrior::new(&lat, kappa0, 1.0 - 4.0 * kappa0).unwrap();
    let radii: &[f64] = if smeared { &RADII } else { &[] };
    let basis = Basis::<HoppingCritical>::new(&lat)
        .with_shells(true)
        .with_smeared(radii, &SLOPES);
    let path = Path::linear(&[kappa0, 0.0], &[kappa, LAMBDA]).unwrap();
    (prior, basis, path)
}

fn trainer(samples: usize, steps: usize, refresh: Option<Refresh>) -> Trainer {
    let t = Trainer::new()
        .with_samples(samples)
        .unwrap()
        .with_steps(steps)
        .unwrap()
        .with_seed(3);
    match refresh {
        Some(r) => t.with_refresh(r),
        None => t,
    }
}

/// `trajectories` HMC trajectories (Omelyan, 4 steps of 0.25) per refresh.
fn hmc(trajectories: usize) -> Option<Refresh> {
    let hmc = Hmc::new()
        .with_step(0.25)
        .unwrap()
        .with_steps(4)
        .unwrap()
        .with_trajectories(trajectories)
        .unwrap();
    Some(Refresh::Hmc(hmc))
}

/// `updates` Wolff updates (Metropolis width 1.5) per refresh; θ = (κ, λ).
fn wolff(updates: usize) -> Option<Refresh> {
    let wolff = Wolff::new()
        .with_updates(updates)
        .unwrap()
        .with_metropolis(Metropolis::new().with_width(1.5).unwrap());
    Some(Refresh::Wolff {
        wolff,
        kappa: 0,
        lambda: 1,
    })
}

#[test]
fn refreshed_training_is_bit_identical_at_any_thread_count() {
    let (prior, basis, path) = setup(6, 0.24, 0.2709, false);
    let train = |threads: usize, refresh: Option<Refresh>| -> Flow {
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
    let (one, two) = (train(1, hmc(1)), train(2, hmc(1)));
    assert_eq!(bits(&one), bits(&two));
    assert_ne!(
        bits(&one),
        bits(&train(2, None)),
        "the refresh changed nothing"
    );
    let (one_wolff, two_wolff) = (train(1, wolff(1)), train(2, wolff(1)));
    assert_eq!(bits(&one_wolff), bits(&two_wolff));
    assert_ne!(bits(&one_wolff), bits(&one), "Wolff refreshed like HMC");
}

/// ESS and ⟨M²⟩ (reweighted, delta-method error) at κ = 0.2709 on `l²` from a flow trained on
/// `samples` configurations in `steps` steps and generated with 2 `samples`.
fn flow_m2(
    (l, samples, steps): (usize, usize, usize),
    kappa0: f64,
    smeared: bool,
    refresh: Option<Refresh>,
) -> (f64, pirk::Estimate) {
    let (prior, basis, path) = setup(l, kappa0, 0.2709, smeared);
    let trainer = trainer(samples, steps, refresh);
    reweighted_m2(
        &HoppingCritical,
        &prior,
        &basis,
        &path,
        trainer,
        (steps, 2 * samples),
    )
}

/// ESS and reweighted ⟨M²⟩ of the flow `trainer` fits, generated as `count` configurations in
/// `steps` steps.
fn reweighted_m2<T: Theory, P: Prior>(
    theory: &T,
    prior: &P,
    basis: &Basis<T>,
    path: &Path,
    trainer: Trainer,
    (steps, count): (usize, usize),
) -> (f64, pirk::Estimate) {
    let (flow, _) = trainer.train(theory, prior, basis, path).unwrap();
    let samples = Generator::new()
        .with_steps(steps)
        .unwrap()
        .with_seed(11)
        .generate(theory, prior, basis, &flow, count);
    let w = Weights::from_log(samples.log_weights());
    let m2: Vec<f64> = (0..samples.len())
        .map(|i| magnetisation(samples.config(i)).powi(2))
        .collect();
    (w.ess(), w.expectation(&m2))
}

/// ⟨M²⟩ of a Wolff run on `l²` at κ = 0.2709.
fn wolff_m2(l: usize, updates: usize) -> pirk::Estimate {
    let couplings = Hopping {
        kappa: 0.2709,
        lambda: LAMBDA,
    };
    reference::wolff_mean(l, couplings, updates, |m| m * m)
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
    let wolff = wolff_m2(16, 200_000);
    let (ess_plain, plain) = flow_m2((16, 2000, 40), 0.24, false, None);
    let (ess, refreshed) = flow_m2((16, 2000, 40), 0.24, false, hmc(6));
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

/// The smoke test of the smeared kernels: on 12² at κ = 0.2709, from the prior at κ₀ = 0.249,
/// shells, the declared near-critical kernels and the smeared kernels give a high ESS and
/// ⟨M²⟩ in agreement with Wolff.
///
/// Measured (debug, 2026-11-28): ESS 0.847, ⟨M²⟩ 0.918 ± 0.021 against Wolff's 0.924 ± 0.023.
/// Without the smeared kernels the same training gave ESS 0.006.
#[test]
fn smeared_kernels_sample_the_critical_point_at_12x12() {
    smeared_flow_agrees_with_wolff((12, 500, 16), None, 40_000);
}

/// 16² at κ = 0.2709 with smeared kernels, the prior at κ₀ = 0.249 (mass 0.004, χ = 125) and
/// the refresh: a high ESS and ⟨M²⟩ in agreement with Wolff.
///
/// Measured (release, 2026-11-28): ⟨M²⟩ = 0.8155 ± 0.0077 at ESS 0.794 against Wolff's
/// 0.7930 ± 0.0095 (pull 1.8).
#[test]
#[ignore = "long: ~2 min in release"]
fn smeared_kernels_sample_the_critical_point_at_16x16() {
    smeared_flow_agrees_with_wolff((16, 2000, 40), hmc(6), 200_000);
}

/// The flow with smeared kernels from the prior at κ₀ = 0.249 has ESS above ½ and its ⟨M²⟩
/// agrees with a Wolff run of `updates` within 3σ.
fn smeared_flow_agrees_with_wolff(
    size: (usize, usize, usize),
    refresh: Option<Refresh>,
    updates: usize,
) {
    let wolff = wolff_m2(size.0, updates);
    let (ess, m2) = flow_m2(size, 0.249, true, refresh);
    eprintln!("Wolff ⟨M²⟩ {wolff}; flow with smeared kernels {m2} (ESS {ess:.4})");
    assert!(m2.pull(&wolff).abs() < 3.0, "flow {m2} vs Wolff {wolff}");
    assert!(ess > 0.5, "ESS {ess}");
}

/// The zero-mode prior's smoke test: on 12² at κ = 0.2709, the free field at κ₀ = 0.249 times
/// `e^{−V (μ M² + g M⁴)}`, with μ and g fitted (moment matching, a side calculation) to the
/// ⟨M²⟩ = 0.890 and U = 0.549 of `pirk wolff` on `examples/cards/cost/hopping-32-critical.toml`
/// moved to `lattice = [12, 12]` with `[wolff] updates = 400000` (so the prior's magnetisation
/// has the target's two peaks), flows with the declared
/// near-critical kernels and shells of `hopping-wells` to a high ESS and a ⟨M²⟩ in agreement
/// with Wolff. The path switches the zero-mode terms off while λ switches on.
///
/// Measured (debug, 2026-11-29, 37 s): ESS 0.707, ⟨M²⟩ 0.884 ± 0.022 against Wolff's
/// 0.924 ± 0.023, without smeared kernels; from the free-field prior at the same κ₀, the
/// smeared-kernel test's training without its smeared kernels gave ESS 0.006.
#[test]
fn zero_mode_prior_samples_the_critical_point_at_12x12() {
    let (kappa0, mu, g) = (0.249, -0.0298, 0.0123);
    let lat = Lattice::new(&[12, 12]);
    let prior = ZeroModePrior::new(&lat, kappa0, 1.0 - 4.0 * kappa0, mu, g).unwrap();
    let start = [kappa0, 0.0, 0.0, mu, g];
    pirk::check_prior(&Phi4HoppingWells, &lat, &start, &prior, 1).unwrap();
    let basis = Basis::<Phi4HoppingWells>::new(&lat)
        .with_kernels(&CRITICAL_CARD_KERNELS)
        .unwrap()
        .with_shells(true);
    let path = Path::linear(&start, &[0.2709, LAMBDA, 0.0, 0.0, 0.0]).unwrap();
    let (ess, m2) = reweighted_m2(
        &Phi4HoppingWells,
        &prior,
        &basis,
        &path,
        trainer(500, 16, None),
        (16, 1000),
    );
    let wolff = wolff_m2(12, 40_000);
    eprintln!("Wolff ⟨M²⟩ {wolff}; flow from the zero-mode prior {m2} (ESS {ess:.4})");
    assert!(
        m2.pull(&wolff).abs() < 3.0 && ess > 0.5,
        "flow ⟨M²⟩ {m2} (ESS {ess:.4}) vs Wolff {wolff}"
    );
}
