//! The flow itself: the path of couplings, one Wegner slice, self-consistent training, the
//! trained flow, pruning of the kernels that carry nothing, generation with its step count and refinement, and the exact correction by
//! independence Metropolis–Hastings.

pub mod generate;
pub mod mh;
pub mod offset;
pub mod path;
pub mod prune;
pub mod refine;
mod relax;
pub(crate) mod rk4;
pub mod schedule;
pub mod steps;
pub mod train;
pub mod trained;
pub mod wegner;
