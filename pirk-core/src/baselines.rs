//! The classical samplers flows are measured against: HMC for every theory, and Wolff clusters
//! with local Metropolis sweeps for φ⁴ in hopping form.

pub mod hmc;
pub mod metropolis;
pub mod schedule;
pub mod wolff;
