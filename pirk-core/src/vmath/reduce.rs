//! The argument reduction shared by `exp` and `tanh` (fdlibm's e_exp.c): x = k ln 2 + r with
//! integer k and |r| ≤ ln 2 / 2, the rational core of e^r, and exact scaling by 2^k.

use pulp::Simd;

// fdlibm's constants by their bit patterns (its decimals carry more digits than clippy allows).
/// ln 2 split: `LN2_HI` has 32 trailing zero bits, so k · `LN2_HI` is exact for |k| < 2^21.
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
const LOG2_E: f64 = std::f64::consts::LOG2_E;
/// 1.5 · 2^52: (v + ROUND) − ROUND is v rounded to the nearest integer, for |v| < 2^51.
const ROUND: f64 = 6_755_399_441_055_744.0;
/// fdlibm's minimax coefficients of r (e^r + 1)/(e^r − 1) = 2 + r² P(r²) on |r| ≤ ln 2 / 2.
const P: [f64; 5] = [
    f64::from_bits(0x3fc5_5555_5555_553e),
    f64::from_bits(0xbf66_c16c_16be_bd93),
    f64::from_bits(0x3f11_566a_af25_de2c),
    f64::from_bits(0xbebb_bd41_c5d2_6bf1),
    f64::from_bits(0x3e66_3769_72be_a4d0),
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
