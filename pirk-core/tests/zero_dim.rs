//! The seed's 0-d φ⁴ case: m² 1 → −2, λ 0 → ½ from a unit normal prior, against quadrature.

mod common;

use common::{ZeroDim, quadrature};
use pirk_core::{
    Basis, Error, Flow, GammaMethod, Generator, Lattice, NormalPrior, Path, Scheme, Trainer,
    Weights, check_prior, independence_mh,
};

fn setup() -> (Lattice, NormalPrior, Basis<ZeroDim>, Path) {
    let lat = Lattice::new(&[]);
    let prior = NormalPrior::new(1);
    let basis = Basis::<ZeroDim>::new(&lat);
    let path = Path::linear(&[1.0, 0.0], &[-2.0, 0.5]).unwrap();
    (lat, prior, basis, path)
}

/// The full seed case (4000 collocation samples, 100 steps). ~26 s in debug, ~1 s optimised:
/// `cargo test -p pirk-core --release --test zero_dim -- --ignored`.
#[test]
#[ignore]
fn seed_case_matches_quadrature() {
    seed_case(4000, 100, 8000, 0.99, 0.98);
}

/// The same case at a size the debug test suite affords.
#[test]
fn seed_case_smoke() {
    seed_case(1000, 25, 3000, 0.98, 0.97);
}

fn seed_case(collocation: usize, steps: usize, n: usize, min_ess: f64, min_acc: f64) {
    let (lat, prior, basis, path) = setup();
    check_prior(&ZeroDim, &lat, path.start(), &prior, 0).unwrap();
    let (flow, report) = Trainer::new()
        .with_samples(collocation)
        .unwrap()
        .with_steps(steps)
        .unwrap()
        .train(&ZeroDim, &prior, &basis, &path)
        .unwrap();
    let generator = Generator::new().with_steps(steps).unwrap().with_seed(11);
    let samples = generator.generate(&ZeroDim, &prior, &basis, &flow, n);
    let w = Weights::from_log(samples.log_weights());
    let chain = independence_mh(samples.log_weights(), 5);
    let (e2, e4, log_z) = quadrature(-2.0, 0.5);
    let p2: Vec<f64> = samples.phi.iter().map(|x| x * x).collect();
    let p4: Vec<f64> = samples.phi.iter().map(|x| x.powi(4)).collect();
    let (m2, m4, lz) = (w.expectation(&p2), w.expectation(&p4), w.log_z());
    let tau = GammaMethod::new().analyse(&chain.series(&p2)).tau_int;
    eprintln!(
        "0-d: ESS {:.5} MH acc {:.4} tau_int(phi^2) {} max residual {:.2e} <phi^2> {m2} (exact {e2}) <phi^4> {m4} (exact {e4}) log Z {lz} (exact {log_z}) rejected {}",
        w.ess(),
        chain.acceptance,
        tau,
        report.max_residual(),
        samples.rejected
    );
    assert!(w.ess() >= min_ess, "ESS {}", w.ess());
    assert!(
        chain.acceptance >= min_acc,
        "acceptance {}",
        chain.acceptance
    );
    assert!(
        (m2.value - e2).abs() < 3.0 * m2.error,
        "<phi^2> {m2} vs {e2}"
    );
    assert!(
        (m4.value - e4).abs() < 3.0 * m4.error,
        "<phi^4> {m4} vs {e4}"
    );
    assert!(
        (lz.value - log_z).abs() < 3.0 * lz.error,
        "log Z {lz} vs {log_z}"
    );
    assert!((e2 - 3.40854).abs() < 1e-4 && (log_z - 3.03739).abs() < 1e-4);
    assert_eq!(samples.rejected, 0);

    // Parameter-conditional: ESS at every grid time, θ(t) for free from the same run.
    let ess_t: Vec<f64> = samples
        .log_w_t
        .iter()
        .map(|l| Weights::from_log(l).ess())
        .collect();
    let min = ess_t.iter().copied().fold(1.0, f64::min);
    eprintln!(
        "0-d conditional: min ESS over t {min:.5}, ESS(0) {:.5}",
        ess_t[0]
    );
    assert!((ess_t[0] - 1.0).abs() < 1e-12);
    assert!(min >= min_ess);

    // The adaptive scheme reaches the same quality.
    let adaptive = Generator::new()
        .with_scheme(Scheme::BogackiShampine { tol: 1e-6 })
        .unwrap()
        .with_steps(steps)
        .unwrap()
        .with_seed(11)
        .generate(&ZeroDim, &prior, &basis, &flow, n / 4);
    let wa = Weights::from_log(adaptive.log_weights());
    eprintln!(
        "0-d BS3: ESS {:.5}, {} evaluations per sample",
        wa.ess(),
        adaptive.evaluations / (n / 4)
    );
    assert!(wa.ess() >= min_ess);
}

#[test]
fn flow_round_trips_and_refuses_other_bases() {
    let (lat, prior, basis, path) = setup();
    let (flow, _) = Trainer::new()
        .with_samples(300)
        .unwrap()
        .with_steps(5)
        .unwrap()
        .train(&ZeroDim, &prior, &basis, &path)
        .unwrap();
    let dir = std::env::temp_dir().join(format!("pirk-core-flow-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("flow.json");
    flow.save(&file).unwrap();
    let back = Flow::load(&file, &basis).unwrap();
    assert_eq!(back.coeffs, flow.coeffs);
    assert_eq!(back.grid, flow.grid);
    assert_eq!(back.path, flow.path);
    let other = Basis::<ZeroDim>::new(&lat)
        .with_kernels(&["phi", "tanh"])
        .unwrap();
    let err = Flow::load(&file, &other).unwrap_err();
    assert!(
        matches!(
            err,
            Error::FlowMismatch {
                what: "kernel names",
                ..
            }
        ),
        "{err}"
    );
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace("phi4_0d", "phi4_other");
    std::fs::write(&file, text).unwrap();
    let err = Flow::load(&file, &basis).unwrap_err();
    assert!(
        matches!(err, Error::FlowMismatch { what: "theory", .. }),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(matches!(
        Basis::<ZeroDim>::new(&lat).with_kernels(&["phi3"]),
        Err(Error::UnknownKernel(_))
    ));
}
