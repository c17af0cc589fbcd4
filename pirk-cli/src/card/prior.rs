//! `[prior]`: the exactly samplable start.

use serde::{Deserialize, Serialize};

use super::finite;
use crate::error::{InputError, bad_input};

/// Which prior.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum PriorKind {
    /// `S_0 = Σ φ²/(2σ²)`.
    Normal,
    /// `S_0 = Σ [a Σ_μ (φ_{x+μ} − φ_x)² + m_0 φ²]`.
    Free,
    /// Independent angles uniform on [−π, π): the Haar measure, for periodic fields.
    Uniform,
}

/// `[prior]`; also how a flow file and the report record the prior a flow starts from.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PriorCard {
    /// `normal`, `free` or `uniform`.
    pub kind: PriorKind,
    /// σ² of the normal prior.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variance: Option<f64>,
    /// `a` of the free-field prior.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kinetic: Option<f64>,
    /// `m_0` of the free-field prior.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mass: Option<f64>,
    /// `w` of the two-well prior: the free field times `cosh(w M)^V` (optional, free only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wells: Option<f64>,
    /// `μ` of the zero-mode prior: the free field times `e^{−V (μ M² + g M⁴)}` (free only,
    /// with `zm_quartic`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zm_mass: Option<f64>,
    /// `g > 0` of the zero-mode prior.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zm_quartic: Option<f64>,
}

/// A prior setting's key and value.
type Setting<'a> = (&'a str, Option<f64>);

impl PriorCard {
    /// The free-field prior with kinetic term `kinetic` and mass `mass`.
    pub fn free(kinetic: f64, mass: f64) -> Self {
        Self {
            kind: PriorKind::Free,
            variance: None,
            kinetic: Some(kinetic),
            mass: Some(mass),
            wells: None,
            zm_mass: None,
            zm_quartic: None,
        }
    }

    /// The uniform prior of a periodic field.
    pub fn uniform() -> Self {
        Self {
            kind: PriorKind::Uniform,
            variance: None,
            kinetic: None,
            mass: None,
            wells: None,
            zm_mass: None,
            zm_quartic: None,
        }
    }

    /// The settings its kind needs, none it does not use, and at most one zero-mode factor.
    pub(super) fn check(&self, lattice: &[usize]) -> Result<(), InputError> {
        let p = self;
        let (needed, stray): (&[Setting], &[Setting]) = match p.kind {
            PriorKind::Normal => (
                &[("variance", p.variance)],
                &[
                    ("kinetic", p.kinetic),
                    ("mass", p.mass),
                    ("wells", p.wells),
                    ("zm_mass", p.zm_mass),
                    ("zm_quartic", p.zm_quartic),
                ],
            ),
            PriorKind::Free => (
                &[("kinetic", p.kinetic), ("mass", p.mass)],
                &[("variance", p.variance)],
            ),
            PriorKind::Uniform => (
                &[],
                &[
                    ("variance", p.variance),
                    ("kinetic", p.kinetic),
                    ("mass", p.mass),
                    ("wells", p.wells),
                    ("zm_mass", p.zm_mass),
                    ("zm_quartic", p.zm_quartic),
                ],
            ),
        };
        for (name, value) in needed {
            match value {
                None => bad_input!("prior.{name}: required for kind = {:?}", p.kind),
                Some(v) => finite(&format!("prior.{name}"), *v)?,
            }
        }
        for (name, value) in [
            ("wells", p.wells),
            ("zm_mass", p.zm_mass),
            ("zm_quartic", p.zm_quartic),
        ] {
            if let Some(v) = value {
                finite(&format!("prior.{name}"), v)?;
            }
        }
        match (p.wells, p.zm_mass, p.zm_quartic) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
                bad_input!("prior.wells: the two-well and zero-mode priors do not combine")
            }
            (None, Some(_), None) => bad_input!("prior.zm_quartic: required with zm_mass"),
            (None, _, Some(g)) if g < 0.0 => {
                bad_input!("prior.zm_quartic: must not be negative, got {g}")
            }
            (None, mu, Some(g)) if g == 0.0 && p.mass.unwrap_or(0.0) + mu.unwrap_or(0.0) <= 0.0 => {
                bad_input!(
                    "prior.zm_quartic: zero needs mass + zm_mass > 0 (a Gaussian zero mode), got {}",
                    p.mass.unwrap_or(0.0) + mu.unwrap_or(0.0)
                )
            }
            _ => {}
        }
        if let Some((name, _)) = stray.iter().find(|(_, v)| v.is_some()) {
            bad_input!("prior.{name}: not used by kind = {:?}", p.kind);
        }
        if p.kind == PriorKind::Free && lattice.is_empty() {
            bad_input!("prior.kind: the free-field prior needs a lattice; use kind = \"normal\"");
        }
        Ok(())
    }
}
