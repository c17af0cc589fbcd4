//! Lean bases: on a free-field path the momentum shells carry the exact velocity, so pruning
//! must drop every nonlinear kernel (declared and smeared) and the shells the path does not
//! move, and leave the generated ensemble and its log-densities those of the unpruned flow;
//! the pruned training is bit-identical at any thread count.

#[allow(dead_code)]
mod theories;

use pirk::{Basis, Flow, FreeFieldPrior, Generator, Lattice, Path, PruneRule, Trainer};
use theories::hopping::Phi4Hopping;

const START: [f64; 2] = [0.1, 0.0];
const END: [f64; 2] = [0.2, 0.0];

fn setup() -> (Lattice, FreeFieldPrior, Basis<Phi4Hopping>, Path) {
    let lat = Lattice::new(&[6, 4]);
    let prior = FreeFieldPrior::new(&lat, START[0], 1.0 - 4.0 * START[0]).unwrap();
    let basis = Basis::new(&lat)
        .with_kernels(&["th1", "damped3", "zm"])
        .unwrap()
        .with_shells(true)
        .with_smeared(&[1.0], &[1.0]);
    (lat, prior, basis, Path::linear(&START, &END).unwrap())
}

fn train(prune: Option<f64>) -> Flow {
    let (_, prior, basis, path) = setup();
    let trainer = Trainer::new()
        .with_samples(400)
        .unwrap()
        .with_steps(8)
        .unwrap()
        .with_seed(3);
    let trainer = match prune {
        Some(tolerance) => trainer
            .with_pruning(PruneRule::Absolute(tolerance))
            .unwrap(),
        None => trainer,
    };
    trainer
        .train(&Phi4Hopping, &prior, &basis, &path)
        .unwrap()
        .0
}

#[test]
fn pruning_drops_what_the_free_field_does_not_need() {
    let (full, lean) = (train(None), train(Some(1e-8)));
    let pruning = lean.pruning.as_ref().expect("pruned");
    // Besides the nonlinear kernels, the two shells whose modes have Σ_μ cos p_μ = 0 carry
    // nothing: κ does not couple them (on 6 × 4, n = (3, 0) and (0, 2), named by sorted extent).
    assert_eq!(
        pruning.dropped,
        [
            "th1",
            "damped3",
            "zm",
            "shell(0,3)",
            "shell(2,0)",
            "smear(1,1)"
        ]
    );
    assert!(pruning.residual_increase < 1e-8, "{pruning:?}");
    let kept = pruning.kept(&lean.kernels);
    assert_eq!(kept.len(), lean.kernels.len() - 6);
    for (k, j) in lean
        .coeffs
        .iter()
        .flatten()
        .zip((0..lean.kernels.len()).cycle())
    {
        if !kept.contains(&j) {
            assert_eq!(*k, 0.0, "{} is dropped", lean.kernels[j]);
        }
    }

    let (_, prior, basis, _) = setup();
    let generate = |flow: &Flow| {
        Generator::new()
            .with_steps(8)
            .unwrap()
            .with_seed(5)
            .generate(&Phi4Hopping, &prior, &basis, flow, 40)
    };
    let (a, b) = (generate(&full), generate(&lean));
    assert_eq!(a.rejected + b.rejected, 0);
    for (x, y) in a.log_q.iter().zip(&b.log_q) {
        assert!((x - y).abs() < 1e-8 * (1.0 + x.abs()), "log q {x} vs {y}");
    }
    for (x, y) in a.phi.iter().zip(&b.phi) {
        assert!((x - y).abs() < 1e-8, "φ {x} vs {y}");
    }
}

#[test]
fn pruned_training_is_the_same_at_any_thread_count() {
    let in_pool = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| train(Some(1e-3)))
    };
    let (one, three) = (in_pool(1), in_pool(3));
    assert_eq!(one.pruning, three.pruning);
    let bits = |f: &Flow| -> Vec<u64> { f.coeffs.iter().flatten().map(|k| k.to_bits()).collect() };
    assert_eq!(bits(&one), bits(&three));
}
