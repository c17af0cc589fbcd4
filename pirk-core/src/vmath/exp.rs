//! e^x, fdlibm's algorithm without fused multiply-adds: error below 1 ulp.

use super::map::Lanes;
use super::reduce::{not_nan, pow2_split, reduce};
use pulp::Simd;

/// Beyond these e^x is +∞ or 0; clamping keeps k within the range `pow2_split` handles.
const MAX: f64 = 710.0;
const MIN: f64 = -746.0;

pub(super) struct Exp;

impl Lanes for Exp {
    #[inline(always)]
    fn apply<S: Simd>(s: S, x: S::f64s) -> S::f64s {
        let clamped = s.max_f64s(s.min_f64s(x, s.splat_f64s(MAX)), s.splat_f64s(MIN));
        let red = reduce(s, clamped);
        let two = s.splat_f64s(2.0);
        // y = 1 − ((lo − r c / (2 − c)) − hi) = e^r, evaluated in fdlibm's order.
        let rc = s.div_f64s(s.mul_f64s(red.r, red.c), s.sub_f64s(two, red.c));
        let y = s.sub_f64s(
            s.splat_f64s(1.0),
            s.sub_f64s(s.sub_f64s(red.lo, rc), red.hi),
        );
        let (p1, p2) = pow2_split(s, red.k);
        let e = s.mul_f64s(s.mul_f64s(y, p1), p2);
        s.select_f64s(not_nan(s, x), e, x)
    }
}
