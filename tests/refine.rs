//! Refinement of a deliberately poor flow: 8² hopping φ⁴ at κ = 0.21, λ = 0.022 from the
//! free-field prior (as in tests/acceptance.rs), trained on only 22 collocation samples for 18
//! kernels with 4 RK4 steps, then re-solved on 400 fresh, importance-weighted samples per round.

#[allow(dead_code)]
mod theories;

use pirk::{Basis, Flow, FreeFieldPrior, Generator, Lattice, Path, Refiner, Trainer, Weights};
use theories::hopping::Phi4Hopping;

/// RK4 steps of training, of each refinement round and of the independent check.
const STEPS: usize = 4;

fn poor_flow() -> (FreeFieldPrior, Basis<Phi4Hopping>, Flow) {
    let lat = Lattice::new(&[8, 8]);
    let prior = FreeFieldPrior::new(&lat, 0.21, 1.0 - 4.0 * 0.21).unwrap();
    let basis = Basis::<Phi4Hopping>::new(&lat)
        .with_kernels(&["th_half", "th1", "th2"])
        .unwrap()
        .with_shells(true);
    let path = Path::linear(&[0.21, 0.0], &[0.21, 0.022]).unwrap();
    let (flow, _) = Trainer::new()
        .with_samples(22)
        .unwrap()
        .with_steps(STEPS)
        .unwrap()
        .train(&Phi4Hopping, &prior, &basis, &path)
        .unwrap();
    (prior, basis, flow)
}

fn refiner(rounds: usize, seed: u64) -> Refiner {
    Refiner::new()
        .with_rounds(rounds)
        .with_samples(400)
        .unwrap()
        .with_steps(STEPS)
        .unwrap()
        .with_seed(seed)
}

/// ESS at t = 1 of `flow` on 400 samples from a seed no refinement round uses.
fn independent_ess(prior: &FreeFieldPrior, basis: &Basis<Phi4Hopping>, flow: &Flow) -> f64 {
    let samples = Generator::new()
        .with_steps(STEPS)
        .unwrap()
        .with_seed(99)
        .generate(&Phi4Hopping, prior, basis, flow, 400);
    Weights::from_log(samples.log_weights()).ess()
}

/// Measured (debug, ≈ 3 s): rounds ESS 0.9199 → 0.9929, so 1 − ESS falls 11-fold (refiner
/// seeds 1 and 2: 0.9217 → 0.9938, 0.9192 → 0.9934); on independent samples 0.9194 → 0.9931.
#[test]
fn one_round_raises_the_ess() {
    let (prior, basis, flow) = poor_flow();
    let (refined, rounds) = refiner(1, 0)
        .refine(&Phi4Hopping, &prior, &basis, &flow)
        .unwrap();
    let (before, after) = (
        independent_ess(&prior, &basis, &flow),
        independent_ess(&prior, &basis, &refined),
    );
    eprintln!("rounds {rounds:#?}\nindependent ESS {before:.4} → {after:.4}");
    // Training fits half steps too; the re-solved flow lives on the whole steps.
    assert_eq!((flow.steps, flow.grid.len()), (STEPS, 2 * STEPS + 1));
    assert_eq!((refined.steps, refined.grid.len()), (STEPS, STEPS + 1));
    assert_eq!(rounds.len(), 2);
    assert_eq!(rounds[0].round, 0);
    assert_eq!(rounds[1].round, 1);
    for r in &rounds {
        assert!(r.max_residual.is_finite() && r.mean_residual <= r.max_residual);
    }
    assert!(
        1.0 - rounds[1].ess < (1.0 - rounds[0].ess) / 4.0,
        "{rounds:?}"
    );
    assert!(1.0 - after < (1.0 - before) / 4.0, "{before} → {after}");
    // The refined flow lives on the step grid and carries the weighted solve's residuals.
    let grid: Vec<f64> = (0..=STEPS).map(|m| m as f64 / STEPS as f64).collect();
    assert_eq!(refined.grid, grid);
    assert_eq!(refined.coeffs.len(), grid.len());
    let max = refined.residuals.iter().copied().fold(0.0, f64::max);
    assert_eq!(max, rounds[0].max_residual);
    assert_eq!(refined.max_speed, flow.max_speed);
}

/// With room for 3 rounds the ESS peaks at round 1 and round 2 ends the loop (measured
/// 0.9199, 0.9929, 0.9924); the flow returned is the best round's, which a refinement limited
/// to that many rounds with the same seed also returns. The observer hears of every round.
#[test]
fn stops_without_gain_and_keeps_the_best_flow() {
    let (prior, basis, flow) = poor_flow();
    let mut observed = Vec::new();
    let (best, rounds) = refiner(3, 0)
        .refine_observed(&Phi4Hopping, &prior, &basis, &flow, |r| observed.push(r))
        .unwrap();
    eprintln!("rounds {rounds:#?}");
    let ess: Vec<f64> = rounds.iter().map(|r| r.ess).collect();
    let n = ess.len();
    // Every round is reported as it ends, the one that stops the loop included.
    assert_eq!(observed, (0..n).collect::<Vec<_>>());
    assert!(n < 4, "the early stop is not exercised: {ess:?}");
    assert!(ess[..n - 1].windows(2).all(|w| w[1] > w[0]), "{ess:?}");
    assert!(ess[n - 1] <= ess[n - 2], "stopped while improving: {ess:?}");
    let (again, _) = refiner(n - 2, 0)
        .refine(&Phi4Hopping, &prior, &basis, &flow)
        .unwrap();
    assert_eq!(best.coeffs, again.coeffs);
    assert_ne!(best.coeffs, flow.coeffs);
}

#[test]
fn refinement_is_bit_identical_at_any_thread_count() {
    let (prior, basis, flow) = poor_flow();
    let run = |threads: usize, seed: u64| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            refiner(1, seed)
                .with_samples(100)
                .unwrap()
                .refine(&Phi4Hopping, &prior, &basis, &flow)
                .unwrap()
        })
    };
    let bits = |(f, rounds): &(Flow, Vec<pirk::RefineRound>)| {
        let mut b: Vec<u64> = f.coeffs.concat().iter().map(|x| x.to_bits()).collect();
        b.extend(rounds.iter().map(|r| r.ess.to_bits()));
        b
    };
    let (one, two) = (run(1, 5), run(2, 5));
    assert_eq!(bits(&one), bits(&two));
    assert_eq!(one.1, two.1);
    assert_ne!(bits(&one), bits(&run(2, 6)), "the seed is ignored");
}
