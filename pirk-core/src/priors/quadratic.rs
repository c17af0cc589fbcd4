//! The prior from the action: the theory's quadratic part at `φ = 0` (the compiler's
//! [`Theory::quadratic_force`]) read as a free field `a Σ_μ (φ_{x+μ} − φ_x)² + m φ²`. The prior
//! keeps its kinetic term and takes the mass of the Gaussian nearest the theory
//! ([`crate::nearest_mass`]), so that every theory has a Gaussian to start from, also where the
//! quadratic part is unstable (near-critical and broken phases, double wells on every site).

use serde::Serialize;

use crate::error::{Result, ensure};
use crate::{Lattice, Theory, nearest_mass};

/// The kinetic coefficient `a` and mass `m` of a theory's quadratic part at `φ = 0`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct QuadraticPart {
    /// `a`.
    pub kinetic: f64,
    /// `m` (may be negative: then the Gaussian is unstable).
    pub mass: f64,
}

impl QuadraticPart {
    /// Reads `a` and `m` off the column `H e_0` of the Hessian at zero field, and checks that
    /// the whole column is the free field's: a nearest-neighbour, isotropic quadratic part. An
    /// N-component field must have that same free field in every component and no term that
    /// mixes components (the columns `H e_{0,a}`), so that N independent copies
    /// ([`crate::ComponentPrior`]) are its Gaussian.
    pub fn of<T: Theory>(theory: &T, lat: &Lattice, theta: &[f64]) -> Result<Self> {
        let n = T::COMPONENTS;
        let mut columns = Vec::with_capacity(n);
        for a in 0..n {
            let (mut unit, mut column) =
                (vec![0.0; T::field_len(lat)], vec![0.0; T::field_len(lat)]);
            unit[a] = 1.0;
            theory.quadratic_force(lat, theta, &unit, &mut column);
            columns.push(column);
        }
        let column: Vec<f64> = columns[0].iter().step_by(n).copied().collect();
        // Σ_x H_{x0} = 2m; the off-diagonal sum is −4 d a (an extent of two folds ±μ into one).
        let total: f64 = column.iter().sum();
        let off_diagonal = total - column[0];
        let d = lat.ndim() as f64;
        let part = Self {
            kinetic: if d > 0.0 {
                -off_diagonal / (4.0 * d)
            } else {
                0.0
            },
            mass: total / 2.0,
        };
        let one = part.column(lat);
        let scale = column.iter().map(|c| c.abs()).fold(0.0, f64::max).max(1.0);
        // Component a's column is the free field's in component a and zero in the others.
        let matches = |a: usize, column: &[f64]| {
            column.iter().enumerate().all(|(i, c)| {
                let e = if i % n == a { one[i / n] } else { 0.0 };
                c.is_finite() && (c - e).abs() <= 1e-9 * scale
            })
        };
        ensure(
            columns.iter().enumerate().all(|(a, c)| matches(a, c)),
            "quadratic part",
            "the action's quadratic part at φ = 0 is not a nearest-neighbour free field (the \
             same in every component); give the prior in the card",
        )?;
        Ok(part)
    }

    /// `H e_0` of the free field `a Σ_μ (φ_{x+μ} − φ_x)² + m φ²`.
    fn column(&self, lat: &Lattice) -> Vec<f64> {
        let mut column = vec![0.0; lat.volume()];
        column[0] = 2.0 * self.mass;
        for mu in 0..lat.ndim() {
            column[0] += 4.0 * self.kinetic;
            for forward in [true, false] {
                column[lat.neighbor(0, mu, forward)] -= 2.0 * self.kinetic;
            }
        }
        column
    }

    /// The kinetic term and mass of the prior from the action: this kinetic term, and the mass
    /// `≥ floor` of the Gaussian nearest the theory at `theta` ([`nearest_mass`], estimated on
    /// draws from the stream `seed`): the matching Gaussian where the quadratic part is stable and
    /// the field stays small, the self-consistent one where it is unstable or the interaction
    /// dominates. A negative kinetic term has no stable Gaussian at all.
    pub fn prior_couplings<T: Theory>(
        &self,
        theory: &T,
        lat: &Lattice,
        theta: &[f64],
        floor: f64,
        seed: u64,
    ) -> Result<(f64, f64)> {
        ensure(
            self.kinetic >= 0.0,
            "quadratic part",
            format!(
                "its kinetic coefficient {:.6} is negative: no stable Gaussian; give the prior in the card",
                self.kinetic
            ),
        )?;
        let mass = nearest_mass(theory, lat, theta, self.kinetic, floor, seed)?;
        Ok((self.kinetic, mass))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::priors::quartic_theory::QuarticTheory;

    #[test]
    fn recovers_kinetic_and_mass_on_every_shape() {
        for dims in [&[5, 4][..], &[2, 3], &[7], &[], &[3, 2, 4]] {
            let lat = Lattice::new(dims);
            let part = QuadraticPart::of(&QuarticTheory, &lat, &[0.27, -0.13, 0.0]).unwrap();
            let kinetic = if dims.is_empty() { 0.0 } else { 0.27 };
            assert!((part.kinetic - kinetic).abs() < 1e-14, "{dims:?} {part:?}");
            assert!((part.mass + 0.13).abs() < 1e-14, "{dims:?} {part:?}");
            // the unstable free field's nearest Gaussian is the floor's
            let theta = [0.27, -0.13, 0.0];
            let (_, mass) = (part.prior_couplings(&QuarticTheory, &lat, &theta, 0.01, 1)).unwrap();
            assert_eq!(mass, 0.01, "{dims:?}");
        }
        let lat = Lattice::new(&[4, 4]);
        let part = QuadraticPart::of(&QuarticTheory, &lat, &[-0.1, 1.0, 0.0]).unwrap();
        assert!((part.prior_couplings(&QuarticTheory, &lat, &[-0.1, 1.0, 0.0], 0.01, 1)).is_err());
    }
}
