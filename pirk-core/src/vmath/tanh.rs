//! tanh |x| = (1 − e^u)/(1 + e^u) with u = −2|x|, the sign restored at the end. e^u − 1 is
//! computed as expm1 from the reduced argument, so nothing cancels for small |x|.

use super::map::Lanes;
use super::reduce::{not_nan, pow2_split, reduce};
use pulp::Simd;

/// Below this −2|x| the result is ±1 anyway; clamping keeps the reduction in range.
const MIN: f64 = -746.0;

pub(super) struct Tanh;

impl Lanes for Tanh {
    #[inline(always)]
    fn apply<S: Simd>(s: S, x: S::f64s) -> S::f64s {
        let sign = s.splat_f64s(-0.0);
        let a = s.abs_f64s(x);
        let u = s.max_f64s(s.mul_f64s(a, s.splat_f64s(-2.0)), s.splat_f64s(MIN));
        let red = reduce(s, u);
        let (one, two) = (s.splat_f64s(1.0), s.splat_f64s(2.0));
        // e^r − 1 = r + r c / (2 − c), plus the rounding of r = hi − lo carried as
        // (hi − r) − lo, times its derivative e^r.
        let rc = s.div_f64s(s.mul_f64s(red.r, red.c), s.sub_f64s(two, red.c));
        let em1 = s.add_f64s(red.r, rc);
        let corr = s.sub_f64s(s.sub_f64s(red.hi, red.r), red.lo);
        let em1 = s.add_f64s(em1, s.mul_f64s(corr, s.add_f64s(one, em1)));
        // With e^u = 2^k (1 + m): tanh |x| = (1 − e^u)/(1 + e^u), numerator and denominator
        // each from exact parts with one rounding.
        let (p1, p2) = pow2_split(s, red.k);
        let scaled = s.mul_f64s(s.mul_f64s(em1, p1), p2);
        let pow = s.mul_f64s(p1, p2);
        let num = s.sub_f64s(s.sub_f64s(one, pow), scaled);
        let den = s.add_f64s(s.add_f64s(one, pow), scaled);
        let th = s.div_f64s(num, den);
        let signed = s.or_f64s(s.abs_f64s(th), s.and_f64s(x, sign));
        s.select_f64s(not_nan(s, x), signed, x)
    }
}
