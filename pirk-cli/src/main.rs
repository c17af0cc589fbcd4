//! The `pirk` command line: built-in theories, run cards, PIK sampling with exact correction,
//! HMC comparison and parameter scans. See docs/cli.md.

mod card;
mod cli;
mod correct;
mod error;
mod hmc;
mod job;
mod measure;
mod npy;
mod outdir;
mod plots;
mod prior;
mod progress;
mod report;
mod sample;
mod scan;
mod seeds;
mod setup;
mod stages;
mod summary;
mod theories;
mod wolff;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::error::InputError;
use crate::job::{Job, Kind};
use crate::progress::Progress;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match execute(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            if e.downcast_ref::<InputError>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

fn execute(cli: Cli) -> anyhow::Result<()> {
    let progress = Progress::new(cli.quiet);
    let (kind, args) = match cli.command {
        Command::Theories => {
            print!("{}", list_theories());
            return Ok(());
        }
        Command::Expand { theory } => {
            print!("{}", theories::find(&theory)?.source);
            return Ok(());
        }
        Command::Run(a) => (Kind::Run, a),
        Command::Train(a) => (Kind::Train, a),
        Command::Sample { flow, job } => (Kind::Sample(flow), job),
        Command::Hmc(a) => (Kind::Hmc, a),
        Command::Wolff(a) => (Kind::Wolff, a),
        Command::Compare(a) => (Kind::Compare, a),
        Command::Scan(a) => (Kind::Scan, a),
    };
    Job::new(kind, args, progress).execute()
}

/// `pirk theories`: name, summary, couplings and kernels of each built-in theory.
fn list_theories() -> String {
    theories::ALL
        .iter()
        .map(|e| {
            let dims = match e.ndim {
                (lo, hi) if lo == hi => format!("{lo}"),
                (lo, hi) => format!("{lo}-{hi}"),
            };
            format!(
                "{}  ({}, {dims} dimensions)\n  {}\n  couplings: {}\n  kernels:   {}\n",
                e.name,
                e.type_name,
                e.summary,
                e.params.join(", "),
                e.kernels.join(", ")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}
