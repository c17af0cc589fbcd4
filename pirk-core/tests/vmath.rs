//! `pirk_core::vmath` against std (glibc's libm) at every instruction-set level this CPU has:
//! the documented error bounds over the whole range, the special values, and the same bits at
//! every level.

use pirk_core::vmath::Level;
use rand::{RngExt, SeedableRng, rngs::StdRng};
use std::f64::consts::{FRAC_PI_2, PI};

/// Distance in units in the last place, through the bit patterns ordered as integers.
fn ulps(a: f64, b: f64) -> u64 {
    if a.is_nan() && b.is_nan() {
        return 0;
    }
    let ordered = |x: f64| {
        let bits = x.to_bits() as i64;
        if bits < 0 { i64::MIN - bits } else { bits }
    };
    ordered(a).abs_diff(ordered(b))
}

fn levels() -> Vec<Level> {
    let levels: Vec<Level> = Level::ALL
        .into_iter()
        .filter(|l| l.is_available())
        .collect();
    assert!(levels.contains(&Level::Portable));
    levels
}

/// Random values: uniform on [-r, r] for several r, and log-uniform magnitudes of both signs
/// over every exponent, subnormals included.
fn wide(n: usize, seed: u64) -> Vec<f64> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut x = Vec::with_capacity(n);
    for i in 0..n {
        x.push(match i % 4 {
            0 => rng.random_range(-2.0..2.0),
            1 => rng.random_range(-40.0..40.0),
            2 => rng.random_range(-750.0..750.0),
            _ => {
                let bits = rng.random_range(0..0x7ff0_0000_0000_0000_u64);
                f64::from_bits(bits) * if rng.random::<bool>() { 1.0 } else { -1.0 }
            }
        });
    }
    x
}

/// Every level: the bound against std, and bits equal to the portable level.
fn check(name: &str, std: fn(f64) -> f64, vec: fn(Level, &mut [f64]), x: &[f64], bound: u64) {
    let mut portable = x.to_vec();
    vec(Level::Portable, &mut portable);
    for level in levels() {
        let mut y = x.to_vec();
        vec(level, &mut y);
        let mut worst = (0, 0.0);
        for ((&xi, &yi), &pi) in x.iter().zip(&y).zip(&portable) {
            assert_eq!(yi.to_bits(), pi.to_bits(), "{name}({xi:e}) at {level:?}");
            let e = ulps(yi, std(xi));
            if e > worst.0 {
                worst = (e, xi);
            }
        }
        println!("{name} at {level:?}: {} ulp at x = {:e}", worst.0, worst.1);
        assert!(
            worst.0 <= bound,
            "{name} at {level:?}: {} ulp at x = {:e}",
            worst.0,
            worst.1
        );
    }
}

/// Random values for sin and cos: uniform on [−4π, 4π] and [−1000, 1000], magnitudes
/// log-uniform below 2^-20 (subnormals included) and over every exponent (past the vector
/// range, where libm takes over), and values within a few thousand ulp of k π/2 for k up to
/// 2^20, where the reduction cancels most.
fn angles(n: usize, seed: u64) -> Vec<f64> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut x = Vec::with_capacity(n);
    for i in 0..n {
        let sign = if rng.random::<bool>() { 1.0 } else { -1.0 };
        x.push(match i % 5 {
            0 => rng.random_range(-4.0 * PI..4.0 * PI),
            1 => rng.random_range(-1e3..1e3),
            2 => sign * f64::from_bits(rng.random_range(0..0x3eb0_0000_0000_0000_u64)),
            3 => sign * f64::from_bits(rng.random_range(0..0x7ff0_0000_0000_0000_u64)),
            _ => {
                let k = rng.random_range(1..=1_u64 << 20) as f64;
                let near = (k * FRAC_PI_2).to_bits();
                sign * f64::from_bits(near.wrapping_add_signed(rng.random_range(-3000..=3000)))
            }
        });
    }
    x
}

const N: usize = 1_000_003;

#[test]
fn exp_within_one_ulp_at_every_level() {
    check("exp", f64::exp, Level::exp, &wide(N, 1), 1);
}

