//! Shared transcendentals against libm. `tests/theories/hopping_tanh.rs` declares `tanh(φ/2)`,
//! `tanh(φ)` and `tanh(2φ)`; its generated sweeps evaluate one vector `tanh(φ/2)` per site and
//! the other two by one and two doublings `2t/(1 + t²)` (`pirk-codegen/src/lower/families.rs`).
//! Their error stays within the documented bound, 3 ulp for the vector `tanh` plus 1.5 ulp per
//! doubling, over the whole range and at the special values. `tests/theories/harmonics.rs`
//! declares sin θ, sin 2θ, cos 3θ, sin(−3θ) and cos 4θ; its sweeps make one `sin_cos` call and
//! derive the rest by angle addition, within 3n ulp of 1 (absolute) for the n-th harmonic.

mod theories;

use pirk::{Lattice, Theory};
use rand::{RngExt, SeedableRng, rngs::StdRng};
use theories::harmonics::Harmonics;
use theories::hopping_tanh::HoppingTanh;

/// Distance in units in the last place, on the ordered integer line of doubles.
fn ulps(a: f64, b: f64) -> u64 {
    let key = |x: f64| {
        let i = x.to_bits() as i64;
        if i < 0 { i64::MIN - i } else { i }
    };
    key(a).abs_diff(key(b))
}

/// The value of kernel `j` at every site of `phi`, through `velocity` with the unit
/// coefficient vector (which sweeps all kernels together, sharing their calls).
fn kernel_through_velocity(lat: &Lattice, j: usize, phi: &[f64]) -> Vec<f64> {
    let mut k = vec![0.0; HoppingTanh::KERNELS.len()];
    k[j] = 1.0;
    let mut out = vec![0.0; phi.len()];
    HoppingTanh.velocity(lat, &k, phi, &mut out);
    out
}

#[test]
fn doubled_tanh_stays_within_its_bound() {
    let mut rng = StdRng::seed_from_u64(3);
    let mut phi: Vec<f64> = vec![
        0.0,
        -0.0,
        5e-324,
        -1e-300,
        1e-8,
        0.1,
        -0.5,
        1.0,
        3.0,
        -10.0,
        19.0,
        20.0,
        -50.0,
        400.0,
        1e300,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ];
    // Log-uniform magnitudes from 1e-10 to 40, both signs: through the whole transition.
    phi.extend((0..200_000).map(|_| {
        let m = 10f64.powf(rng.random_range(-10.0..1.6));
        if rng.random_bool(0.5) { m } else { -m }
    }));
    let lat = Lattice::new(&[phi.len()]);
    let names = HoppingTanh::KERNELS;
    for (name, scale, bound) in [("th_half", 0.5, 3), ("th1", 1.0, 5), ("th2", 2.0, 6)] {
        let j = names.iter().position(|n| *n == name).unwrap();
        let got = kernel_through_velocity(&lat, j, &phi);
        let worst = phi
            .iter()
            .zip(&got)
            .map(|(&p, &g)| ulps(g, (scale * p).tanh()))
            .max()
            .unwrap();
        eprintln!("{name}: worst {worst} ulp against libm");
        assert!(worst <= bound, "{name}: {worst} ulp");
        for (&p, &g) in phi.iter().zip(&got).take(17) {
            let want = (scale * p).tanh();
            assert_eq!(
                g.is_sign_negative(),
                want.is_sign_negative(),
                "{name}({p}) = {g}"
            );
        }
    }
    let nan = kernel_through_velocity(&Lattice::new(&[1]), 2, &[f64::NAN]);
    assert!(nan[0].is_nan());
}

/// sin(nθ) or cos(nθ) to well below an ulp: `nθ` as an unevaluated sum `hi + lo` (the product's
/// rounding error from a fused multiply-add), then one Taylor step from libm at `hi`.
fn reference(n: f64, theta: f64, f: fn(f64) -> f64, df: fn(f64) -> f64) -> f64 {
    let hi = n * theta;
    let lo = n.mul_add(theta, -hi);
    f(hi) + lo * df(hi)
}

#[test]
fn derived_harmonics_stay_within_their_bound() {
    let mut rng = StdRng::seed_from_u64(5);
    let mut theta: Vec<f64> = vec![0.0, -0.0, 5e-324, 1e-300, -1e-8, 0.5, 1.0, -3.0];
    theta.extend((0..10).map(|k| k as f64 * std::f64::consts::FRAC_PI_4));
    // Angles of several turns, and magnitudes log-uniform from 1e-10 to 100.
    theta.extend((0..100_000).map(|_| rng.random_range(-20.0..20.0)));
    theta.extend((0..100_000).map(|_| {
        let m = 10f64.powf(rng.random_range(-10.0..2.0));
        if rng.random_bool(0.5) { m } else { -m }
    }));
    let lat = Lattice::new(&[theta.len()]);
    let names = Harmonics::KERNELS;
    let ulp = f64::EPSILON;
    type Real = fn(f64) -> f64;
    let (sin, cos, minus_sin): (Real, Real, Real) = (f64::sin, f64::cos, |x| -x.sin());
    for (name, n, f, df, harmonic) in [
        ("s1", 1.0, sin, cos, 1.0),
        ("s2", 2.0, sin, cos, 2.0),
        ("c3", 3.0, cos, minus_sin, 3.0),
        ("s3", -3.0, sin, cos, 3.0),
        ("c4", 4.0, cos, minus_sin, 4.0),
    ] {
        let j = names.iter().position(|k| *k == name).unwrap();
        let mut k = vec![0.0; names.len()];
        k[j] = 1.0;
        let mut got = vec![0.0; theta.len()];
        Harmonics.velocity(&lat, &k, &theta, &mut got);
        let worst = (theta.iter().zip(&got))
            .map(|(&t, &g)| (g - reference(n, t, f, df)).abs())
            .fold(0.0, f64::max);
        eprintln!("{name}: worst {:.2} ulp of 1", worst / ulp);
        assert!(worst <= 3.0 * harmonic * ulp, "{name}: {worst:e}");
    }
    // Non-finite angles give NaN through the shared evaluation. One velocity with every
    // coefficient 1: a swept kernel's NaN reaches the sum whatever its coefficient (0·NaN), so
    // the kernels cannot be told apart here, only the sweep.
    let mut got = vec![0.0; 2];
    let ones = vec![1.0; names.len()];
    Harmonics.velocity(
        &Lattice::new(&[2]),
        &ones,
        &[f64::NAN, f64::INFINITY],
        &mut got,
    );
    assert!(got.iter().all(|g| g.is_nan()), "{got:?}");
}
