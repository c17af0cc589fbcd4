//! Generated `stein`, `force` and `velocity` against hand-written Rust for the same φ⁴
//! theory and against the reference interpreter of the IR, on 32² and 64²; the force also
//! against forward-mode automatic differentiation (num-dual) of the same action density.
//!
//! Run with `cargo bench --bench kernels`; BENCHMARKS.md reports the ratios.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use pirk::{Lattice, Theory};
use pirk_codegen::interp::Env;
use rand::{RngExt, SeedableRng, rngs::StdRng};
use std::hint::black_box;

#[path = "../tests/theories/mod.rs"]
#[allow(dead_code)]
mod theories;

use theories::phi4::Phi4;

const THETA: [f64; 2] = [-4.0, 8.0];

/// The same theory and kernels (`id`, `hop`, `tanh φ`, `tanh 2M`), written by hand.
mod handwritten {
    use pirk::Lattice;

    fn hop(lat: &Lattice, phi: &[f64], x: usize) -> f64 {
        (0..lat.ndim())
            .map(|mu| phi[lat.neighbor(x, mu, true)] + phi[lat.neighbor(x, mu, false)])
            .sum()
    }

    fn force_at(lat: &Lattice, theta: &[f64], phi: &[f64], x: usize, h: f64) -> f64 {
        let p = phi[x];
        (4.0 * lat.ndim() as f64 + 2.0 * theta[0]) * p + 4.0 * theta[1] * p * p * p - 2.0 * h
    }

    pub fn force(lat: &Lattice, theta: &[f64], phi: &[f64], out: &mut [f64]) {
        for (x, o) in out.iter_mut().enumerate() {
            *o = force_at(lat, theta, phi, x, hop(lat, phi, x));
        }
    }

    pub fn stein(lat: &Lattice, theta: &[f64], phi: &[f64], out: &mut [f64]) {
        let v = lat.volume();
        let z = (2.0 * phi.iter().sum::<f64>() / v as f64).tanh();
        let (mut a0, mut a1, mut a2, mut fsum) = (0.0, 0.0, 0.0, 0.0);
        for x in 0..v {
            let h = hop(lat, phi, x);
            let f = force_at(lat, theta, phi, x, h);
            let t = phi[x].tanh();
            a0 += 1.0 - phi[x] * f;
            a1 -= h * f;
            a2 += 1.0 - t * t - t * f;
            fsum += f;
        }
        out[0] = a0;
        out[1] = a1;
        out[2] = a2;
        out[3] = 2.0 * (1.0 - z * z) - z * fsum;
    }

    pub fn velocity(lat: &Lattice, k: &[f64], phi: &[f64], out: &mut [f64]) -> f64 {
        let v = lat.volume();
        let z = (2.0 * phi.iter().sum::<f64>() / v as f64).tanh();
        let mut div = k[0] * v as f64 + 2.0 * k[3] * (1.0 - z * z);
        for (x, o) in out.iter_mut().enumerate() {
            let t = phi[x].tanh();
            *o = k[0] * phi[x] + k[1] * hop(lat, phi, x) + k[2] * t + k[3] * z;
            div += k[2] * (1.0 - t * t);
        }
        div
    }
}

/// The force by forward-mode autodiff: ∂/∂φ_x of the densities at `x` and at `x − μ` (the
/// only ones that read φ_x), with φ_x as the dual variable.
mod autodiff {
    use num_dual::{Dual64, DualNum};
    use pirk::Lattice;

    /// Lattices up to this many dimensions.
    const MAX_DIMS: usize = 4;

    fn density(centre: Dual64, up: &[Dual64], theta: &[f64]) -> Dual64 {
        let mut s = centre * centre * theta[0] + centre.powi(4) * theta[1];
        for &u in up {
            let d = u - centre;
            s += d * d;
        }
        s
    }

    pub fn force(lat: &Lattice, theta: &[f64], phi: &[f64], out: &mut [f64]) {
        let nd = lat.ndim();
        let mut up = [Dual64::from(0.0); MAX_DIMS];
        for (x, o) in out.iter_mut().enumerate() {
            let me = Dual64::new(phi[x], 1.0);
            for (mu, u) in up[..nd].iter_mut().enumerate() {
                *u = Dual64::from(phi[lat.neighbor(x, mu, true)]);
            }
            let mut f = density(me, &up[..nd], theta).eps;
            for mu in 0..nd {
                let y = lat.neighbor(x, mu, false);
                for (nu, u) in up[..nd].iter_mut().enumerate() {
                    *u = Dual64::from(phi[lat.neighbor(y, nu, true)]);
                }
                up[mu] = me;
                f += density(Dual64::from(phi[y]), &up[..nd], theta).eps;
            }
            *o = f;
        }
    }
}

/// The interpreter evaluating the derived forms site by site (of a one-component field).
struct Interpreted(pirk_codegen::Compiled);

impl Interpreted {
    fn force(&self, env: &Env, out: &mut [f64]) {
        for (x, o) in out.iter_mut().enumerate() {
            *o = env.eval(&self.0.derived.force[0], x);
        }
    }

