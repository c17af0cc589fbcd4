//! Kernel bases: the declared kernels a card selects, the momentum shells, the smeared
//! kernels, the spin-smeared kernels of angle fields and the flux kernels of two-dimensional
//! link fields, with the lattice FFTs the last four run on.

pub mod basis;
pub mod flux;
pub mod fourier;
pub mod shells;
pub mod smeared;
pub mod spins;
