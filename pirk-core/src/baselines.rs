//! The classical samplers flows are measured against: HMC for every theory, Wolff clusters
//! with local Metropolis sweeps for φ⁴ in hopping form, and O(2) Wolff clusters for the XY
//! model.

pub mod hmc;
pub mod metropolis;
pub mod schedule;
pub mod wolff;
pub mod xy_wolff;
