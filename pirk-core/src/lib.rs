//! pirk's runtime: lattices, the [`Theory`] interface that `pirk::theory!` implements, and
//! the samplers built on it: priors, paths, kernel bases, the Wegner solver, training,
//! generation with exact correction, HMC, the Wolff-cluster baselines, observables and
//! statistics.
#![warn(missing_docs)]

mod analysis;
mod angles;
mod baselines;
mod bases;
mod error;
mod flow;
pub mod lanes;
mod lattice;
mod priors;
mod ranks;
mod rng;
mod theory;
pub mod vmath;

pub use analysis::edges::{EDGE_RATIO_WARN, EDGE_Z_WARN, EdgeWeights, edge_weights};
pub use analysis::observables::{
    action_density, binder, connected_correlator, helicity_modulus, helicity_terms,
    lowest_mode_power, magnetisation, magnetisation_length, o_n_binder, o_n_susceptibility,
    planar_magnetisation, plaquette, plaquette_angle, second_moment_length, susceptibility,
    topological_charge, two_point, vector_magnetisation, vortex_density,
};
pub use analysis::pareto::{PARETO_K_UNRELIABLE, pareto_k, pareto_smoothed};
pub use analysis::profile::{LogWeightProfile, ProfileBin, log_weight_profile};
pub use analysis::quadrature::quadrature;
pub use analysis::stats::{Estimate, GammaAnalysis, GammaMethod, Jackknife};
pub use analysis::tilt::{TiltFit, ZeroModeTilt, zero_mode_tilt, zero_mode_tilt_toward};
pub use analysis::u1_torus::U1Torus;
pub use analysis::weights::{RunningEss, Weights};
pub use analysis::xy_ring::XyRing;
pub use angles::{wrap_angle, wrap_angles};
pub use baselines::hmc::{
    Hmc, HmcReport, Integrator, Potential, hamiltonian, update_momentum, update_position,
};
pub use baselines::metropolis::{Hopping, Metropolis};
pub use baselines::on_wolff::{OnWolff, OnWolffReport};
pub use baselines::schedule::ChainSchedule;
pub use baselines::wolff::{Wolff, WolffReport};
pub use baselines::xy_wolff::{XyWolff, XyWolffReport};
pub use bases::basis::{Basis, BasisScratch};
pub use bases::flux::{Flux, FluxScratch};
pub use bases::fourier::{LatticeFft, lattice_momentum_squared};
pub use bases::shells::{ShellScratch, Shells};
pub use bases::smeared::{Smeared, SmearedScratch};
pub use bases::spins::{Spins, SpinsScratch};
pub use error::{Error, Result};
pub use flow::generate::{Generator, Samples, Scheme};
pub use flow::mh::{MhChain, independence_mh};
pub use flow::offset::{Offset, PriorOffset, Switched, offset_weight};
pub use flow::path::Path;
pub use flow::prune::{PruneRule, Pruning};
pub use flow::refine::{RefineRound, Refiner};
pub use flow::schedule::Schedule;
pub use flow::steps::{StepChoice, StepSearch, StepTrial, choose_steps};
pub use flow::train::{Refresh, TrainReport, Trainer};
pub use flow::trained::{FLOW_VERSION, Flow};
pub use flow::wegner::{Centring, Method, SliceSolution, WegnerSolver};
pub use lattice::Lattice;
pub use priors::components::ComponentPrior;
pub use priors::free::FreeFieldPrior;
pub use priors::nearest::nearest_mass;
pub use priors::normal::NormalPrior;
pub use priors::prior::{Prior, check_prior};
pub use priors::quadratic::QuadraticPart;
pub use priors::uniform::UniformAnglePrior;
pub use priors::wells::TwoWellPrior;
pub use priors::zero_mode::ZeroModePrior;
#[cfg(feature = "mpi")]
pub use ranks::{MpiSession, start_mpi};
pub use ranks::{Ranks, ranks};
pub use rng::{StreamRng, stream_rng};
pub use theory::Theory;
