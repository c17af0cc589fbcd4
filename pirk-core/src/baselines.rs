//! The classical samplers flows are measured against: HMC for every theory, Wolff clusters
//! with local Metropolis sweeps for φ⁴ in hopping form (one component, and N components with
//! the O(N) embedding), and O(2) Wolff clusters for the XY model.

mod cluster;
pub mod hmc;
pub mod metropolis;
pub mod on_wolff;
pub mod schedule;
pub mod wolff;
pub mod xy_wolff;
