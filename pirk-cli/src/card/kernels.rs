//! `[kernels]`: the basis, from the theory's declared kernels, shells and smeared kernels.

use serde::Deserialize;

use crate::error::{InputError, bad_input};
use crate::registry::Entry;

/// `[kernels]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KernelsCard {
    /// Declared kernels to use, in order (absent: all).
    pub declared: Option<Vec<String>>,
    /// Add the momentum-shell family.
    #[serde(default)]
    pub shells: bool,
    /// Ultralocal declared kernels to project on the lowest-momentum shells.
    #[serde(default)]
    pub projected: Vec<String>,
    /// How many of the lowest-momentum shells they are projected on.
    #[serde(default)]
    pub projected_shells: usize,
    /// Smeared kernels `G_r ∗ tanh(a G_r ∗ φ)`, with every radius and slope below.
    pub smeared: Option<SmearedCard>,
}

/// Radii and slopes of the smeared kernels.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmearedCard {
    /// Heat-kernel radii `r` in lattice units.
    pub radii: Vec<f64>,
    /// Slopes `a` of `tanh(a φ_r)`.
    pub slopes: Vec<f64>,
}

impl KernelsCard {
    /// The declared names exist, the basis is not empty, and shells and smeared kernels have a
    /// lattice to live on.
    pub(super) fn check(&self, entry: &Entry, lattice: &[usize]) -> Result<(), InputError> {
        if let Some(names) = &self.declared {
            if names.is_empty() && !self.shells && self.smeared.is_none() {
                bad_input!(
                    "kernels.declared: empty and no shells or smeared kernels: the basis has no kernel"
                );
            }
            if let Some(n) = names.iter().find(|n| !entry.kernels.contains(&n.as_str())) {
                bad_input!(
                    "kernels.declared: unknown kernel `{n}` for theory {} (declared: {})",
                    entry.name,
                    entry.kernels.join(", ")
                );
            }
        }
        if entry.periodic {
            for (key, used) in [
                ("shells", self.shells),
                ("smeared", self.smeared.is_some()),
                ("projected", !self.projected.is_empty()),
            ] {
                if used {
                    bad_input!(
                        "kernels.{key}: theory {} has a periodic field, and Fourier-space \
                         kernels of angles are not periodic; use its declared kernels",
                        entry.name
                    );
                }
            }
        }
        if self.shells && lattice.is_empty() {
            bad_input!("kernels.shells: a zero-dimensional lattice has no momentum shells");
        }
        if let Some(m) = &self.smeared {
            if lattice.is_empty() {
                bad_input!("kernels.smeared: a zero-dimensional lattice has nothing to smear");
            }
            for (key, values) in [("radii", &m.radii), ("slopes", &m.slopes)] {
                if values.is_empty() {
                    bad_input!("kernels.smeared.{key}: empty");
                }
                if let Some(x) = values.iter().find(|x| !(x.is_finite() && **x > 0.0)) {
                    bad_input!("kernels.smeared.{key}: must be finite and positive, got {x}");
                }
            }
        }
        Ok(())
    }
}
