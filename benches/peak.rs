//! The fused Wegner row against what this machine can do, in one run: the generated `stein`
//! row of `tests/theories/phi4.rs` on 32² (21 floating-point operations and one `tanh` per
//! site, counted in BENCHMARKS.md), a multiply-add loop at the build's peak throughput, libm
//! `tanh` and `exp` loops and the vector `pirk::vmath` ones, all on the same 1024 in-cache
//! values; and the generated `velocity` of `tests/theories/hopping_critical.rs` on 32² (the
//! generation hot path: four site-dependent `tanh` and one `exp` per site).
//!
//! Run with `cargo bench --bench peak`; BENCHMARKS.md turns the medians into GFLOP/s and a
//! fraction of the limit.

use criterion::{Criterion, criterion_group, criterion_main};
use pirk::{Lattice, Theory};
use rand::{RngExt, SeedableRng, rngs::StdRng};
use std::hint::black_box;

#[path = "../tests/theories/mod.rs"]
#[allow(dead_code)]
mod theories;

use theories::hopping_critical::HoppingCritical;
use theories::phi4::Phi4;

/// Independent accumulators: enough to hide the add latency, so the loop runs at throughput.
const LANES: usize = 16;

/// `acc ← acc·a + x` over `x`: two flops per element.
fn multiply_add(x: &[f64], a: f64) -> f64 {
    let mut acc = [0.0; LANES];
    for chunk in x.chunks_exact(LANES) {
        for (s, v) in acc.iter_mut().zip(chunk) {
            *s = *s * a + v;
        }
    }
    acc.iter().sum()
}

fn peak(c: &mut Criterion) {
    let lat = Lattice::new(&[32, 32]);
    let v = lat.volume();
    let mut rng = StdRng::seed_from_u64(7);
    let phi: Vec<f64> = (0..v).map(|_| rng.random_range(-1.5..1.5)).collect();
    let theta = [-4.0, 8.0];
    let mut row = vec![0.0; 4];
    let mut g = c.benchmark_group("peak");
    g.bench_function("stein_row_32x32", |b| {
        b.iter(|| Phi4.stein(&lat, &theta, black_box(&phi), &mut row))
    });
    g.bench_function("multiply_add_1024", |b| {
        b.iter(|| multiply_add(black_box(&phi), black_box(0.999)))
    });
    g.bench_function("tanh_1024", |b| {
        b.iter(|| black_box(&phi).iter().map(|x| x.tanh()).sum::<f64>())
    });
    g.bench_function("exp_1024", |b| {
        b.iter(|| black_box(&phi).iter().map(|x| x.exp()).sum::<f64>())
    });
    let mut values = phi.clone();
    g.bench_function("vmath_tanh_1024", |b| {
        b.iter(|| {
            values.copy_from_slice(black_box(&phi));
            pirk::vmath::tanh(&mut values);
            values[0]
        })
    });
    g.bench_function("vmath_exp_1024", |b| {
        b.iter(|| {
            values.copy_from_slice(black_box(&phi));
            pirk::vmath::exp(&mut values);
            values[0]
        })
    });
    let k: Vec<f64> = (0..HoppingCritical::KERNELS.len())
        .map(|j| 0.1 / (j + 1) as f64)
        .collect();
    g.bench_function("velocity_hopping_critical_32x32", |b| {
        b.iter(|| HoppingCritical.velocity(&lat, &k, black_box(&phi), &mut values))
    });
    g.finish();
}

criterion_group!(benches, peak);
criterion_main!(benches);
