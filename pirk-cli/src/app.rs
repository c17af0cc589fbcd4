//! [`App`]: the command line as a value. It holds the registered theories and runs every
//! command on them, so a crate that declares its own theory gets the whole `pirk` command line
//! for it from one `main`.

use std::ffi::OsString;
use std::ops::RangeInclusive;
use std::panic::AssertUnwindSafe;
use std::process::ExitCode;

use clap::Parser;
use pirk::Theory;

use crate::cli::{Cli, Command};
use crate::error::InputError;
use crate::host::{Cancel, CommandError, Interrupted, TheoryListing};
use crate::job::{Job, Kind};
use crate::progress::Progress;
use crate::registry::{ClusterEmbedding, Entry, Registry};
use crate::{scaffold, theories};

/// The `pirk` command line over a set of registered theories.
///
/// ```no_run
/// pirk::theory! {
///     /// Hopping-form φ⁴ plus a sextic term.
///     pub Phi6 {
///         params: [kappa, lambda, g6],
///         action: -2 * kappa * sum_mu(phi[x] * phi[x + mu]) + (1 - 2 * lambda) * phi[x]^2
///             + lambda * phi[x]^4 + g6 * phi[x]^6,
///         kernels: { th1: tanh(phi[x]), zm1: tanh(mean(phi)) },
///     }
/// }
///
/// fn main() -> std::process::ExitCode {
///     pirk_cli::App::with_builtins()
///         .theory::<Phi6>("phi6", "hopping φ⁴ plus g6 φ⁶")
///         .main()
/// }
/// ```
#[derive(Debug, Default)]
pub struct App {
    registry: Registry,
}

impl App {
    /// A command line without theories.
    pub fn new() -> Self {
        Self::default()
    }

    /// The command line of the `pirk` binary: every built-in theory (`pirk theories`).
    pub fn with_builtins() -> Self {
        theories::builtins(Self::new())
    }

