//! The prior from the action: the theory's quadratic part at `φ = 0` (the compiler's
//! [`Theory::quadratic_force`]) read as a free field `a Σ_μ (φ_{x+μ} − φ_x)² + m φ²`, with its
//! mass lifted where the quadratic part is unstable (near-critical and broken phases), so that
//! every theory has a Gaussian to start from.

use serde::Serialize;

use crate::error::{Result, ensure};
use crate::{FreeFieldPrior, Lattice, Theory};

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
    /// the whole column is the free field's: a nearest-neighbour, isotropic quadratic part.
    pub fn of<T: Theory>(theory: &T, lat: &Lattice, theta: &[f64]) -> Result<Self> {
        let v = lat.volume();
        let (mut unit, mut column) = (vec![0.0; v], vec![0.0; v]);
        unit[0] = 1.0;
        theory.quadratic_force(lat, theta, &unit, &mut column);
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
        let expected = part.column(lat);
        let scale = column.iter().map(|c| c.abs()).fold(0.0, f64::max).max(1.0);
        ensure(
            column.iter().all(|c| c.is_finite())
                && column
                    .iter()
                    .zip(&expected)
                    .all(|(c, e)| (c - e).abs() <= 1e-9 * scale),
            "quadratic part",
            "the action's quadratic part at φ = 0 is not a nearest-neighbour free field; \
             give the prior in the card",
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

    /// The free-field prior with this kinetic term and the mass `max(m, floor)`: the matching
    /// Gaussian where it is stable, else the nearly massless one near which the flow has to
    /// build the collective mode. A negative kinetic term has no stable Gaussian at all.
    pub fn prior(&self, lat: &Lattice, floor: f64) -> Result<FreeFieldPrior> {
        let (kinetic, mass) = self.prior_couplings(floor)?;
        FreeFieldPrior::new(lat, kinetic, mass)
    }

    /// The kinetic term and mass of [`QuadraticPart::prior`], for a host that records them.
    pub fn prior_couplings(&self, floor: f64) -> Result<(f64, f64)> {
        ensure(
            self.kinetic >= 0.0,
            "quadratic part",
            format!(
                "its kinetic coefficient {:.6} is negative: no stable Gaussian; give the prior in the card",
                self.kinetic
            ),
        )?;
        Ok((self.kinetic, self.mass.max(floor)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::priors::free_theory::FreeTheory;

    #[test]
    fn recovers_kinetic_and_mass_on_every_shape() {
        for dims in [&[5, 4][..], &[2, 3], &[7], &[], &[3, 2, 4]] {
            let lat = Lattice::new(dims);
            let part = QuadraticPart::of(&FreeTheory, &lat, &[0.27, -0.13]).unwrap();
            let kinetic = if dims.is_empty() { 0.0 } else { 0.27 };
            assert!((part.kinetic - kinetic).abs() < 1e-14, "{dims:?} {part:?}");
            assert!((part.mass + 0.13).abs() < 1e-14, "{dims:?} {part:?}");
            // the unstable mass is lifted to the floor
            assert!(part.prior(&lat, 0.01).is_ok());
        }
        let lat = Lattice::new(&[4, 4]);
        let part = QuadraticPart::of(&FreeTheory, &lat, &[-0.1, 1.0]).unwrap();
        assert!(part.prior(&lat, 0.01).is_err());
    }
}
