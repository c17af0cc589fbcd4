//! The zero-mode tilt of a generated ensemble: the least-squares fit
//! `log w ≈ c + α M² + β M⁴` over its finite log-weights. Where it holds, the target's
//! magnetisation density is the flow's times `e^{α M² + β M⁴}`, so adding `−α/V` and `−β/V` to
//! the μ and g of a zero-mode prior (`ZeroModePrior`) moves the prior's magnetisation toward
//! the target's, as far as the flow carries M through unchanged. Starting from a free-field
//! prior (μ = g = 0), it proposes the zero-mode prior itself (docs/physics.md).

use faer::Mat;
use faer::linalg::solvers::SolveLstsq;
use serde::{Deserialize, Serialize};

/// The change of a zero-mode prior's couplings that removes the log-weights' trend in M.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ZeroModeTilt {
    /// Add to `zm_mass` (μ): `−α/V`.
    pub zm_mass: f64,
    /// Add to `zm_quartic` (g): `−β/V`.
    pub zm_quartic: f64,
}

/// The tilt of the configurations with magnetisation `m` and log-weights `log_w` on a lattice
/// of `volume` sites; `None` with fewer than four finite log-weights or fewer than three
/// distinct |M| among them (a quadratic in M² needs three).
pub fn zero_mode_tilt(m: &[f64], log_w: &[f64], volume: usize) -> Option<ZeroModeTilt> {
    assert_eq!(m.len(), log_w.len(), "one magnetisation per log-weight");
    let rows: Vec<usize> = (0..m.len()).filter(|&i| log_w[i].is_finite()).collect();
    let mut squares: Vec<f64> = rows.iter().map(|&i| m[i] * m[i]).collect();
    squares.sort_by(f64::total_cmp);
    squares.dedup();
    if rows.len() < 4 || squares.len() < 3 {
        return None;
    }
    // M² scaled to O(1) keeps the columns comparable for the QR solve.
    let scale = rows.iter().map(|&i| m[i] * m[i]).sum::<f64>() / rows.len() as f64;
    let design = Mat::from_fn(rows.len(), 3, |r, c| {
        (m[rows[r]].powi(2) / scale).powi(c as i32)
    });
    let rhs = Mat::from_fn(rows.len(), 1, |r, _| log_w[rows[r]]);
    let coeffs = design.qr().solve_lstsq(&rhs);
    let (alpha, beta) = (coeffs[(1, 0)] / scale, coeffs[(2, 0)] / (scale * scale));
    let v = volume as f64;
    let tilt = ZeroModeTilt {
        zm_mass: -alpha / v,
        zm_quartic: -beta / v,
    };
    (tilt.zm_mass.is_finite() && tilt.zm_quartic.is_finite()).then_some(tilt)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An exact quadratic-plus-quartic log-weight is recovered; rejected configurations are
    /// left out.
    #[test]
    fn recovers_an_exact_trend_and_ignores_rejected_configurations() {
        let m: Vec<f64> = (0..50).map(|i| -1.5 + 0.06 * i as f64).collect();
        let mut log_w: Vec<f64> = m
            .iter()
            .map(|x| 7.0 + 3.0 * x * x - 0.5 * x.powi(4))
            .collect();
        log_w[10] = f64::NEG_INFINITY;
        let tilt = zero_mode_tilt(&m, &log_w, 100).unwrap();
        assert!((tilt.zm_mass + 0.03).abs() < 1e-12, "{tilt:?}");
        assert!((tilt.zm_quartic - 0.005).abs() < 1e-12, "{tilt:?}");
    }

    #[test]
    fn needs_distinct_magnetisations() {
        let signs = [0.5, -0.5, 0.5, -0.5, 1.0, -1.0];
        assert_eq!(zero_mode_tilt(&signs, &[1.0; 6], 4), None);
        assert_eq!(zero_mode_tilt(&[0.5, 1.0, 1.5], &[1.0, 2.0, 3.0], 4), None);
        assert!(zero_mode_tilt(&[0.5, 1.0, 1.5, 0.0], &[1.0, 2.0, 3.0, 0.5], 4).is_some());
    }
}