    /// Adds theory `T` under `name` (what cards write as `theory = "…"`), with a one-line
    /// `summary` for `theories`. It accepts 1 to 4 lattice dimensions unless
    /// [`App::dimensions`] says otherwise, and has no Wolff baseline unless [`App::wolff`] gives
    /// its embedding. Panics if `name` is taken.
    pub fn theory<T: Theory + Default + 'static>(
        mut self,
        name: &'static str,
        summary: &'static str,
    ) -> Self {
        self.registry.register(Entry::new::<T>(name, summary));
        self
    }

    /// The lattice dimensions the theory registered last accepts (`0..=0` for a
    /// zero-dimensional theory).
    pub fn dimensions(mut self, dims: RangeInclusive<usize>) -> Self {
        self.registry.last_mut("dimensions").set_dimensions(dims);
        self
    }

    /// Where the theory registered last contains an action a Wolff cluster algorithm updates:
    /// the hopping form ([`crate::WolffEmbedding`]), which enables the Wolff baseline
    /// (`compare`, `wolff`) and the Wolff refresh of training, or the planar action of a
    /// periodic field ([`crate::PlanarEmbedding`]), which enables the O(2) Wolff baseline and
    /// the helicity modulus. Panics if a name is not one of its couplings, or if a planar
    /// embedding is given for a field that is not periodic.
    pub fn wolff(mut self, embedding: impl Into<ClusterEmbedding>) -> Self {
        self.registry.last_mut("wolff").set_wolff(embedding.into());
        self
    }

    /// Runs the command line on the process's arguments: what a binary's `main` returns.
    /// Built with the `mpi` feature it joins the MPI ranks it was started with
    /// (docs/cluster.md).
    pub fn main(self) -> ExitCode {
        #[cfg(feature = "mpi")]
        let _session = pirk::start_mpi();
        self.run(std::env::args_os())
    }

    /// Runs the command line on `args` (without the program name), as if given to the binary:
    /// writes what it would write and returns its exit code.
    pub fn run_args<I, S>(&self, args: I) -> ExitCode
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.run(argv(args))
    }

    /// Runs the command line on `args` (without the program name) for a host program: writes
    /// and prints what the binary would, but returns the outcome instead of printing an error,
    /// and stops with [`Interrupted`] when `cancel` is raised. `--quiet` silences a job's
    /// stdout here too (its summary table: a host reads `report.json`). Help and version
    /// requests are bad input here.
    pub fn execute_args<I, S>(&self, args: I, cancel: &Cancel) -> Result<(), CommandError>
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        let cli = Cli::try_parse_from(argv(args)).map_err(|e| CommandError {
            message: clap_message(&e),
            bad_input: true,
        })?;
        let stdout = !cli.quiet;
        self.execute_cli(cli, cancel, stdout)
    }

    /// The registered theories, in the order `theories` lists them.
    pub fn theories(&self) -> Vec<TheoryListing> {
        self.registry
            .entries()
            .iter()
            .map(|e| TheoryListing {
                name: e.name,
                summary: e.summary,
                dimensions: e.ndim,
                couplings: e.params,
                kernels: e.kernels,
            })
            .collect()
    }

    /// Exit codes: 0 success, 2 bad input (or a command line clap rejects), 1 a failure while
    /// computing.
    fn run(&self, argv: impl IntoIterator<Item = OsString>) -> ExitCode {
        let cli = match Cli::try_parse_from(argv) {
            Ok(cli) => cli,
            Err(e) => {
                // Help and version are "errors" that print to stdout and exit with 0.
                let _ = e.print();
                return ExitCode::from(e.exit_code().clamp(0, 255) as u8);
            }
        };
        match self.execute_cli(cli, &Cancel::new(), true) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                // Every rank fails alike; one says so.
                if pirk::ranks().is_root() {
                    eprintln!("error: {e}");
                }
                ExitCode::from(e.exit_code())
            }
        }
    }

    /// Executes `cli` (printing a job's result on stdout if `stdout`), turning an error into
    /// its one line and an unwinding [`Cancel`] into [`Interrupted`].
    fn execute_cli(&self, cli: Cli, cancel: &Cancel, stdout: bool) -> Result<(), CommandError> {
        let outcome =
            std::panic::catch_unwind(AssertUnwindSafe(|| self.execute(cli, cancel, stdout)))
                .unwrap_or_else(|payload| match payload.downcast::<Interrupted>() {
                    Ok(interrupted) => Err((*interrupted).into()),
                    Err(payload) => std::panic::resume_unwind(payload),
                });
        outcome.map_err(|e| CommandError {
            message: format!("{e:#}"),
            bad_input: e.downcast_ref::<InputError>().is_some(),
        })
    }

    /// The registered theories.
    #[cfg(test)]
    pub(crate) fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Only rank 0 of an MPI run prints.
    fn execute(&self, cli: Cli, cancel: &Cancel, stdout: bool) -> anyhow::Result<()> {
        let root = pirk::ranks().is_root();
        let progress = Progress::new(cli.quiet || !root, stdout && root, cancel.clone());
        let (kind, args) = match cli.command {
            Command::Theories => {
                let listing: Vec<String> = self
                    .registry
                    .entries()
                    .iter()
                    .map(Entry::describe)
                    .collect();
                if root {
                    print!("{}", listing.join("\n"));
                }
                return Ok(());
            }
            Command::Expand { theory } => {
                let source = self.registry.find(&theory)?.source;
                if root {
                    print!("{source}");
                }
                return Ok(());
            }
            Command::New { name } => return scaffold::write(&name, &progress),
            Command::Run(a) => (Kind::Run, a),
            Command::Train(a) => (Kind::Train, a),
            Command::Sample { flow, job } => (Kind::Sample(flow), job),
            Command::Hmc(a) => (Kind::Hmc, a),
            Command::Wolff(a) => (Kind::Wolff, a),
            Command::Compare(a) => (Kind::Compare, a),
            Command::Scan { flow, job } => (Kind::Scan(flow), job),
        };
        Job::new(kind, args, progress, &self.registry).execute()
    }
}

/// `args` after the program name.
fn argv<S: Into<OsString>>(args: impl IntoIterator<Item = S>) -> impl Iterator<Item = OsString> {
    std::iter::once("pirk".into()).chain(args.into_iter().map(Into::into))
}

/// The first line of clap's rendering of `e`, without its `error: ` prefix.
fn clap_message(e: &clap::Error) -> String {
    let text = e.render().to_string();
    let line = text.lines().next().unwrap_or_default();
    line.strip_prefix("error: ").unwrap_or(line).to_string()
}