    fn stein(&self, env: &Env, out: &mut [f64]) {
        out.fill(0.0);
        for x in 0..env.phi.len() {
            let f = env.eval(&self.0.derived.force[0], x);
            for (j, o) in out.iter_mut().enumerate() {
                *o += env.eval(&self.0.derived.divergences[j], x)
                    - env.eval(&self.0.derived.kernels[j][0], x) * f;
            }
        }
    }

    fn velocity(&self, env: &Env, k: &[f64], out: &mut [f64]) -> f64 {
        let mut div = 0.0;
        for (x, o) in out.iter_mut().enumerate() {
            *o = 0.0;
            for (j, kj) in k.iter().enumerate() {
                *o += kj * env.eval(&self.0.derived.kernels[j][0], x);
                div += kj * env.eval(&self.0.derived.divergences[j], x);
            }
        }
        div
    }
}

/// The baselines compute the same numbers as the generated code (a benchmark of different
/// work would compare nothing).
fn check_baselines(lat: &Lattice, phi: &[f64], k: &[f64]) {
    let close = |a: &[f64], b: &[f64]| {
        a.iter()
            .zip(b)
            .all(|(x, y)| (x - y).abs() <= 1e-9 * (1.0 + x.abs()))
    };
    let v = lat.volume();
    let (mut a, mut b, mut c) = (vec![0.0; v], vec![0.0; v], vec![0.0; v]);
    Phi4.force(lat, &THETA, phi, &mut a);
    handwritten::force(lat, &THETA, phi, &mut b);
    autodiff::force(lat, &THETA, phi, &mut c);
    assert!(close(&a, &b) && close(&a, &c), "force baselines disagree");
    let (mut ra, mut rb) = (vec![0.0; 4], vec![0.0; 4]);
    Phi4.stein(lat, &THETA, phi, &mut ra);
    handwritten::stein(lat, &THETA, phi, &mut rb);
    assert!(close(&ra, &rb), "stein baselines disagree");
    let da = Phi4.velocity(lat, k, phi, &mut a);
    let db = handwritten::velocity(lat, k, phi, &mut b);
    assert!(
        close(&a, &b) && close(&[da], &[db]),
        "velocity baselines disagree"
    );
}

fn kernels(c: &mut Criterion) {
    let interp = Interpreted(theories::compile(include_str!("../tests/theories/phi4.rs")));
    let k = [0.3, -0.1, 0.7, 0.2];
    for l in [32usize, 64] {
        let lat = Lattice::new(&[l, l]);
        let v = lat.volume();
        let mut rng = StdRng::seed_from_u64(7);
        let phi: Vec<f64> = (0..v).map(|_| rng.random_range(-1.5..1.5)).collect();
        let env = Env {
            dims: lat.dims(),
            theta: &THETA,
            phi: &phi,
            components: 1,
        };
        let mut out = vec![0.0; v];
        let mut row = vec![0.0; 4];
        check_baselines(&lat, &phi, &k);
        let size = format!("{l}x{l}");

        let mut g = c.benchmark_group("stein");
        g.bench_function(BenchmarkId::new("generated", &size), |b| {
            b.iter(|| Phi4.stein(&lat, &THETA, black_box(&phi), &mut row))
        });
        g.bench_function(BenchmarkId::new("handwritten", &size), |b| {
            b.iter(|| handwritten::stein(&lat, &THETA, black_box(&phi), &mut row))
        });
        g.sample_size(10);
        g.bench_function(BenchmarkId::new("interpreter", &size), |b| {
            b.iter(|| interp.stein(black_box(&env), &mut row))
        });
        g.finish();

        let mut g = c.benchmark_group("force");
        g.bench_function(BenchmarkId::new("generated", &size), |b| {
            b.iter(|| Phi4.force(&lat, &THETA, black_box(&phi), &mut out))
        });
        g.bench_function(BenchmarkId::new("handwritten", &size), |b| {
            b.iter(|| handwritten::force(&lat, &THETA, black_box(&phi), &mut out))
        });
        g.bench_function(BenchmarkId::new("num-dual", &size), |b| {
            b.iter(|| autodiff::force(&lat, &THETA, black_box(&phi), &mut out))
        });
        g.sample_size(10);
        g.bench_function(BenchmarkId::new("interpreter", &size), |b| {
            b.iter(|| interp.force(black_box(&env), &mut out))
        });
        g.finish();

        let mut g = c.benchmark_group("velocity");
        g.bench_function(BenchmarkId::new("generated", &size), |b| {
            b.iter(|| Phi4.velocity(&lat, &k, black_box(&phi), &mut out))
        });
        g.bench_function(BenchmarkId::new("handwritten", &size), |b| {
            b.iter(|| handwritten::velocity(&lat, &k, black_box(&phi), &mut out))
        });
        g.sample_size(10);
        g.bench_function(BenchmarkId::new("interpreter", &size), |b| {
            b.iter(|| interp.velocity(black_box(&env), &k, &mut out))
        });
        g.finish();
    }
}

criterion_group!(benches, kernels);
criterion_main!(benches);
