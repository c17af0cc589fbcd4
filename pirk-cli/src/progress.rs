//! Progress bars (with ETA) and log lines on stderr; silent under `--quiet`. indicatif hides
//! bars by itself when stderr is not a terminal, so logs stay clean in CI and pipes.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Where progress and logs go.
#[derive(Clone, Copy, Debug)]
pub struct Progress {
    quiet: bool,
}

impl Progress {
    /// Silent when `quiet`.
    pub fn new(quiet: bool) -> Self {
        Self { quiet }
    }

    /// A bar over `len` items with rate and ETA.
    pub fn bar(&self, len: u64, what: &str) -> ProgressBar {
        let bar = ProgressBar::with_draw_target(Some(len), self.target());
        bar.set_style(
            ProgressStyle::with_template(
                "{prefix:>10} [{bar:30}] {pos}/{len} ({per_sec}, ETA {eta}) {msg}",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        bar.set_prefix(what.to_string());
        bar
    }

    /// One log line on stderr.
    pub fn log(&self, line: impl std::fmt::Display) {
        if !self.quiet {
            eprintln!("{line}");
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
