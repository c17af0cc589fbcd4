//! Observables, one file per observable or small group.

mod action_density;
mod correlator;
mod gauge;
mod magnetisation;
mod o_n;
mod planar;

pub use action_density::action_density;
pub use correlator::{connected_correlator, lowest_mode_power, second_moment_length, two_point};
pub use gauge::{plaquette, plaquette_angle, topological_charge};
pub use magnetisation::{binder, magnetisation, susceptibility};
pub use o_n::{magnetisation_length, o_n_binder, o_n_susceptibility, vector_magnetisation};
pub use planar::{helicity_modulus, helicity_terms, planar_magnetisation, vortex_density};
