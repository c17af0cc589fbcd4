//! The argument reduction shared by `exp` and `tanh` (fdlibm's e_exp.c): x = k ln 2 + r with
//! integer k and |r| ≤ ln 2 / 2, the rational core of e^r, and exact scaling by 2^k.

use pulp::Simd;

/// ln 2 split: `LN2_HI` has 32 trailing zero bits, so k · `LN2_HI` is exact for |k| < 2^21.
const LN2_HI: f64 = 6.931_471_803_691_238_164_90e-1;
const LN2_LO: f64 = 1.908_214_929_270_587_700_02e-10;
const LOG2_E: f64 = std::f64::consts::LOG2_E;
/// 1.5 · 2^52: (v + ROUND) − ROUND is v rounded to the nearest integer, for |v| < 2^51.
const ROUND: f64 = 6_755_399_441_055_744.0;
/// fdlibm's minimax coefficients of r (e^r + 1)/(e^r − 1) = 2 + r² P(r²) on |r| ≤ ln 2 / 2.
const P: [f64; 5] = [
    1.666_666_666_666_660_190_37e-1,
    -2.777_777_777_701_559_338_42e-3,
    6.613_756_321_437_934_361_17e-5,
    -1.653_390_220_546_525_153_90e-6,
    4.138_136_797_057_238_460_39e-8,
];
/// 1.5 · 2^20 + 1023: an integer k added to this has k + 1023 in bits 32… of the result.
const BIAS: f64 = 1_572_864.0 + 1023.0;

/// x = k ln 2 + (hi − lo), r = hi − lo rounded, and fdlibm's c = r − r² P(r²), so that
/// e^r = 1 + r + r c / (2 − c). Valid for |x| ≤ 746.
pub(super) struct Reduced<S: Simd> {
    pub k: S::f64s,
    pub hi: S::f64s,
    pub lo: S::f64s,
    pub r: S::f64s,
    pub c: S::f64s,
}

#[inline(always)]
pub(super) fn reduce<S: Simd>(s: S, x: S::f64s) -> Reduced<S> {
    let round = s.splat_f64s(ROUND);
    let k = s.sub_f64s(
        s.add_f64s(s.mul_f64s(x, s.splat_f64s(LOG2_E)), round),
        round,
    );
    let hi = s.sub_f64s(x, s.mul_f64s(k, s.splat_f64s(LN2_HI)));
    let lo = s.mul_f64s(k, s.splat_f64s(LN2_LO));
    let r = s.sub_f64s(hi, lo);
    let r2 = s.mul_f64s(r, r);
    let mut p = s.splat_f64s(P[4]);
    for &coef in P[..4].iter().rev() {
        p = s.add_f64s(s.splat_f64s(coef), s.mul_f64s(r2, p));
    }
    let c = s.sub_f64s(r, s.mul_f64s(r2, p));
    Reduced { k, hi, lo, r, c }
}

/// 2^k as two factors 2^k₁ · 2^k₂ (k₁ + k₂ = k, each |kᵢ| ≤ 539), so that multiplying by one
/// then the other rounds once even where 2^k itself is subnormal or overflows. Valid for
/// integer-valued |k| ≤ 1078.
#[inline(always)]
pub(super) fn pow2_split<S: Simd>(s: S, k: S::f64s) -> (S::f64s, S::f64s) {
    let round = s.splat_f64s(ROUND);
    let k1 = s.sub_f64s(s.add_f64s(s.mul_f64s(k, s.splat_f64s(0.5)), round), round);
    let k2 = s.sub_f64s(k, k1);
    (pow2(s, k1), pow2(s, k2))
}

/// 2^k for integer-valued |k| ≤ 1022: k + 1023 is placed in bits 32… by an exact add (see
/// `BIAS`), and shifting each 32-bit half left by 20 moves it into the exponent field while
/// clearing the rest (pulp has no 64-bit shift; the low half is zero, so this works in either
/// byte order).
#[inline(always)]
fn pow2<S: Simd>(s: S, k: S::f64s) -> S::f64s {
    let biased: S::u32s = pulp::cast(s.add_f64s(k, s.splat_f64s(BIAS)));
    pulp::cast(s.wrapping_dyn_shl_u32s(biased, s.splat_u32s(20)))
}

/// Lanes of `x` that are not NaN.
#[inline(always)]
pub(super) fn not_nan<S: Simd>(s: S, x: S::f64s) -> S::m64s {
    s.equal_f64s(x, x)
}
