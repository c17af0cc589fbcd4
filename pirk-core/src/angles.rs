//! Angles: wrapping a periodic field's values into `[−π, π)`, the one interval a periodic
//! theory's configurations are handed out in.

use std::f64::consts::{PI, TAU};

/// `a` modulo 2π, in `[−π, π)`. Values already there come back unchanged, bit for bit (so
/// wrapping twice is wrapping once); the rest are reduced by the exact floating-point
/// remainder. NaN and ±∞ give NaN, so non-finite states stay detectable.
pub fn wrap_angle(a: f64) -> f64 {
    if (-PI..PI).contains(&a) {
        return a;
    }
    let r = a.rem_euclid(TAU);
    // `r ∈ [π, 2π]` makes `r − 2π` exact (Sterbenz); `r = 2π` (rounding) becomes 0.
    if r >= PI { r - TAU } else { r }
}

/// [`wrap_angle`] of every entry, in place.
pub fn wrap_angles(phi: &mut [f64]) {
    phi.iter_mut().for_each(|a| *a = wrap_angle(*a));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every output lies in `[−π, π)` and differs from the input by a multiple of 2π.
    fn check(a: f64) {
        let w = wrap_angle(a);
        assert!((-PI..PI).contains(&w), "{a} → {w}");
        let turns = (a - w) / TAU;
        assert!(
            (turns - turns.round()).abs() < 1e-14 * (1.0 + a.abs()),
            "{a} → {w}: {turns} turns"
        );
    }

    #[test]
    fn in_range_values_are_unchanged_bit_for_bit() {
        for a in [-PI, -1.0, -0.0, 0.0, 1e-300, 3.0, PI - 4e-16] {
            assert_eq!(wrap_angle(a).to_bits(), a.to_bits(), "{a}");
        }
    }

    #[test]
    fn pi_goes_to_minus_pi() {
        assert_eq!(wrap_angle(PI), -PI);
        assert_eq!(wrap_angle(3.0 * PI), -PI);
        assert_eq!(wrap_angle(-3.0 * PI), -PI);
    }

    #[test]
    fn large_and_negative_values_reduce() {
        assert!((wrap_angle(1000.0 * TAU + 0.5) - 0.5).abs() < 1e-10);
        assert!((wrap_angle(-1000.0 * TAU - 0.5) + 0.5).abs() < 1e-10);
        assert!((wrap_angle(-4.0) - (TAU - 4.0)).abs() < 1e-15);
        assert!((wrap_angle(4.0) - (4.0 - TAU)).abs() < 1e-15);
        for a in [-PI - 1e-15, PI + 1e-15, -7.5, 7.5, 1e6 + 0.25, -1e9, -TAU] {
            check(a);
        }
    }

    #[test]
    fn non_finite_values_give_nan() {
        assert!(wrap_angle(f64::NAN).is_nan());
        assert!(wrap_angle(f64::INFINITY).is_nan());
        assert!(wrap_angle(f64::NEG_INFINITY).is_nan());
    }

    #[test]
    fn slices_wrap_entry_by_entry() {
        let mut phi = [PI, -4.0, 0.5, f64::NAN];
        wrap_angles(&mut phi);
        assert_eq!(phi[..3], [-PI, wrap_angle(-4.0), 0.5]);
        assert!(phi[3].is_nan());
    }
}
