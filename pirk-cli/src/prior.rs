//! The card's prior as one concrete type, so every generic runtime call is instantiated once.

use pirk::{FreeFieldPrior, Lattice, NormalPrior, Prior, StreamRng};

use crate::card::{PriorCard, PriorKind};

/// A normal or free-field prior.
pub enum CardPrior {
    /// Ultralocal Gaussian.
    Normal(NormalPrior),
    /// Gaussian with a kinetic term.
    Free(FreeFieldPrior),
}

impl CardPrior {
    /// The prior a checked card describes on `lat`.
    pub fn new(card: &PriorCard, lat: &Lattice) -> pirk::Result<Self> {
        Ok(match card.kind {
            PriorKind::Normal => Self::Normal(
                NormalPrior::new(lat.volume()).with_variance(card.variance.unwrap_or(1.0))?,
            ),
            PriorKind::Free => Self::Free(FreeFieldPrior::new(
                lat,
                card.kinetic.unwrap_or(0.0),
                card.mass.unwrap_or(0.0),
            )?),
        })
    }

    fn inner(&self) -> &dyn Prior {
        match self {
            Self::Normal(p) => p,
            Self::Free(p) => p,
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

    fn log_norm(&self) -> f64 {
        self.inner().log_norm()
    }
}
