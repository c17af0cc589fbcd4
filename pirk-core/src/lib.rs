//! pirk's runtime: lattices, the [`Theory`] interface that `pirk::theory!` implements, and
//! the samplers built on it.
#![warn(missing_docs)]

mod lattice;
mod theory;

pub use lattice::Lattice;
pub use theory::Theory;
