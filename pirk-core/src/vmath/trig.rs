//! sin and cos: fdlibm's kernels on [−π/4, π/4] after the reduction x = k π/2 + y (pio2.rs),
//! the quadrant k mod 4 choosing the kernel and the sign. Arguments beyond the reduction's
//! range ([`LIMIT`]) and non-finite ones are left in place by the vector pass and then given
//! to libm one at a time ([`libm_rest`]), the same call at every level.

use super::map::Lanes;
use super::pio2::{LIMIT, Reduced, reduce_pio2};
use pulp::{Simd, WithSimd};

// fdlibm's minimax coefficients (k_sin.c, k_cos.c) by their bit patterns.
const SIN: [f64; 6] = [
    f64::from_bits(0xbfc5_5555_5555_5549),
    f64::from_bits(0x3f81_1111_1110_f8a6),
    f64::from_bits(0xbf2a_01a0_19c1_61d5),
    f64::from_bits(0x3ec7_1de3_57b1_fe7d),
    f64::from_bits(0xbe5a_e5e6_8a2b_9ceb),
    f64::from_bits(0x3de5_d93a_5acf_d57c),
];
const COS: [f64; 6] = [
    f64::from_bits(0x3fa5_5555_5555_554c),
    f64::from_bits(0xbf56_c16c_16c1_5177),
    f64::from_bits(0x3efa_01a0_19cb_1590),
    f64::from_bits(0xbe92_7e4f_809c_52ad),
    f64::from_bits(0x3e21_ee9e_bdb4_b1c4),
    f64::from_bits(0xbda8_fae9_be88_38d4),
];

pub(super) struct Sin;
pub(super) struct Cos;

impl Lanes for Sin {
    #[inline(always)]
    fn apply<S: Simd>(s: S, x: S::f64s) -> S::f64s {
        sin_cos(s, x).0
    }

    #[inline(always)]
    fn finish(x: &mut [f64]) {
        libm_rest(x, f64::sin);
    }
}

impl Lanes for Cos {
    #[inline(always)]
    fn apply<S: Simd>(s: S, x: S::f64s) -> S::f64s {
        sin_cos(s, x).1
    }

    #[inline(always)]
    fn finish(x: &mut [f64]) {
        libm_rest(x, f64::cos);
    }
}

/// `x[i] ← sin(x[i])` and `cos[i] ← cos(x[i])` from one reduction and one pair of kernels,
/// the same bits as [`Sin`] and [`Cos`] apart (they are this function's halves).
pub(super) struct SinCos<'a> {
    pub(super) x: &'a mut [f64],
    pub(super) cos: &'a mut [f64],
}

impl WithSimd for SinCos<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        assert_eq!(self.x.len(), self.cos.len(), "one cosine per argument");
        let (head, tail) = S::as_mut_simd_f64s(&mut *self.x);
        let (cos_head, cos_tail) = S::as_mut_simd_f64s(&mut *self.cos);
        for (v, c) in head.iter_mut().zip(cos_head) {
            (*v, *c) = sin_cos(simd, *v);
        }
        if !tail.is_empty() {
            let (sin, cos) = sin_cos(simd, simd.partial_load_f64s(tail));
            simd.partial_store_f64s(tail, sin);
            simd.partial_store_f64s(cos_tail, cos);
        }
        // Where the vector pass left an argument in place it is in both slices.
        libm_rest(self.x, f64::sin);
        libm_rest(self.cos, f64::cos);
    }
}

/// sin x and cos x, or x itself in both where the reduction cannot take it ([`in_range`]).
#[inline(always)]
fn sin_cos<S: Simd>(s: S, x: S::f64s) -> (S::f64s, S::f64s) {
    // Both are even or odd in x: reduce |x|; sin's sign flips once more with x's.
    let red = reduce_pio2(s, s.abs_f64s(x));
    let (sin, cos) = kernels(s, &red);
    let (sin_y, cos_y) = (
        s.select_f64s(red.odd, cos, sin),
        s.select_f64s(red.odd, sin, cos),
    );
    let flip = s.xor_f64s(sign_if(s, red.half_turn), s.and_f64s(x, s.splat_f64s(-0.0)));
    // cos(k π/2 + y) is −sin y for k ≡ 1 and −cos y for k ≡ 2 (mod 4).
    let negate = s.xor_m64s(red.odd, red.half_turn);
    (
        in_range(s, x, s.xor_f64s(sin_y, flip)),
        in_range(s, x, s.xor_f64s(cos_y, sign_if(s, negate))),
    )
}

