//! The action density `S(φ; θ)/V`.

use crate::{Lattice, Theory};

/// `S(φ; θ)/V`.
pub fn action_density<T: Theory>(theory: &T, lat: &Lattice, theta: &[f64], phi: &[f64]) -> f64 {
    theory.action(lat, theta, phi) / lat.volume() as f64
}
