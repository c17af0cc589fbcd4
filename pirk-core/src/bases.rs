//! Kernel bases: the declared kernels a card selects, the momentum shells, the smeared
//! kernels and the spin-smeared kernels of angle fields, with the lattice FFTs the last three
//! run on.

pub mod basis;
pub mod fourier;
pub mod shells;
pub mod smeared;
pub mod spins;
