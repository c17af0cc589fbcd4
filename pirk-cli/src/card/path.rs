//! `[path]`: the couplings between the prior and the target.

use serde::Deserialize;

use super::Couplings;

/// `[path]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathCard {
    /// `θ(0)`, where the prior must equal the theory.
    pub start: Couplings,
    /// Intermediate couplings, visited at equally spaced times before the target.
    #[serde(default)]
    pub waypoints: Vec<Couplings>,
}
