//! Exact correction of generated configurations at couplings `θ`: importance weights (ESS,
//! log Z) and either independence MH or reweighting, then the observables, checked against
//! the other correction's on the same configurations.

use pirk::{Estimate, MhChain, Theory, Weights, independence_mh, pareto_k, pareto_smoothed};

use crate::card::{Correction, WeightsKind};
use crate::crosscheck::ErrorCheck;
use crate::measure::{Estimator, Observables, Primaries, observables};
use crate::seeds;
use crate::setup::Setup;

/// A corrected ensemble.
pub struct Corrected {
    /// Importance weights.
    pub weights: Weights,
    /// The Pareto shape `k̂` of the weights' tail (see [`pirk::pareto_k`]).
    pub pareto_k: Option<f64>,
    /// The MH chain (MH correction only).
    pub chain: Option<MhChain>,
    /// Per-configuration primaries of the generated ensemble.
    pub primaries: Primaries,
    /// Observables with errors.
    pub observables: Observables,
    /// The error bars of the other correction against these.
    pub errors: ErrorCheck,
}

impl Corrected {
    /// Corrects configurations with `primaries` and log-weights `log_w` for the theory at the
    /// couplings the primaries were measured at.
    pub fn new<T: Theory>(
        setup: &Setup<T>,
        primaries: Primaries,
        log_w: &[f64],
        correction: Correction,
    ) -> Self {
        let weights = Weights::from_log(log_w);
        let pareto_k = pareto_k(log_w);
        let chain = independence_mh(log_w, seeds::mh(setup.card.seed));
        let along = primaries.along(&chain.indices);
        let by_chain = observables(&along, &setup.lat, Estimator::Chains(&[along.m.len()]));
        // Smoothing needs a tail to fit; without one the raw weights are all there is.
        let smoothed = match (correction, setup.card.sample.weights) {
            (Correction::Reweight, WeightsKind::Psis) => {
                pareto_smoothed(log_w).map(|(l, _)| Weights::from_log(&l))
            }
            _ => None,
        };
        let estimator = Estimator::Weighted(smoothed.as_ref().unwrap_or(&weights));
        let by_weights = observables(&primaries, &setup.lat, estimator);
        let chain_used = correction == Correction::Mh;
        let errors = ErrorCheck::new(chain_used, &by_chain, &by_weights, weights.ess(), pareto_k);
        let (chain, observables) = if chain_used {
            (Some(chain), by_chain)
        } else {
            (None, by_weights)
        };
        Self {
            weights,
            pareto_k,
            chain,
            primaries,
            observables,
            errors,
        }
    }

    /// ESS of the importance weights.
    pub fn ess(&self) -> f64 {
        self.weights.ess()
    }

    /// `log Z` from the importance weights.
    pub fn log_z(&self) -> Estimate {
        self.weights.log_z()
    }

    /// The MH acceptance, if MH was used.
    pub fn acceptance(&self) -> Option<f64> {
        self.chain.as_ref().map(|c| c.acceptance)
    }

    /// Magnetisations with weights for a histogram: the chain's states, or all with weights.
    pub fn histogram_data(&self) -> (Vec<f64>, Vec<f64>) {
        match &self.chain {
            Some(c) => {
                let m = c.series(&self.primaries.m);
                let w = vec![1.0; m.len()];
                (m, w)
            }
            None => (self.primaries.m.clone(), self.weights.relative().to_vec()),
        }
    }
}
