//! A value with its one-sigma error.

/// `value ± error`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// Central value.
    pub value: f64,
    /// One standard deviation.
    pub error: f64,
}

impl Estimate {
    /// `(self − other)` in units of the combined error.
    pub fn pull(&self, other: &Estimate) -> f64 {
        (self.value - other.value) / self.error.hypot(other.error)
    }
}

impl std::fmt::Display for Estimate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ± {}", self.value, self.error)
    }
}
