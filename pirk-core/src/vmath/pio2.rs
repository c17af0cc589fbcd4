//! The argument reduction of `sin` and `cos` (fdlibm's e_rem_pio2.c, medium-size path):
//! x = k π/2 + y₀ + y₁ with integer k and |y₀| ≤ π/4 (a little more from the rounding of k),
//! π/2 taken in three parts of at most 33 bits so that every k · part is exact for k ≤ 2^20.
//! fdlibm subtracts the second and third parts only where the first cancels; here every lane
//! subtracts all three and keeps the rounding error of each subtraction, so no lane branches.

use pulp::Simd;

// fdlibm's constants by their bit patterns.
const INV_PIO2: f64 = f64::from_bits(0x3fe4_5f30_6dc9_c883);
/// π/2 in three parts of at most 33 significant bits and the rest after them (`PIO2_3T`).
const PIO2_1: f64 = f64::from_bits(0x3ff9_21fb_5440_0000);
const PIO2_2: f64 = f64::from_bits(0x3dd0_b461_1a60_0000);
const PIO2_3: f64 = f64::from_bits(0x3ba3_198a_2e00_0000);
const PIO2_3T: f64 = f64::from_bits(0x397b_839a_2520_49c1);
/// 1.5 · 2^52: (v + ROUND) − ROUND is v rounded to an integer, whose low bits are then the
/// low bits of v + ROUND.
const ROUND: f64 = 6_755_399_441_055_744.0;
/// fdlibm's bound for this reduction, 2^20 π/2 ≈ 1.6 · 10^6: up to here k ≤ 2^20, so every
/// k · part is exact.
pub(super) const LIMIT: f64 = 1_048_576.0 * std::f64::consts::FRAC_PI_2;

/// The reduced argument y₀ + y₁ (|y₁| ≤ ulp(y₀)/2) of t ≥ 0 and the parity masks of k.
pub(super) struct Reduced<S: Simd> {
    pub y0: S::f64s,
    pub y1: S::f64s,
    /// k is odd: the other kernel.
    pub odd: S::m64s,
    /// k mod 4 ≥ 2: the negated kernel.
    pub half_turn: S::m64s,
}

/// Reduces t ≥ 0, t ≤ [`LIMIT`]; other lanes give meaningless values.
#[inline(always)]
pub(super) fn reduce_pio2<S: Simd>(s: S, t: S::f64s) -> Reduced<S> {
    let round = s.splat_f64s(ROUND);
    let shifted = s.add_f64s(s.mul_f64s(t, s.splat_f64s(INV_PIO2)), round);
    let k = s.sub_f64s(shifted, round);
    // Exact: k · PIO2_1 has at most 53 bits and lies within a factor 2 of t.
    let r1 = s.sub_f64s(t, s.mul_f64s(k, s.splat_f64s(PIO2_1)));
    let (r2, e2) = two_diff(s, r1, s.mul_f64s(k, s.splat_f64s(PIO2_2)));
    let (r3, e3) = two_diff(s, r2, s.mul_f64s(k, s.splat_f64s(PIO2_3)));
    // t − k π/2 = r3 − w to far beyond double precision.
    let w = s.sub_f64s(s.mul_f64s(k, s.splat_f64s(PIO2_3T)), s.add_f64s(e2, e3));
    let y0 = s.sub_f64s(r3, w);
    let y1 = s.sub_f64s(s.sub_f64s(r3, y0), w);
    Reduced {
        y0,
        y1,
        odd: bit(s, shifted, 1),
        half_turn: bit(s, shifted, 2),
    }
}

/// Lanes of `v` with the bit `b` set.
#[inline(always)]
fn bit<S: Simd>(s: S, v: S::f64s, b: u64) -> S::m64s {
    let (v, b): (S::u64s, _) = (pulp::cast(v), s.splat_u64s(b));
    s.equal_u64s(s.and_u64s(v, b), b)
}

/// a − b as s + e exactly, s = a − b rounded (fdlibm's `(t − r) − w`). Exact here: either
/// |a| ≥ |b| (Fast2Sum), or both are multiples of a power of two small enough that a − b is
/// exact and e = 0 (a is a multiple of 2^-65 for `PIO2_2`, 2^-96 for `PIO2_3`, and |b| tiny).
#[inline(always)]
fn two_diff<S: Simd>(s: S, a: S::f64s, b: S::f64s) -> (S::f64s, S::f64s) {
    let d = s.sub_f64s(a, b);
    (d, s.sub_f64s(s.sub_f64s(a, d), b))
}
