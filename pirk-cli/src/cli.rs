//! The command line (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Physics-informed kernel flows for lattice field theory: train, sample exactly, compare
/// with HMC, scan along coupling paths.
#[derive(Debug, Parser)]
#[command(name = "pirk", version, about, long_about = None)]
pub struct Cli {
    /// No progress bars or log lines on stderr (errors are still printed).
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the theories with their couplings and kernels.
    Theories,
    /// Print the Rust code `pirk::theory!` generated for a theory.
    Expand {
        /// Theory name (see `pirk theories`).
        theory: String,
    },
    /// Write a new crate NAME whose binary is this command line plus a theory of its own
    /// (φ⁶ to start from), with a run card and a README.
    New {
        /// Directory to create; its last component names the crate.
        name: PathBuf,
    },
    /// Train, sample, correct (MH or reweighting), measure, report and plot.
    Run(JobArgs),
    /// Train a flow only (writes flow.json, the Wegner residuals and report.json).
    Train(JobArgs),
    /// Sample with a flow trained earlier, then correct, measure, report and plot.
    Sample {
        /// The trained flow (flow.json of `pirk train` or `pirk run`).
        #[arg(long)]
        flow: PathBuf,
        /// Card, output and run options.
        #[command(flatten)]
        job: JobArgs,
    },
    /// Sample the target with hybrid Monte Carlo only.
    Hmc(JobArgs),
    /// Sample the target with the Wolff cluster algorithm only (theories with a Wolff
    /// embedding: hopping φ⁴ of one or N components, planar spins): the reference chain that
    /// tunnels where HMC does not.
    Wolff(JobArgs),
    /// PIK+MH and HMC on the same card: observables, ESS/acceptance, τ_int and cost.
    Compare(JobArgs),
    /// Observables along the coupling path θ(t) from one trained flow.
    Scan {
        /// A flow trained earlier for this card (flow.json of `pirk train`); absent: train one.
        #[arg(long)]
        flow: Option<PathBuf>,
        /// Card, output and run options.
        #[command(flatten)]
        job: JobArgs,
    },
}

/// What every job takes.
#[derive(Debug, Args)]
pub struct JobArgs {
    /// The run card (TOML).
    pub card: PathBuf,
    /// Output directory (must not exist unless --force).
    #[arg(long)]
    pub out: PathBuf,
    /// Replace an existing output directory (and discard an interrupted run).
    #[arg(long)]
    pub force: bool,
    /// Continue an interrupted run from its checkpoints.
    #[arg(long)]
    pub resume: bool,
    /// Worker threads (default: the card's `threads`, else all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Stop after writing this many sampling chunks, as if killed (for testing --resume).
    #[arg(long, hide = true)]
    pub stop_after_chunks: Option<usize>,
}
