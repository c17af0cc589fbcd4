//! What is measured on ensembles: observables, statistics with errors, importance weights and
//! their tail, log-weight diagnostics, and exact 0-d references by quadrature.

pub mod observables;
pub mod pareto;
pub mod profile;
pub mod quadrature;
pub mod stats;
pub mod tilt;
pub mod weights;
