//! `[wolff]`: the Wolff baseline and refresh, where the theory has a Wolff embedding.

use pirk::Hopping;
use serde::Deserialize;

use super::Card;
use crate::error::{InputError, bad_input};
use crate::registry::{Embedding, Entry, Registry, WolffObstacle, WolffTarget, refresh_theories};

/// `[wolff]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WolffCard {
    /// Measured updates (absent: `[hmc] trajectories`).
    pub updates: Option<usize>,
    /// Updates discarded first (absent: `[hmc] thermalise`).
    pub thermalise: Option<usize>,
    /// Metropolis proposal half-width (hopping form only; absent: 1.5).
    pub width: Option<f64>,
    /// Metropolis sweeps per update of the baseline (hopping form only; absent: 1; the refresh
    /// keeps one).
    pub sweeps: Option<usize>,
    /// Single-cluster flips per update of the baseline (the refresh keeps one).
    pub clusters: usize,
}

impl Default for WolffCard {
    fn default() -> Self {
        Self {
            updates: None,
            thermalise: None,
            width: None,
            sweeps: None,
            clusters: 1,
        }
    }
}

impl WolffCard {
    /// The Metropolis proposal half-width, given or by default.
    pub fn width(&self) -> f64 {
        self.width.unwrap_or(1.5)
    }

    /// Metropolis sweeps per update, given or by default.
    pub fn sweeps(&self) -> usize {
        self.sweeps.unwrap_or(1)
    }
}

/// The Wolff baseline as it runs: `[wolff]` with its defaults filled in, at the target.
#[derive(Clone, Copy, Debug)]
pub struct WolffPlan {
    /// Measured updates.
    pub updates: usize,
    /// Updates discarded first.
    pub thermalise: usize,
    /// Single-cluster flips per update.
    pub clusters: usize,
    /// The embedding the clusters live in, at the target.
    pub chain: WolffChain,
}

/// What one Wolff update does besides its cluster flips, and at which couplings.
#[derive(Clone, Copy, Debug)]
pub enum WolffChain {
    /// Hopping φ⁴: Metropolis sweeps move the field's magnitudes, then clusters of the
    /// embedded Ising signs flip (of one component, `pirk::Wolff`; of the components along a
    /// random direction for an N-component field, `pirk::OnWolff`).
    Hopping {
        /// The target couplings.
        couplings: Hopping,
        /// Components per site.
        components: usize,
        /// Metropolis proposal half-width.
        width: f64,
        /// Metropolis sweeps per update.
        sweeps: usize,
    },
    /// The planar action: O(2) cluster reflections alone, which are ergodic by themselves.
    Planar {
        /// The target β.
        beta: f64,
    },
}

impl Card {
    /// The Wolff run of `compare` and `wolff` on this card, or why it cannot run.
    pub fn wolff_plan(&self, entry: &Entry) -> Result<WolffPlan, WolffObstacle> {
        let target = entry.wolff_target(&self.target)?;
        let w = self.wolff.clone().unwrap_or_default();
        let chain = match target {
            WolffTarget::Hopping(couplings) => WolffChain::Hopping {
                couplings,
                components: entry.components,
                width: w.width(),
                sweeps: w.sweeps(),
            },
            WolffTarget::Planar { beta } => WolffChain::Planar { beta },
        };
        Ok(WolffPlan {
            updates: w.updates.unwrap_or(self.hmc.trajectories),
            thermalise: w.thermalise.unwrap_or(self.hmc.thermalise),
            clusters: w.clusters,
            chain,
        })
    }

    /// A `[wolff]` section only where Wolff runs, with usable settings and none that its
    /// embedding lacks.
    pub(super) fn check_wolff(&self, entry: &Entry, registry: &Registry) -> Result<(), InputError> {
        let Some(w) = &self.wolff else {
            return Ok(());
        };
        match entry.wolff_target(&self.target) {
            Err(why) => bad_input!("wolff: {}", why.explain(entry, registry)),
            Ok(WolffTarget::Planar { .. }) => {
                for (key, given) in [("sweeps", w.sweeps.is_some()), ("width", w.width.is_some())] {
                    if given {
                        bad_input!(
                            "wolff.{key}: theory {}'s Wolff update reflects O(2) clusters \
                             without Metropolis sweeps; remove the key",
                            entry.name
                        );
                    }
                }
            }
            Ok(WolffTarget::Hopping(_)) => {}
        }
        if let Some(n) = w.updates
            && n < 2
        {
            bad_input!("wolff.updates: need at least 2, got {n}");
        }
        for (key, n) in [("sweeps", w.sweeps()), ("clusters", w.clusters)] {
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
        let (name, kappa) = match entry.wolff {
            Some(Embedding::Hopping {
                couplings, kappa, ..
            }) if couplings.extra.is_empty() && entry.components == 1 => (couplings.kappa, kappa),
            Some(Embedding::Hopping { .. }) if entry.components > 1 => bad_input!(
                "flow.refresh_with: the Wolff refresh updates a one-component field, and theory \
                 {} has {} components; use refresh_with = \"hmc\"",
                entry.name,
                entry.components
            ),
            Some(Embedding::Planar { .. }) => bad_input!(
                "flow.refresh_with: the Wolff refresh updates the hopping form ({}); theory {}'s \
                 Wolff embedding is O(2), for the baseline only; use refresh_with = \"hmc\"",
                refresh_theories(registry),
                entry.name
            ),
            _ => bad_input!(
                "flow.refresh_with: Wolff updates need {}, the card's is {}",
                refresh_theories(registry),
                entry.name
            ),
        };
        let nodes = self.path_couplings(entry)?;
        if let Some(value) = nodes.iter().map(|c| c[kappa]).find(|k| *k < 0.0) {
            bad_input!(
                "flow.refresh_with: the Wolff cluster needs {name} >= 0 along the path, got {value}"
            );
        }
        Ok(())
    }
}
