//! `[wolff]`: the Wolff baseline and refresh, where the theory has a Wolff embedding.

use pirk::Hopping;
use serde::Deserialize;

use super::Card;
use crate::error::{InputError, bad_input};
use crate::registry::{Entry, Registry, WolffObstacle, wolff_theories};

/// `[wolff]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WolffCard {
    /// Measured updates (absent: `[hmc] trajectories`).
    pub updates: Option<usize>,
    /// Updates discarded first (absent: `[hmc] thermalise`).
    pub thermalise: Option<usize>,
    /// Metropolis proposal half-width.
    pub width: f64,
    /// Metropolis sweeps per update of the baseline (the refresh keeps one).
    pub sweeps: usize,
    /// Single-cluster flips per update of the baseline (the refresh keeps one).
    pub clusters: usize,
}

impl Default for WolffCard {
    fn default() -> Self {
        Self {
            updates: None,
            thermalise: None,
            width: 1.5,
            sweeps: 1,
            clusters: 1,
        }
    }
}

/// The Wolff baseline as it runs: `[wolff]` with its defaults filled in, at the target.
#[derive(Clone, Copy, Debug)]
pub struct WolffPlan {
    /// Measured updates.
    pub updates: usize,
    /// Updates discarded first.
    pub thermalise: usize,
    /// Metropolis proposal half-width.
    pub width: f64,
    /// Metropolis sweeps per update.
    pub sweeps: usize,
    /// Single-cluster flips per update.
    pub clusters: usize,
    /// The target couplings.
    pub couplings: Hopping,
}

impl Card {
    /// The Wolff run of `compare` and `wolff` on this card, or why it cannot run.
    pub fn wolff_plan(&self, entry: &Entry) -> Result<WolffPlan, WolffObstacle> {
        let couplings = entry.wolff_target(&self.target)?;
        let w = self.wolff.clone().unwrap_or_default();
        Ok(WolffPlan {
            updates: w.updates.unwrap_or(self.hmc.trajectories),
            thermalise: w.thermalise.unwrap_or(self.hmc.thermalise),
            width: w.width,
            sweeps: w.sweeps,
            clusters: w.clusters,
            couplings,
        })
    }

    /// A `[wolff]` section only where Wolff runs, with usable settings.
    pub(super) fn check_wolff(&self, entry: &Entry, registry: &Registry) -> Result<(), InputError> {
        let Some(w) = &self.wolff else {
            return Ok(());
        };
        if let Err(why) = entry.wolff_target(&self.target) {
            bad_input!("wolff: {}", why.explain(entry, registry));
        }
        if let Some(n) = w.updates
            && n < 2
        {
            bad_input!("wolff.updates: need at least 2, got {n}");
        }
        for (key, n) in [("sweeps", w.sweeps), ("clusters", w.clusters)] {
            if n < 1 {
                bad_input!("wolff.{key}: need at least 1, got {n}");
            }
        }
        Ok(())
    }

    /// Wolff refresh updates along the whole path, so it runs only on a theory that is the
    /// hopping form everywhere (no couplings beyond it), with κ ≥ 0 at every node of the path
    /// (κ is linear between nodes).
    pub(super) fn check_wolff_refresh(
        &self,
        entry: &Entry,
        registry: &Registry,
    ) -> Result<(), InputError> {
        let Some(w) = entry.wolff.filter(|w| w.couplings.extra.is_empty()) else {
            bad_input!(
                "flow.refresh_with: Wolff updates need {}, the card's is {}",
                wolff_theories(registry, false),
                entry.name
            );
        };
        let kappa = w.couplings.kappa;
        let index = entry.params.iter().position(|p| *p == kappa);
        let nodes = self.path_couplings(entry)?;
        if let Some(value) = nodes
            .iter()
            .filter_map(|c| index.map(|i| c[i]))
            .find(|k| *k < 0.0)
        {
            bad_input!(
                "flow.refresh_with: the Wolff cluster needs {kappa} >= 0 along the path, got {value}"
            );
        }
        Ok(())
    }
}