/// sin and cos of y₀ + y₁ (|y₀| ≲ π/4, y₁ its tail): fdlibm's `__kernel_sin` and
/// `__kernel_cos` in the branch-free form of FreeBSD's msun, which computes 1 − y²/2 with
/// its rounding error carried instead of fdlibm's case split at |y| = 0.3.
#[inline(always)]
fn kernels<S: Simd>(s: S, red: &Reduced<S>) -> (S::f64s, S::f64s) {
    let (x, y) = (red.y0, red.y1);
    let z = s.mul_f64s(x, x);
    let w = s.mul_f64s(z, z);
    let v = s.mul_f64s(z, x);
    // sin(x + y) = x − ((z (y/2 − v r) − y) − v S1), r = S2 + z S3 + … + z⁴ S6.
    let r = s.add_f64s(
        poly(s, z, &SIN[1..4]),
        s.mul_f64s(s.mul_f64s(z, w), poly(s, z, &SIN[4..])),
    );
    let half_y = s.mul_f64s(s.splat_f64s(0.5), y);
    let inner = s.sub_f64s(s.mul_f64s(z, s.sub_f64s(half_y, s.mul_f64s(v, r))), y);
    let sin = s.sub_f64s(x, s.sub_f64s(inner, s.mul_f64s(v, s.splat_f64s(SIN[0]))));
    // cos(x + y) = h + (((1 − h) − z/2) + (z q − x y)) with h = 1 − z/2 (exact) and
    // q = z C1 + … + z⁶ C6.
    let q = s.add_f64s(
        s.mul_f64s(z, poly(s, z, &COS[..3])),
        s.mul_f64s(s.mul_f64s(w, w), poly(s, z, &COS[3..])),
    );
    let one = s.splat_f64s(1.0);
    let hz = s.mul_f64s(s.splat_f64s(0.5), z);
    let h = s.sub_f64s(one, hz);
    let cos = s.add_f64s(
        h,
        s.add_f64s(
            s.sub_f64s(s.sub_f64s(one, h), hz),
            s.sub_f64s(s.mul_f64s(z, q), s.mul_f64s(x, y)),
        ),
    );
    (sin, cos)
}

/// c₀ + z c₁ + z² c₂ + … by Horner's rule.
#[inline(always)]
fn poly<S: Simd>(s: S, z: S::f64s, coefs: &[f64]) -> S::f64s {
    let (last, rest) = coefs.split_last().expect("a polynomial has coefficients");
    let mut p = s.splat_f64s(*last);
    for &c in rest.iter().rev() {
        p = s.add_f64s(s.splat_f64s(c), s.mul_f64s(z, p));
    }
    p
}

/// −0.0 where `m` is set, else +0.0: xor-ing it into a value negates the value there.
#[inline(always)]
fn sign_if<S: Simd>(s: S, m: S::m64s) -> S::f64s {
    s.select_f64s(m, s.splat_f64s(-0.0), s.splat_f64s(0.0))
}

/// `v` where |x| ≤ [`LIMIT`], else `x` itself, for [`libm_rest`] to find.
#[inline(always)]
fn in_range<S: Simd>(s: S, x: S::f64s, v: S::f64s) -> S::f64s {
    let ok = s.less_than_or_equal_f64s(s.abs_f64s(x), s.splat_f64s(LIMIT));
    s.select_f64s(ok, v, x)
}

/// After the vector pass: every value it left in place (all its results lie in [−1, 1]) gets
/// `f` of libm instead, the same scalar call at every level. The check is one branch-free
/// pass, vectorised at the caller's level.
#[inline(always)]
fn libm_rest(x: &mut [f64], f: fn(f64) -> f64) {
    let left = |v: f64| v.is_nan() | (v.abs() > LIMIT);
    if x.iter().fold(false, |any, &v| any | left(v)) {
        for v in x.iter_mut().filter(|v| left(**v)) {
            *v = f(*v);
        }
    }
}
