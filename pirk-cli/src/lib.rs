//! The `pirk` command line as a library: run cards, PIK sampling with exact correction, HMC
//! and Wolff comparison, parameter scans, reports and plots for the built-in theories and for
//! any theory declared with `pirk::theory!` and registered with [`App`]. The `pirk` binary is
//! `App::with_builtins().main()`; `pirk new NAME` writes a crate whose binary adds a theory of
//! its own; a host program (the Python module) runs commands with `App::execute_args`. See
//! docs/cli.md.

#![warn(missing_docs)]

mod app;
mod assemble;
mod card;
mod cli;
mod correct;
mod cost;
mod crosscheck;
mod error;
mod hmc;
mod host;
mod job;
mod measure;
mod memory;
mod npy;
mod outdir;
mod plots;
mod prior;
mod progress;
mod registry;
mod replicas;
mod report;
mod sample;
mod scaffold;
mod seeds;
mod setup;
mod shared;
mod stages;
mod stationarity;
mod stepcheck;
mod summary;
mod theories;
mod tune;
mod wolff;

pub use app::App;
pub use host::{Cancel, CommandError, Interrupted, TheoryListing};
pub use registry::{ClusterEmbedding, PlanarEmbedding, WolffEmbedding};
