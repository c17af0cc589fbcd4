//! pirk's runtime: lattices, the [`Theory`] interface that `pirk::theory!` implements, and
//! the samplers built on it: priors, paths, kernel bases, the Wegner solver, training,
//! generation with exact correction, HMC, the Wolff-cluster baseline, observables and
//! statistics.
#![warn(missing_docs)]

mod basis;
mod error;
mod flow;
mod fourier;
mod free;
mod generate;
mod hmc;
mod lattice;
mod metropolis;
mod mh;
mod normal;
mod observables;
mod pareto;
mod path;
mod prior;
mod profile;
mod quadrature;
mod refine;
mod rng;
mod shells;
mod smeared;
mod stats;
mod steps;
mod theory;
mod tilt;
mod train;
pub mod vmath;
mod wegner;
mod weights;
mod wells;
mod wolff;
mod zero_mode;

pub use basis::{Basis, BasisScratch};
pub use error::{Error, Result};
pub use flow::{FLOW_VERSION, Flow};
pub use fourier::{LatticeFft, lattice_momentum_squared};
pub use free::FreeFieldPrior;
pub use generate::{Generator, Samples, Scheme};
pub use hmc::{Hmc, HmcReport, Integrator, hamiltonian, update_momentum, update_position};
pub use lattice::Lattice;
pub use metropolis::{Hopping, Metropolis};
pub use mh::{MhChain, independence_mh};
pub use normal::NormalPrior;
pub use observables::{
    action_density, binder, connected_correlator, magnetisation, second_moment_length,
    susceptibility, two_point,
};
pub use pareto::pareto_k;
pub use path::Path;
pub use prior::{Prior, check_prior};
pub use profile::{LogWeightProfile, ProfileBin, log_weight_profile};
pub use quadrature::quadrature;
pub use refine::{RefineRound, Refiner};
pub use rng::{StreamRng, stream_rng};
pub use shells::{ShellScratch, Shells};
pub use smeared::{Smeared, SmearedScratch};
pub use stats::{Estimate, GammaAnalysis, GammaMethod, Jackknife};
pub use steps::{StepChoice, StepTrial, fewest_steps};
pub use theory::Theory;
pub use tilt::{ZeroModeTilt, zero_mode_tilt};
pub use train::{Refresh, TrainReport, Trainer};
pub use wegner::{Centring, Method, SliceSolution, WegnerSolver};
pub use weights::{RunningEss, Weights};
pub use wells::TwoWellPrior;
pub use wolff::{Wolff, WolffReport};
pub use zero_mode::ZeroModePrior;
