//! `[tune]`: pilot rounds that fit the prior's zero-mode couplings from the flow's own
//! log-weights (`crate::tune`).

use serde::Deserialize;

use crate::error::{InputError, bad_input};

/// `[tune]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TuneCard {
    /// Pilot rounds at most, each a training and a pilot ensemble (absent: 5 when the card
    /// gives no `[prior]`, else 0 = off).
    pub rounds: Option<usize>,
    /// Configurations of each round's pilot ensemble.
    pub samples: usize,
    /// A round whose pilot reaches this ESS ends the tuning.
    pub ess: f64,
}

impl Default for TuneCard {
    fn default() -> Self {
        Self {
            rounds: None,
            samples: 500,
            ess: 0.9,
        }
    }
}

impl TuneCard {
    /// Four pilot configurations at least (a tilt fit needs them), an ESS goal in (0, 1].
    pub(super) fn check(&self) -> Result<(), InputError> {
        if self.samples < 4 {
            bad_input!(
                "tune.samples: need at least 4 to fit a tilt, got {}",
                self.samples
            );
        }
        if !(self.ess > 0.0 && self.ess <= 1.0) {
            bad_input!("tune.ess: must be in (0, 1], got {}", self.ess);
        }
        Ok(())
    }
}
