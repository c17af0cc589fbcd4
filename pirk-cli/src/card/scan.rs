//! `[scan]`: parameter-conditional sampling along the path.

use serde::Deserialize;

use super::positive;
use crate::error::InputError;

/// `[scan]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScanCard {
    /// Points `t = 1/P, 2/P, …, 1` along the path.
    pub points: usize,
}

impl Default for ScanCard {
    fn default() -> Self {
        Self { points: 5 }
    }
}

impl ScanCard {
    /// At least one point.
    pub(super) fn check(&self) -> Result<(), InputError> {
        positive("scan.points", self.points)
    }
}
