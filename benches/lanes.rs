//! Lane groups against one configuration at a time: the generated velocity of [`LANES`]
//! configurations as one `velocity_lanes` call (at each instruction-set level this CPU runs)
//! and as `LANES` calls of `velocity`, on 32² for `tests/theories/hopping_critical.rs` and the
//! command line's `hopping-wells` theory (the one the 32² critical card flows with); and
//! `Basis::velocity_lanes` of that card's basis with and without its shells and smeared
//! kernels, which split a generation step's cost between the generated sweep and the
//! Fourier-space families; and the declared kernels' products with one vector (the part of a
//! Wegner row that a prior switched off along the path adds) in one fused sweep against one
//! kernel at a time.
//!
//! Run with `cargo bench --bench lanes`; BENCHMARKS.md gives the ratios.

use criterion::{Criterion, criterion_group, criterion_main};
use pirk::lanes::{LANES, gather, scatter};
use pirk::vmath::Level;
use pirk::{Lattice, Theory};
use rand::{RngExt, SeedableRng, rngs::StdRng};
use std::hint::black_box;

#[path = "../tests/theories/mod.rs"]
#[allow(dead_code)]
mod theories;

use theories::hopping_critical::HoppingCritical;

fn one_theory<T: Theory>(c: &mut Criterion, name: &str, theory: &T) {
    let lat = Lattice::new(&[32, 32]);
    let v = lat.volume();
    let mut rng = StdRng::seed_from_u64(7);
    let group: Vec<f64> = (0..v * LANES)
        .map(|_| rng.random_range(-1.5..1.5))
        .collect();
    let configs: Vec<Vec<f64>> = (0..LANES)
        .map(|l| {
            let mut one = vec![0.0; v];
            gather(&group, l, &mut one);
            one
        })
        .collect();
    let k: Vec<f64> = (0..T::KERNELS.len())
        .map(|j| 0.1 / (j + 1) as f64)
        .collect();
    let mut g = c.benchmark_group(format!("lanes/{name}_32x32"));
    let mut out = vec![0.0; v * LANES];
    let mut one_out = vec![0.0; v];
    g.bench_function("velocity_8_configurations", |b| {
        b.iter(|| {
            let mut div = 0.0;
            for (l, phi) in configs.iter().enumerate() {
                div += theory.velocity(&lat, &k, black_box(phi), &mut one_out);
                scatter(&one_out, l, &mut out);
            }
            div
        })
    });
    let mut div = [0.0; LANES];
    for level in Level::ALL.into_iter().filter(|l| l.is_available()) {
        g.bench_function(format!("velocity_lanes_{level:?}"), |b| {
            b.iter(|| {
                theory.velocity_lanes(level, &lat, &k, black_box(&group), &mut out, &mut div);
                div[0]
            })
        });
    }
    g.finish();
}

/// The 32² critical card's basis (its 18 declared kernels, shells, smeared kernels of radii
/// 1, 2, 4, 8 and slopes ½, 1, 2), one lane group's velocity with every kernel and with the
/// declared ones alone.
fn basis(c: &mut Criterion) {
    use pirk::Basis;
    use pirk_theories::Phi4HoppingWells;
    let lat = Lattice::new(&[32, 32]);
    let v = lat.volume();
    let alone = Basis::<Phi4HoppingWells>::new(&lat)
        .with_kernels(&theories::CRITICAL_CARD_KERNELS)
        .unwrap();
    let full = alone
        .clone()
        .with_shells(true)
        .with_smeared(&[1.0, 2.0, 4.0, 8.0], &[0.5, 1.0, 2.0]);
    let mut rng = StdRng::seed_from_u64(8);
    let group: Vec<f64> = (0..v * LANES)
        .map(|_| rng.random_range(-1.5..1.5))
        .collect();
    let mut out = vec![0.0; v * LANES];
    let level = Level::best();
    let mut g = c.benchmark_group("basis/hopping_wells_32x32");
    for (name, basis) in [("declared_only", &alone), ("card_basis", &full)] {
        let k: Vec<f64> = (0..basis.len()).map(|j| 0.1 / (j + 1) as f64).collect();
        let mut s = basis.scratch();
        g.bench_function(format!("velocity_lanes_{name}"), |b| {
            b.iter(|| {
                basis.velocity_lanes(
                    &Phi4HoppingWells,
                    level,
                    &k,
                    black_box(&group),
                    &mut out,
                    &mut s,
                )
            })
        });
    }
    g.finish();
}

/// `K_j·v` of the command line's `hopping` theory (the theory of minimal hopping cards) on 32²:
/// `kernel_dots` in one sweep against `kernel` and a dot product per kernel, as a Wegner row with
/// a switched-off prior computed them before.
fn kernel_dots(c: &mut Criterion) {
    use pirk_theories::Phi4Hopping;
    let lat = Lattice::new(&[32, 32]);
    let v = lat.volume();
    let mut rng = StdRng::seed_from_u64(9);
    let phi: Vec<f64> = (0..v).map(|_| rng.random_range(-1.5..1.5)).collect();
    let dir: Vec<f64> = (0..v).map(|_| rng.random_range(-1.0..1.0)).collect();
    let n = Phi4Hopping::KERNELS.len();
    let (mut fused, mut apart, mut k) = (vec![0.0; n], vec![0.0; n], vec![0.0; v]);
    let one_at_a_time = |out: &mut [f64], k: &mut [f64]| {
        for (j, o) in out.iter_mut().enumerate() {
            Phi4Hopping.kernel(&lat, j, black_box(&phi), k);
            *o = k.iter().zip(&dir).map(|(k, d)| k * d).sum();
        }
    };
    Phi4Hopping.kernel_dots(&lat, &phi, &dir, &mut fused);
    one_at_a_time(&mut apart, &mut k);
    for (a, b) in fused.iter().zip(&apart) {
        assert!((a - b).abs() <= 1e-12 * (1.0 + b.abs()), "{a} vs {b}");
    }
    let mut g = c.benchmark_group("kernel_dots/hopping_32x32");
    g.bench_function("fused", |b| {
        b.iter(|| Phi4Hopping.kernel_dots(&lat, black_box(&phi), &dir, &mut fused))
    });
    g.bench_function("one_kernel_at_a_time", |b| {
        b.iter(|| one_at_a_time(&mut apart, &mut k))
    });
    g.finish();
}

fn lanes(c: &mut Criterion) {
    one_theory(c, "hopping_critical", &HoppingCritical);
    one_theory(c, "hopping_wells", &pirk_theories::Phi4HoppingWells);
}

criterion_group!(benches, lanes, basis, kernel_dots);
criterion_main!(benches);
