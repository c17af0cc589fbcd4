//! Bad input (exit code 2) as distinct from failures while computing (exit code 1).

/// A problem with what the user gave: a card, a flag, a path. One line, naming the problem.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct InputError(String);

impl InputError {
    /// An input error with this message.
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

/// Returns early with an [`InputError`] built like `format!`.
macro_rules! bad_input {
    ($($arg:tt)*) => {
        return Err($crate::error::InputError::new(format!($($arg)*)).into())
    };
}
pub(crate) use bad_input;
