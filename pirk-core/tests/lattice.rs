//! 2-d lattice flows: the free field against its analytic propagator, interacting φ⁴ in the
//! symmetric phase against HMC, and bit-identical ensembles at any thread count.

mod common;

use common::Hopping;
use pirk_core::{
    Basis, FreeFieldPrior, Generator, Hmc, Jackknife, Lattice, Path, Samples, Trainer, Weights,
    binder, check_prior, connected_correlator, independence_mh, lattice_momentum_squared,
    magnetisation, susceptibility,
};

/// Trains and generates for hopping φ⁴ on `l²` from the free prior at `kappa0`, λ = 0.
fn run(
    l: usize,
    theta0: [f64; 2],
    theta1: [f64; 2],
    tanh: bool,
    (collocation, steps, n): (usize, usize, usize),
) -> (Lattice, Samples, f64) {
    let lat = Lattice::new(&[l, l]);
    let prior = FreeFieldPrior::new(&lat, theta0[0], 1.0 - 4.0 * theta0[0]).unwrap();
    check_prior(&Hopping, &lat, &theta0, &prior, 0).unwrap();
    let kernels: &[&str] = if tanh {
        &["tanh_half", "tanh", "tanh2"]
    } else {
        &[]
    };
    let basis = Basis::<Hopping>::new(&lat)
        .with_kernels(kernels)
        .unwrap()
        .with_shells(true);
    let path = Path::linear(&theta0, &theta1).unwrap();
    let (flow, report) = Trainer::new()
        .with_samples(collocation)
        .unwrap()
        .with_steps(steps)
        .unwrap()
        .train(&Hopping, &prior, &basis, &path)
        .unwrap();
    let samples = Generator::new()
        .with_steps(steps)
        .unwrap()
        .with_seed(99)
        .generate(&Hopping, &prior, &basis, &flow, n);
    (lat, samples, report.max_residual())
}

#[test]
fn free_field_reproduces_the_analytic_propagator() {
    let kappa = 0.21;
    let (lat, samples, residual) = run(8, [0.1, 0.0], [kappa, 0.0], false, (400, 10, 4000));
    let w = Weights::from_log(samples.log_weights());
    eprintln!("free 8x8: ESS {:.5}, max residual {residual:.2e}", w.ess());
    assert!(w.ess() > 0.99, "ESS {}", w.ess());
    let v = lat.volume();
    let g = connected_correlator(&lat, &samples.phi, Some(w.relative()), &Jackknife::new());
    let mut worst: f64 = 0.0;
    for (x, gx) in g.iter().enumerate() {
        let c = lat.coords(x);
        let exact: f64 = (0..v)
            .map(|p| {
                let cp = lat.coords(p);
                let ph = 2.0 * std::f64::consts::PI * (cp[0] * c[0] + cp[1] * c[1]) as f64 / 8.0;
                ph.cos() / (2.0 * (kappa * lattice_momentum_squared(&lat, p) + 1.0 - 4.0 * kappa))
            })
            .sum::<f64>()
            / v as f64;
        let pull = (gx.value - exact) / gx.error;
        worst = worst.max(pull.abs());
        assert!(pull.abs() < 4.0, "G({c:?}) = {gx} vs {exact}");
    }
    eprintln!("free 8x8: worst |pull| of G(x) over 64 sites {worst:.2}");
}

fn observables(
    lat: &Lattice,
    samples: &Samples,
    weights: Option<&[f64]>,
) -> [pirk_core::Estimate; 3] {
    let m: Vec<f64> = (0..samples.len())
        .map(|i| magnetisation(samples.config(i)))
        .collect();
    let abs_m: Vec<f64> = m.iter().map(|x| x.abs()).collect();
    let jk = Jackknife::new();
    [
        susceptibility(&m, lat.volume(), weights, &jk),
        jk.estimate(&[&abs_m], weights, |a| a[0]),
        binder(&m, weights, &jk),
    ]
}

fn interacting(l: usize, sizes: (usize, usize, usize), min_ess: f64, trajectories: usize) {
    let theta1 = [0.21, 0.022];
    let (lat, samples, residual) = run(l, [0.21, 0.0], theta1, true, sizes);
    let w = Weights::from_log(samples.log_weights());
    let chain = independence_mh(samples.log_weights(), 3);
    let pik = observables(&lat, &samples, Some(w.relative()));
    // HMC baseline.
    let mut phi = samples.config(0).to_vec();
    let mut ms = Vec::new();
    let report = Hmc::new()
        .with_step(0.25)
        .unwrap()
        .with_steps(4)
        .unwrap()
        .with_trajectories(trajectories)
        .unwrap()
        .with_seed(5)
        .run(&Hopping, &lat, &theta1, &mut phi, |p| {
            ms.push(magnetisation(p))
        });
    let ms = &ms[trajectories / 10..];
    let m2: Vec<f64> = ms.iter().map(|x| x * x).collect();
    let tau = pirk_core::GammaMethod::new().analyse(&m2).tau_int;
    let jk = Jackknife::new().with_blocks(50).unwrap();
    let abs_m: Vec<f64> = ms.iter().map(|x| x.abs()).collect();
    let hmc = [
        susceptibility(ms, lat.volume(), None, &jk),
        jk.estimate(&[&abs_m], None, |a| a[0]),
        binder(ms, None, &jk),
    ];
    eprintln!(
        "{l}x{l} k=0.21 l=0.022: ESS {:.4}, MH acc {:.3}, rejected {}, max residual {residual:.2e}; HMC acc {:.3} tau_int(M^2) {tau}",
        w.ess(),
        chain.acceptance,
        samples.rejected,
        report.acceptance
    );
    for (name, (a, b)) in ["chi", "|M|", "U"].iter().zip(pik.iter().zip(&hmc)) {
        eprintln!("  {name}: PIK {a}  HMC {b}  pull {:.2}", a.pull(b));
        assert!(a.pull(b).abs() < 3.0, "{name}: PIK {a} vs HMC {b}");
    }
    assert!(w.ess() >= min_ess, "ESS {}", w.ess());
}

#[test]
fn symmetric_phase_8x8_matches_hmc() {
    interacting(8, (600, 10, 3000), 0.9, 6000);
}

/// The THEORY.md sizes: `cargo test -p pirk-core --release --test lattice -- --ignored`.
#[test]
#[ignore]
fn symmetric_phase_8x8_full() {
    interacting(8, (4000, 50, 20000), 0.95, 100_000);
}

/// `cargo test -p pirk-core --release --test lattice -- --ignored`.
#[test]
#[ignore]
fn symmetric_phase_16x16_full() {
    interacting(16, (4000, 50, 10000), 0.9, 50_000);
}

#[test]
fn ensembles_are_bit_identical_at_any_thread_count() {
    let once = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| run(4, [0.21, 0.0], [0.21, 0.022], true, (100, 3, 50)))
    };
    let (_, a, ra) = once(1);
    let (_, b, rb) = once(2);
    assert_eq!(ra.to_bits(), rb.to_bits());
    assert!(
        a.phi
            .iter()
            .zip(&b.phi)
            .all(|(x, y)| x.to_bits() == y.to_bits())
    );
    assert!(
        a.log_q
            .iter()
            .zip(&b.log_q)
            .all(|(x, y)| x.to_bits() == y.to_bits())
    );
}
