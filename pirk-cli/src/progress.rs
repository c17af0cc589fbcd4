//! Progress bars (with ETA) and log lines on stderr; silent under `--quiet`. indicatif hides
//! bars by itself when stderr is not a terminal, so logs stay clean in CI and pipes. Advancing
//! a bar is also where a job notices a host's [`Cancel`]. A job's result lines on stdout go
//! through here too, so that a host's quiet run prints nothing at all.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use pirk::{EdgeWeights, PARETO_K_UNRELIABLE};

use crate::crosscheck::ErrorCheck;
use crate::host::Cancel;
use crate::stationarity::{Stationarity, stationarity_shifts};
use crate::stepcheck::StepCheck;

/// The share of generated configurations above which rejections (non-finite or runaway
/// trajectories, weight zero) are warned about: each one is target mass the estimates miss.
pub const REJECTED_WARN: f64 = 1e-3;

/// Where progress and logs go.
#[derive(Clone, Debug)]
pub struct Progress {
    quiet: bool,
    stdout: bool,
    cancel: Cancel,
}

impl Progress {
    /// Silent on stderr when `quiet`, on stdout unless `stdout`; the job stops when `cancel`
    /// is raised.
    pub fn new(quiet: bool, stdout: bool, cancel: Cancel) -> Self {
        Self {
            quiet,
            stdout,
            cancel,
        }
    }

    /// The job's result (the summary table, `new`'s next command) on stdout.
    pub fn print(&self, text: impl std::fmt::Display) {
        if self.stdout {
            print!("{text}");
        }
    }

    /// A bar over `len` items with rate and ETA.
    pub fn bar(&self, len: u64, what: &str) -> Bar {
        let bar = ProgressBar::with_draw_target(Some(len), self.target());
        bar.set_style(
            ProgressStyle::with_template(
                "{prefix:>10} [{bar:30}] {pos}/{len} ({per_sec}, ETA {eta}) {msg}",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        bar.set_prefix(what.to_string());
        Bar {
            bar,
            cancel: self.cancel.clone(),
        }
    }

    /// Stops the job here if a host cancelled it, for a stage without a bar (between
    /// refinement rounds).
    pub fn check_cancel(&self) {
        self.cancel.check();
    }

    /// One log line on stderr.
    pub fn log(&self, line: impl std::fmt::Display) {
        if !self.quiet {
            eprintln!("{line}");
        }
    }

    /// A warning on stderr, also under `--quiet`, when the importance weights at `at` have a
    /// tail (Pareto `k̂` above 0.7) that makes reweighted estimates unreliable.
    pub fn warn_tail(&self, at: &str, pareto_k: Option<f64>) {
        if let Some(k) = pareto_k.filter(|&k| k > PARETO_K_UNRELIABLE) {
            warning(format!(
                "warning: at {at} the importance weights' Pareto k̂ is {k:.2} (> {PARETO_K_UNRELIABLE}): their tail is too heavy for the estimates and error bars to be trusted, whatever the ESS"
            ));
        }
    }

    /// A warning on stderr, also under `--quiet`, when the weights at `at` rise toward an edge
    /// of the drawn magnetisation lengths: the target has mass the flow does not reach.
    pub fn warn_edges(&self, at: &str, edges: Option<&EdgeWeights>) {
        for (which, ratio, z) in edges.map(EdgeWeights::flagged).unwrap_or_default() {
            warning(format!(
                "warning: at {at} the 1 % of configurations with the {which} |M| carry {ratio:.1} % of the weight ({z:.1} standard errors above 1 %): the flow is narrower than the target there and does not reach all of its mass, which no weight restores; tail-sensitive estimates (U, higher moments) can be biased whatever k̂ and the ESS say (docs/report-schema.md, `edge_weights`)"
            ));
        }
    }

    /// A warning on stderr, also under `--quiet`, when more than [`REJECTED_WARN`] of the `n`
    /// configurations generated at `at` were rejected; `weight` is the share of the weight they
    /// carried before they were stopped.
    pub fn warn_rejected(&self, at: &str, rejected: usize, n: usize, weight: f64) {
        if rejected as f64 > REJECTED_WARN * n as f64 {
            warning(format!(
                "warning: at {at} {rejected} of {n} generated configurations ({:.2} %) were rejected as non-finite or runaway; before they were stopped they carried {:.2} % of the weight, the share of the target's mass the estimates miss (docs/physics.md, \"Rejected configurations\")",
                100.0 * rejected as f64 / n as f64,
                100.0 * weight
            ));
        }
    }

    /// A warning on stderr, also under `--quiet`, when the log-weights at `at` change by more
    /// than the check's tolerance at twice the generation steps.
    pub fn warn_steps(&self, at: &str, check: &StepCheck) {
        if !check.converged {
            warning(format!(
                "warning: at {at} the log-weights change by {:.2e} (RMS) at twice the {} generation steps, more than {:.2e} = 1/√(ESS·n): the integrator's error can bias the estimates by their error bars; raise [sample] steps",
                check.rms_log_w_change, check.steps, check.tolerance
            ));
        }
    }

    /// A warning on stderr, also under `--quiet`, when HMC from the generated configurations
    /// shifts an observable at `at` ([`Stationarity::flagged`]).
    pub fn warn_stationarity(&self, at: &str, check: Option<&Stationarity>) {
        if let Some(c) = check.filter(|c| c.flagged) {
            warning(format!(
                "warning: at {at} {}: the flow misses mass of the target that HMC walks toward, and the estimates can be biased far beyond their error bars",
                stationarity_shifts(c)
            ));
        }
    }

    /// A warning on stderr, also under `--quiet`, when the MH chain's and reweighting's error
    /// bars at `at` disagree.
    pub fn warn_errors(&self, at: &str, check: &ErrorCheck) {
        if !check.agree {
            warning(format!(
                "warning: at {at} the error bars used are {}",
                check.reason
            ));
        }
    }

    fn target(&self) -> ProgressDrawTarget {
        if self.quiet {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr()
        }
    }
}

/// A progress bar that checks for cancellation whenever it advances.
pub struct Bar {
    bar: ProgressBar,
    cancel: Cancel,
}

impl Bar {
    /// Moves to `pos`.
    pub fn set_position(&self, pos: u64) {
        self.cancel.check();
        self.bar.set_position(pos);
    }

    /// Advances by `delta`.
    pub fn inc(&self, delta: u64) {
        self.cancel.check();
        self.bar.inc(delta);
    }

    /// Text after the bar.
    pub fn set_message(&self, message: String) {
        self.bar.set_message(message);
    }

    /// Removes the bar: done.
    pub fn finish_and_clear(&self) {
        self.bar.finish_and_clear();
    }

    /// Leaves the bar where it stopped: the job ends early.
    pub fn abandon(&self) {
        self.bar.abandon();
    }
}

/// A warning on stderr, also under `--quiet`; in an MPI run from rank 0 only.
fn warning(text: String) {
    if pirk::ranks().is_root() {
        eprintln!("{text}");
    }
}