#[test]
fn tanh_within_three_ulp_at_every_level() {
    check("tanh", f64::tanh, Level::tanh, &wide(N, 2), 3);
}

#[test]
fn sin_within_one_ulp_at_every_level() {
    check("sin", f64::sin, Level::sin, &angles(N, 4), 1);
}

#[test]
fn cos_within_one_ulp_at_every_level() {
    check("cos", f64::cos, Level::cos, &angles(N, 5), 1);
}

/// Exact expectations, bit for bit (so the sign of zero counts), at every level.
fn special(vec: fn(Level, &mut [f64]), cases: &[(f64, f64)]) {
    for level in levels() {
        let mut y: Vec<f64> = cases.iter().map(|c| c.0).collect();
        vec(level, &mut y);
        for (&(x, want), got) in cases.iter().zip(y) {
            let same = got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan());
            assert!(same, "{x:e} → {got:e}, want {want:e} at {level:?}");
        }
    }
}

#[test]
fn exp_special_values() {
    let tiny = f64::from_bits(1);
    special(
        Level::exp,
        &[
            (0.0, 1.0),
            (-0.0, 1.0),
            (f64::NAN, f64::NAN),
            (f64::INFINITY, f64::INFINITY),
            (f64::NEG_INFINITY, 0.0),
            (710.0, f64::INFINITY),
            (
                709.782_712_893_384,
                f64::MAX.min(709.782_712_893_384f64.exp()),
            ),
            (1e300, f64::INFINITY),
            (-750.0, 0.0),
            (-1e300, 0.0),
            (-745.0, (-745f64).exp()),
            (-708.5, (-708.5f64).exp()),
            (1e-300, 1.0),
            (tiny, 1.0),
        ],
    );
    // Subnormal results: gradual underflow, within the bound.
    for x in [-708.4, -710.0, -720.0, -730.5, -740.0, -745.1] {
        let mut y = [x];
        for level in levels() {
            level.exp(&mut y[..]);
            assert!(y[0] > 0.0 && y[0] < f64::MIN_POSITIVE);
            assert!(
                ulps(y[0], x.exp()) <= 1,
                "exp({x}) = {:e} at {level:?}",
                y[0]
            );
            y[0] = x;
        }
    }
}

#[test]
fn tanh_special_values() {
    let tiny = f64::from_bits(1);
    let mut cases = vec![
        (0.0, 0.0),
        (-0.0, -0.0),
        (f64::NAN, f64::NAN),
        (f64::INFINITY, 1.0),
        (f64::NEG_INFINITY, -1.0),
        (20.0, 1.0),
        (-20.0, -1.0),
        (1e300, 1.0),
        (-1e300, -1.0),
        (800.0, 1.0),
        (tiny, tiny),
        (-tiny, -tiny),
        (f64::MIN_POSITIVE, f64::MIN_POSITIVE),
    ];
    // tanh x = x for |x| below 2^-27: no cancellation anywhere.
    cases.extend([1e-300, 3e-200, 1e-20, -1e-12, 7e-10].map(|x| (x, x)));
    special(Level::tanh, &cases);
}

#[test]
fn sin_cos_special_values() {
    let tiny = f64::from_bits(1);
    // Past the vector range libm itself answers.
    let far = [1.7e6, -3e9, 1e300, f64::MAX];
    let mut sin = vec![
        (0.0, 0.0),
        (-0.0, -0.0),
        (f64::NAN, f64::NAN),
        (f64::INFINITY, f64::NAN),
        (f64::NEG_INFINITY, f64::NAN),
        (tiny, tiny),
        (-tiny, -tiny),
        (f64::MIN_POSITIVE, f64::MIN_POSITIVE),
    ];
    // sin x = x below 2^-26.
    sin.extend([1e-300, -3e-200, 1e-20, -1e-12, 7e-10].map(|x| (x, x)));
    sin.extend(far.map(|x| (x, x.sin())));
    special(Level::sin, &sin);
    let mut cos = vec![
        (0.0, 1.0),
        (-0.0, 1.0),
        (f64::NAN, f64::NAN),
        (f64::INFINITY, f64::NAN),
        (f64::NEG_INFINITY, f64::NAN),
        (tiny, 1.0),
        (1e-9, 1.0),
        (-1e-300, 1.0),
    ];
    cos.extend(far.map(|x| (x, x.cos())));
    special(Level::cos, &cos);
}

