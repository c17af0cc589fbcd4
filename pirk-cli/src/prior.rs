//! The card's prior as one concrete type, so every generic runtime call is instantiated once.

use pirk::{
    ComponentPrior, FreeFieldPrior, Lattice, NormalPrior, Prior, StreamRng, TwoWellPrior,
    UniformAnglePrior, ZeroModePrior,
};

use crate::card::{PriorCard, PriorKind};

/// A normal, free-field, two-well, zero-mode or uniform-angle prior, or free fields for the
/// components of an N-component field.
#[derive(Clone, Debug)]
pub enum CardPrior {
    /// Ultralocal Gaussian.
    Normal(NormalPrior),
    /// Gaussian with a kinetic term.
    Free(FreeFieldPrior),
    /// Free field with its magnetisation split into two wells.
    TwoWell(TwoWellPrior),
    /// Free field (per component) with a quartic potential for its magnetisation's length.
    ZeroMode(ZeroModePrior),
    /// Uniform angles.
    Uniform(UniformAnglePrior),
    /// One free field per component.
    Components(ComponentPrior<FreeFieldPrior>),
}

impl CardPrior {
    /// The prior a checked card describes on `lat`, for a field of `components` components
    /// per site (the two-well factor is for one-component fields, which the card's check
    /// ensures).
    pub fn new(card: &PriorCard, lat: &Lattice, components: usize) -> pirk::Result<Self> {
        let values = lat.volume() * components;
        Ok(match card.kind {
            PriorKind::Normal => {
                Self::Normal(NormalPrior::new(values).with_variance(card.variance.unwrap_or(1.0))?)
            }
            PriorKind::Free => {
                let (kinetic, mass) = (card.kinetic.unwrap_or(0.0), card.mass.unwrap_or(0.0));
                match (card.wells, card.zm_quartic) {
                    (None, None) if components > 1 => Self::Components(ComponentPrior::new(
                        FreeFieldPrior::new(lat, kinetic, mass)?,
                        components,
                    )?),
                    (Some(w), _) => Self::TwoWell(TwoWellPrior::new(lat, kinetic, mass, w)?),
                    (None, Some(g)) => Self::ZeroMode(ZeroModePrior::with_components(
                        lat,
                        kinetic,
                        mass,
                        card.zm_mass.unwrap_or(0.0),
                        g,
                        components,
                    )?),
                    (None, None) => Self::Free(FreeFieldPrior::new(lat, kinetic, mass)?),
                }
            }
            PriorKind::Uniform => Self::Uniform(UniformAnglePrior::new(values)),
        })
    }

    fn inner(&self) -> &dyn Prior {
        match self {
            Self::Normal(p) => p,
            Self::Free(p) => p,
            Self::TwoWell(p) => p,
            Self::ZeroMode(p) => p,
            Self::Uniform(p) => p,
            Self::Components(p) => p,
        }
    }
}

impl Prior for CardPrior {
    fn sample(&self, rng: &mut StreamRng, out: &mut [f64]) {
        self.inner().sample(rng, out)
    }

    fn action(&self, phi: &[f64]) -> f64 {
        self.inner().action(phi)
    }

    fn force(&self, phi: &[f64], out: &mut [f64]) {
        self.inner().force(phi, out)
    }

    fn log_norm(&self) -> f64 {
        self.inner().log_norm()
    }
}
