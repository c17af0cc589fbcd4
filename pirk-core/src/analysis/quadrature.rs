//! Exact expectation values of a zero-dimensional theory by quadrature: the reference a 0-d
//! flow is checked against, computed from the same `Theory::action` the flow samples.

use crate::{Lattice, Theory};

/// Intervals of the trapezoid rule: ample for smooth integrands on `|φ| ≲ 20`.
const INTERVALS: usize = 240_000;

/// `(⟨φ^k⟩ for each k in powers, log ∫ e^{−S(φ;θ)} dφ)` for a one-site theory, by the trapezoid
/// rule on `[−half_width, half_width]` (choose it where `e^{−S}` is negligible).
pub fn quadrature<T: Theory>(
    theory: &T,
    theta: &[f64],
    half_width: f64,
    powers: &[i32],
) -> (Vec<f64>, f64) {
    let lat = Lattice::new(&[]);
    let h = 2.0 * half_width / INTERVALS as f64;
    let mut z = 0.0;
    let mut sums = vec![0.0; powers.len()];
    for i in 0..=INTERVALS {
        let x = -half_width + i as f64 * h;
        let end = if i == 0 || i == INTERVALS { 0.5 } else { 1.0 };
        let w = end * (-theory.action(&lat, theta, &[x])).exp();
        z += w;
        for (s, &k) in sums.iter_mut().zip(powers) {
            *s += w * x.powi(k);
        }
    }
    (sums.iter().map(|s| s / z).collect(), (z * h).ln())
}