/// Every slice length crosses a different vector boundary; the tail goes through the
/// partial loads and must not touch anything past the slice.
#[test]
fn every_length_and_tail() {
    for level in levels() {
        for n in 0..40 {
            let x: Vec<f64> = (0..n).map(|i| i as f64 * 0.37 - 3.0).collect();
            let mut y = x.clone();
            y.push(12345.0);
            level.tanh(&mut y[..n]);
            assert_eq!(y[n], 12345.0);
            for (a, b) in x.iter().zip(&y) {
                assert!(ulps(a.tanh(), *b) <= 3);
            }
            let mut y = x.clone();
            level.exp(&mut y);
            for (a, b) in x.iter().zip(&y) {
                assert!(ulps(a.exp(), *b) <= 1);
            }
            // Values above 2.5 moved past the vector range, so that libm fills in some of them.
            let far: Vec<f64> = x
                .iter()
                .map(|&v| if v > 2.5 { v * 1e7 } else { v })
                .collect();
            let (mut s, mut c) = (far.clone(), far.clone());
            s.push(12345.0);
            level.sin(&mut s[..n]);
            level.cos(&mut c);
            assert_eq!(s[n], 12345.0);
            for ((a, s), c) in far.iter().zip(&s).zip(&c) {
                assert!(ulps(a.sin(), *s) <= 1 && ulps(a.cos(), *c) <= 1);
            }
        }
    }
}

#[test]
fn best_level_runs_the_defaults() {
    let x = wide(1000, 3);
    let (mut a, mut b) = (x.clone(), x.clone());
    pirk_core::vmath::tanh(&mut a);
    Level::best().tanh(&mut b);
    assert_eq!(a, b);
    pirk_core::vmath::exp(&mut a);
    Level::Portable.exp(&mut b);
    assert_eq!(a, b);
    pirk_core::vmath::sin(&mut a);
    Level::Portable.sin(&mut b);
    assert_eq!(a, b);
    pirk_core::vmath::cos(&mut a);
    Level::Portable.cos(&mut b);
    assert_eq!(a, b);
}

/// `sin_cos` gives the bits of `sin` and `cos` apart, at every level and every slice length
/// (tails through the partial loads, special values, arguments libm takes over), and touches
/// nothing past either slice.
#[test]
fn sin_cos_is_sin_and_cos_bit_for_bit() {
    let mut x = angles(10_007, 6);
    x.extend([
        0.0,
        -0.0,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::from_bits(1),
        1.7e6,
        -3e9,
        f64::MAX,
    ]);
    for level in levels() {
        for n in (0..40).chain([x.len()]) {
            let (mut sin, mut cos) = (x[..n].to_vec(), x[..n].to_vec());
            level.sin(&mut sin);
            level.cos(&mut cos);
            let (mut s, mut c) = (x[..n].to_vec(), vec![f64::NAN; n + 1]);
            s.push(12345.0);
            c[n] = 6789.0;
            level.sin_cos(&mut s[..n], &mut c[..n]);
            assert_eq!((s[n], c[n]), (12345.0, 6789.0), "{level:?}, n = {n}");
            for i in 0..n {
                assert_eq!(s[i].to_bits(), sin[i].to_bits(), "sin({:e})", x[i]);
                assert_eq!(c[i].to_bits(), cos[i].to_bits(), "cos({:e})", x[i]);
            }
        }
    }
    let (mut a, mut b) = (x.clone(), vec![0.0; x.len()]);
    pirk_core::vmath::sin_cos(&mut a, &mut b);
    let (mut s, mut c) = (x.clone(), x.clone());
    Level::Portable.sin(&mut s);
    Level::Portable.cos(&mut c);
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!((bits(&a), bits(&b)), (bits(&s), bits(&c)));
}
