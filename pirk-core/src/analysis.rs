//! What is measured on ensembles: observables, statistics with errors, importance weights and
//! their tail, log-weight diagnostics, and exact references (0-d by quadrature, the XY ring by
//! its transfer matrix).

pub mod edges;
pub mod observables;
pub mod pareto;
pub mod profile;
pub mod quadrature;
pub mod stats;
pub mod tilt;
pub mod u1_torus;
pub mod weights;
pub mod xy_ring;
