//! Runtime micro-benchmarks on hopping φ⁴ at κ = 0.21, λ = 0.022 with the symmetric-phase basis
//! (tanh kernels + momentum shells): flow generation throughput on 16² and 32², Wegner assembly
//! and solve of one slice, one HMC trajectory, one Wolff update (Metropolis sweep + cluster).
//!
//! Run with `cargo bench --bench runtime`; the cost per independent sample (PIK+MH vs HMC) comes
//! from `cargo run --release --example lattice_phi4` and, for HMC against Wolff,
//! `cargo run --release --example cost_table`. BENCHMARKS-runtime.md and BENCHMARKS-wolff.md
//! report them.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use pirk::{
    Basis, Flow, FreeFieldPrior, Generator, Hmc, Hopping, Lattice, Path, Prior, Trainer,
    WegnerSolver, Wolff, stream_rng,
};
use rayon::prelude::*;
use std::hint::black_box;

#[path = "../tests/theories/mod.rs"]
#[allow(dead_code)]
mod theories;

use theories::hopping_tanh::HoppingTanh;

const THETA0: [f64; 2] = [0.21, 0.0];
const THETA1: [f64; 2] = [0.21, 0.022];
/// Generation steps, as in the `lattice_phi4` example.
const STEPS: usize = 50;

struct Setup {
    lat: Lattice,
    prior: FreeFieldPrior,
    basis: Basis<HoppingTanh>,
    path: Path,
}

fn setup(l: usize) -> Setup {
    let lat = Lattice::new(&[l, l]);
    Setup {
        prior: FreeFieldPrior::new(&lat, THETA0[0], 1.0 - 4.0 * THETA0[0]).unwrap(),
        basis: Basis::new(&lat).with_shells(true),
        path: Path::linear(&THETA0, &THETA1).unwrap(),
        lat,
    }
}

/// A cheaply trained flow: generation cost depends on the step count, not on the coefficients.
fn flow(s: &Setup) -> Flow {
    Trainer::new()
        .with_samples(500)
        .unwrap()
        .with_steps(5)
        .unwrap()
        .train(&HoppingTanh, &s.prior, &s.basis, &s.path)
        .unwrap()
        .0
}

fn generation(c: &mut Criterion) {
    let mut group = c.benchmark_group("generate");
    group.sample_size(10);
    for (l, n) in [(16, 200), (32, 50)] {
        let s = setup(l);
        let flow = flow(&s);
        let generator = Generator::new().with_steps(STEPS).unwrap();
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(
            BenchmarkId::new("rk4_50_steps", format!("{l}x{l}")),
            &n,
            |b, &n| {
                b.iter(|| black_box(generator.generate(&HoppingTanh, &s.prior, &s.basis, &flow, n)))
            },
        );
    }
    group.finish();
}

fn wegner(c: &mut Criterion) {
    let mut group = c.benchmark_group("wegner_slice");
    group.sample_size(10);
    let rows = 4000;
    for l in [16, 32] {
        let s = setup(l);
        let v = s.lat.volume();
        let mut phi = vec![0.0; rows * v];
        phi.par_chunks_mut(v)
            .enumerate()
            .for_each(|(i, c)| s.prior.sample(&mut stream_rng(0, i as u64), c));
        let solver = WegnerSolver::new();
        let id = format!("{l}x{l}_{rows}_rows_{}_kernels", s.basis.len());
        group.bench_function(BenchmarkId::new("assemble", &id), |b| {
            b.iter(|| black_box(solver.assemble(&HoppingTanh, &s.basis, &s.path, 0.5, &phi)))
        });
        group.bench_function(BenchmarkId::new("assemble_and_solve", &id), |b| {
            b.iter(|| black_box(solver.solve_slice(&HoppingTanh, &s.basis, &s.path, 0.5, &phi)))
        });
    }
    group.finish();
}

fn hmc(c: &mut Criterion) {
    let s = setup(16);
    let hmc = Hmc::new().with_step(0.25).unwrap().with_steps(4).unwrap();
    let mut phi = vec![0.0; s.lat.volume()];
    s.prior.sample(&mut stream_rng(1, 0), &mut phi);
    let pi = vec![0.5; s.lat.volume()];
    c.bench_function("hmc/trajectory_16x16_omelyan_4x0.25", |b| {
        b.iter(|| {
            let (mut x, mut p) = (phi.clone(), pi.clone());
            hmc.integrate(&HoppingTanh, &s.lat, &THETA1, &mut x, &mut p);
            black_box((x, p))
        })
    });
}

fn wolff(c: &mut Criterion) {
    let s = setup(16);
    let wolff = Wolff::new().with_updates(1).unwrap();
    let couplings = Hopping {
        kappa: THETA1[0],
        lambda: THETA1[1],
    };
    let mut phi = vec![0.0; s.lat.volume()];
    s.prior.sample(&mut stream_rng(1, 0), &mut phi);
    c.bench_function("wolff/update_16x16_sweep_and_cluster", |b| {
        b.iter(|| black_box(wolff.run(&couplings, &s.lat, &mut phi, |_| {})))
    });
}

criterion_group!(benches, generation, wegner, hmc, wolff);
criterion_main!(benches);
