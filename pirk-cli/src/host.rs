//! The command line run by a host program (the Python module `pirk`) instead of a process:
//! the outcome as a value instead of an exit code, a way to stop a running job, and the
//! registered theories as data.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Why a command failed: the one line the command line prints after `error: `, and whether it
/// was bad input (exit code 2) or a failure while computing (exit code 1).
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct CommandError {
    /// The message, as printed after `error: `.
    pub message: String,
    /// Bad input (a card, a flag, a path): nothing was written.
    pub bad_input: bool,
}

impl CommandError {
    /// The exit code of the command line for this error.
    pub fn exit_code(&self) -> u8 {
        if self.bad_input { 2 } else { 1 }
    }
}

/// A flag a host raises to stop a running job: the job checks it wherever it advances a
/// progress bar (training steps, sampling chunks, HMC and Wolff updates, scan points) and
/// between refinement rounds, and fails with "interrupted", leaving its staging directory for
/// `--resume` as a kill would.
#[derive(Clone, Debug, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// A flag not raised.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the job to stop at its next check.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether [`Cancel::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// Unwinds out of the job when cancelled. Progress callbacks cannot return errors, so the
    /// job stops by unwinding (without the panic hook, so nothing is printed) to
    /// [`crate::App::execute_args`], which turns it into [`Interrupted`].
    pub(crate) fn check(&self) {
        if self.is_cancelled() {
            std::panic::resume_unwind(Box::new(Interrupted));
        }
    }
}

/// A job stopped by [`Cancel`].
#[derive(Debug, thiserror::Error)]
#[error("interrupted")]
pub struct Interrupted;

/// A registered theory as `theories` lists it.
#[derive(Clone, Debug)]
pub struct TheoryListing {
    /// The name cards use.
    pub name: &'static str,
    /// The one-line summary.
    pub summary: &'static str,
    /// The allowed numbers of lattice dimensions, lowest and highest.
    pub dimensions: (usize, usize),
    /// The couplings, in order.
    pub couplings: &'static [&'static str],
    /// The declared kernels, in order.
    pub kernels: &'static [&'static str],
}
