//! The fused Wegner row against what this machine can do, in one run: the generated `stein`
//! row of `tests/theories/phi4.rs` on 32² (21 floating-point operations and one `tanh` per
//! site, counted in BENCHMARKS.md), a multiply-add loop at the build's peak throughput, libm
//! `tanh`, `exp`, `sin` and `cos` loops and the vector `pirk::vmath` ones (and `sin_cos`, both
//! from one reduction), all on the same 1024 in-cache
//! values (the multiply-add loops 16 times over them); and the generated `velocity` of
//! `tests/theories/hopping_critical.rs` on 32² (the
//! generation hot path: four site-dependent `tanh` and one `exp` per site).
//!
//! The batched row: `wegner_row_lanes` of the same theory on a lane group of eight 32²
//! configurations, and the multiply-add loop written with the lane-group type of batched code
//! and compiled, like it, for the widest instruction set this CPU offers.
//!
//! Run with `cargo bench --bench peak`; BENCHMARKS.md turns the medians into GFLOP/s and a
//! fraction of the limit.

use criterion::{Criterion, criterion_group, criterion_main};
use pirk::lanes::{LANES, Lanes};
use pirk::vmath::{Level, Simd, WithSimd};
use pirk::{Lattice, Theory};
use rand::{RngExt, SeedableRng, rngs::StdRng};
use std::hint::black_box;

#[path = "../tests/theories/mod.rs"]
#[allow(dead_code)]
mod theories;

use theories::hopping_critical::HoppingCritical;
use theories::phi4::Phi4;

/// Passes over the values per call, so that the final sum of the accumulators is a small
/// part of the time.
const PASSES: usize = 16;

/// `acc ← acc·a + x` over `x`, [`PASSES`] times, with `N` independent accumulators (enough to
/// hide the add latency, so that the loop runs at throughput): two flops per element and
/// pass. 16 fill the two-lane registers of the baseline build.
#[inline(always)]
fn multiply_add(x: &[f64], a: f64) -> f64 {
    let mut acc = [0.0; 16];
    for _ in 0..PASSES {
        for chunk in x.chunks_exact(16) {
            for (s, v) in acc.iter_mut().zip(chunk) {
                *s = *s * a + v;
            }
        }
    }
    acc.iter().sum()
}

/// [`multiply_add`] on the lane-group type of generated batched code, eight accumulators of
/// [`LANES`] values each (an AVX-512 register each).
#[inline(always)]
fn multiply_add_lanes(x: &[f64], a: f64) -> f64 {
    let [
        mut a0,
        mut a1,
        mut a2,
        mut a3,
        mut a4,
        mut a5,
        mut a6,
        mut a7,
    ] = [Lanes::ZERO; 8];
    for _ in 0..PASSES {
        for c in x.chunks_exact(8 * LANES) {
            a0 = a0 * a + Lanes::load(c, 0);
            a1 = a1 * a + Lanes::load(c, 1);
            a2 = a2 * a + Lanes::load(c, 2);
            a3 = a3 * a + Lanes::load(c, 3);
            a4 = a4 * a + Lanes::load(c, 4);
            a5 = a5 * a + Lanes::load(c, 5);
            a6 = a6 * a + Lanes::load(c, 6);
            a7 = a7 * a + Lanes::load(c, 7);
        }
    }
    [a0, a1, a2, a3, a4, a5, a6, a7]
        .iter()
        .map(|l| l.0.iter().sum::<f64>())
        .sum()
}

/// [`multiply_add_lanes`] compiled for an instruction-set level.
struct MultiplyAdd<'a>(&'a [f64], f64);

impl WithSimd for MultiplyAdd<'_> {
    type Output = f64;
    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) -> f64 {
        multiply_add_lanes(self.0, self.1)
    }
}

/// A libm function of one value, and a `pirk::vmath` function of a slice in place.
type Scalar = fn(f64) -> f64;
type Vector = fn(&mut [f64]);

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
    let best = Level::best();
    g.bench_function(format!("multiply_add_1024_lanes_{best:?}"), |b| {
        b.iter(|| best.vectorize(MultiplyAdd(black_box(&phi), black_box(0.999))))
    });
    let group: Vec<f64> = (0..v * LANES)
        .map(|_| rng.random_range(-1.5..1.5))
        .collect();
    let (mut rows, mut dtheta) = (vec![0.0; 4 * LANES], vec![0.0; 2 * LANES]);
    g.bench_function(format!("wegner_row_lanes_32x32_{best:?}"), |b| {
        b.iter(|| {
            Phi4.wegner_row_lanes(
                best,
                &lat,
                &theta,
                black_box(&group),
                &mut rows,
                &mut dtheta,
            )
        })
    });
    let mut dtheta1 = vec![0.0; 2];
    g.bench_function("wegner_row_32x32", |b| {
        b.iter(|| Phi4.wegner_row(&lat, &theta, black_box(&phi), &mut row, &mut dtheta1))
    });
    let mut values = phi.clone();
    // Each function as a libm loop and as the vector `pirk::vmath` call on the same values.
    let functions: [(&str, Scalar, Vector); 4] = [
        ("tanh", f64::tanh, pirk::vmath::tanh),
        ("exp", f64::exp, pirk::vmath::exp),
        ("sin", f64::sin, pirk::vmath::sin),
        ("cos", f64::cos, pirk::vmath::cos),
    ];
    for (name, libm, vector) in functions {
        g.bench_function(format!("{name}_1024"), |b| {
            b.iter(|| black_box(&phi).iter().map(|&x| libm(x)).sum::<f64>())
        });
        g.bench_function(format!("vmath_{name}_1024"), |b| {
            b.iter(|| {
                values.copy_from_slice(black_box(&phi));
                vector(&mut values);
                values[0]
            })
        });
    }
    // Both from one reduction, against the two calls above (same bits).
    let mut cosines = phi.clone();
    g.bench_function("vmath_sin_cos_1024", |b| {
        b.iter(|| {
            values.copy_from_slice(black_box(&phi));
            pirk::vmath::sin_cos(&mut values, &mut cosines);
            values[0] + cosines[0]
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
