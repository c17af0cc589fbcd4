//! `[flow]` and `[refine]`: training and refinement.

use pirk::{Centring, Method};
use serde::Deserialize;

use super::finite;
use crate::error::{InputError, bad_input};

/// The update that refreshes the collocation ensemble.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum RefreshKind {
    /// HMC trajectories with the `[hmc]` settings.
    #[default]
    Hmc,
    /// Wolff updates (one Metropolis sweep with the `[wolff]` width, one cluster flip) of a
    /// theory that is the hopping form.
    Wolff,
}

/// `[flow]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FlowCard {
    /// RK4 steps of training.
    pub steps: usize,
    /// Collocation configurations.
    pub samples: usize,
    /// Least-squares method.
    pub method: Method,
    /// Row centring.
    pub centring: Centring,
    /// Singular-value cut-off.
    pub rcond: f64,
    /// HMC trajectories (with the `[hmc]` integrator) per collocation configuration after
    /// every training step; 0 = off.
    pub refresh: usize,
    /// The refresh's step size; without it, the `[hmc]` step. Set apart so that tuning the
    /// HMC baseline does not change the flow.
    pub refresh_step: Option<f64>,
    /// The refresh's steps per trajectory; without it, the `[hmc]` steps.
    pub refresh_steps: Option<usize>,
    /// What the refresh runs: HMC trajectories or Wolff updates.
    pub refresh_with: RefreshKind,
    /// Pruning tolerance: drop the kernels the fit does not need while the residual they add
    /// over the path stays within it (relative to `‖b‖`), and re-solve without them; 0 = off.
    pub prune: f64,
    /// Pruning relative to the fit: the residual the dropped kernels add stays within this
    /// share of the flow's own path residual; 0 = off. Exclusive with `prune`.
    pub prune_relative: f64,
}

impl Default for FlowCard {
    fn default() -> Self {
        Self {
            steps: 50,
            samples: 2000,
            method: Method::default(),
            centring: Centring::default(),
            rcond: 1e-6,
            refresh: 0,
            refresh_step: None,
            refresh_steps: None,
            refresh_with: RefreshKind::Hmc,
            prune: 0.0,
            prune_relative: 0.0,
        }
    }
}

impl FlowCard {
    /// The pruning settings: each a finite share, at most one of them on.
    pub(super) fn check(&self) -> Result<(), InputError> {
        for (key, v) in [
            ("flow.prune", self.prune),
            ("flow.prune_relative", self.prune_relative),
        ] {
            finite(key, v)?;
            if v < 0.0 {
                bad_input!("{key}: must be at least 0, got {v}");
            }
        }
        if self.prune > 0.0 && self.prune_relative > 0.0 {
            bad_input!(
                "flow.prune_relative: give either an absolute (prune) or a relative (prune_relative) pruning tolerance, not both"
            );
        }
        Ok(())
    }
}

/// `[refine]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RefineCard {
    /// Weighted re-solve rounds after training (0: off).
    pub rounds: usize,
    /// Fresh configurations per round (absent: `[flow] samples`).
    pub samples: Option<usize>,
}
