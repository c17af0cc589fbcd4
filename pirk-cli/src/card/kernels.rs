//! `[kernels]`: the basis, from the theory's declared kernels, shells, smeared kernels, for
//! angle fields spin-smeared kernels and for two-dimensional link fields flux kernels.

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
    /// Spin-smeared kernels `Σ_y G_r(x − y) sin(n(θ_y − θ_x))` of a periodic field, with every
    /// radius and harmonic below.
    pub spins: Option<SpinsCard>,
    /// Harmonics `n ≥ 1` of the flux kernels `d† Δ⁻¹ sin(nθ_P)` of a two-dimensional link
    /// field.
    #[serde(default)]
    pub flux: Vec<u32>,
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

/// Radii and harmonics of the spin-smeared kernels.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpinsCard {
    /// Heat-kernel radii `r` in lattice units.
    pub radii: Vec<f64>,
    /// Harmonics `n ≥ 1` of `sin(n(θ_y − θ_x))`.
    pub harmonics: Vec<u32>,
}

impl KernelsCard {
    /// The declared names exist, the basis is not empty, shells, smeared and spin kernels have
    /// a lattice to live on, and spin kernels an angle field.
    pub(super) fn check(&self, entry: &Entry, lattice: &[usize]) -> Result<(), InputError> {
        if let Some(names) = &self.declared {
            if names.is_empty()
                && !self.shells
                && self.smeared.is_none()
                && self.spins.is_none()
                && self.flux.is_empty()
            {
                bad_input!(
                    "kernels.declared: empty and no shells, smeared, spin or flux kernels: the \
                     basis has no kernel"
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
        if !self.flux.is_empty() {
            if !entry.links || lattice.len() != 2 {
                bad_input!(
                    "kernels.flux: flux kernels are for link fields on two dimensions, and theory \
                     {} has none",
                    entry.name
                );
            }
            if self.flux.contains(&0) {
                bad_input!("kernels.flux: harmonics must be integers ≥ 1, got 0");
            }
        }
        if entry.links && self.spins.is_some() {
            bad_input!(
                "kernels.spins: theory {} has a link field, and spin-smeared kernels of sites are \
                 not gauge covariant; use its declared kernels",
                entry.name
            );
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
        if !self.projected.is_empty() && entry.components > 1 {
            bad_input!(
                "kernels.projected: theory {} has a {}-component field, and projected kernels are \
                 for one-component fields; use shells or smeared kernels (applied per component)",
                entry.name,
                entry.components
            );
        }
        if self.spins.is_some() && !entry.periodic {
            bad_input!(
                "kernels.spins: spin-smeared kernels are for periodic fields, and theory {}'s is \
                 not; use [kernels.smeared]",
                entry.name
            );
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
        if let Some(m) = &self.spins {
            if lattice.is_empty() {
                bad_input!("kernels.spins: a zero-dimensional lattice has nothing to smear");
            }
            if m.radii.is_empty() {
                bad_input!("kernels.spins.radii: empty");
            }
            if let Some(x) = m.radii.iter().find(|x| !(x.is_finite() && **x > 0.0)) {
                bad_input!("kernels.spins.radii: must be finite and positive, got {x}");
            }
            if m.harmonics.is_empty() {
                bad_input!("kernels.spins.harmonics: empty");
            }
            if m.harmonics.contains(&0) {
                bad_input!("kernels.spins.harmonics: must be integers ≥ 1, got 0");
            }
        }
        Ok(())
    }
}
