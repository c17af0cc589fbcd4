//! The runtime's error type: every failure names what mismatched or what was invalid.

/// Errors from pirk's runtime.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A setter received a value outside its domain.
    #[error("invalid setting `{name}`: {reason}")]
    InvalidSetting {
        /// The setting.
        name: &'static str,
        /// Why it was rejected.
        reason: String,
    },
    /// `S(φ; θ_0) − S_prior(φ)` was not constant over the test configurations.
    #[error(
        "prior does not match the theory at θ_0: S(φ;θ_0) − S_prior(φ) = {first} on configuration 0 but {other} on configuration {index} (difference {diff:e})"
    )]
    PriorMismatch {
        /// The difference on the first configuration.
        first: f64,
        /// The difference on the offending configuration.
        other: f64,
        /// Index of the offending configuration.
        index: usize,
        /// `|other − first|`.
        diff: f64,
    },
    /// A kernel name is not declared by the theory.
    #[error("unknown kernel `{0}`")]
    UnknownKernel(String),
    /// Only kernels that read the field at their own site can be projected on shells.
    #[error("kernel `{0}` reads the field at other sites, so it cannot be projected on shells")]
    NotUltralocal(String),
    /// A saved flow belongs to another theory, basis or lattice.
    #[error("flow file does not match: {what} is {found:?} in the file but {expected:?} here")]
    FlowMismatch {
        /// Which field mismatched.
        what: &'static str,
        /// The value in the file.
        found: String,
        /// The value expected by the caller.
        expected: String,
    },
    /// A linear solve failed.
    #[error("Wegner solve failed at t = {t}: {reason}")]
    Solve {
        /// The time slice.
        t: f64,
        /// What went wrong.
        reason: String,
    },
    /// Reading or writing a file failed.
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    /// (De)serialising a flow failed.
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
}

/// Shorthand for results with [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// Rejects a setting unless `ok`.
pub(crate) fn ensure(ok: bool, name: &'static str, reason: impl Into<String>) -> Result<()> {
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidSetting {
            name,
            reason: reason.into(),
        })
    }
}
