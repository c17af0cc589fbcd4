//! Kernel bases: the declared kernels a card selects, the momentum shells, and the smeared
//! kernels, with the lattice FFTs the latter two run on.

pub mod basis;
pub mod fourier;
pub mod shells;
pub mod smeared;
