//! What `compare` sets side by side: each sampler's autocorrelation and wall-clock cost per
//! effective sample and per independent χ sample, and the pulls between two samplers.

use std::collections::BTreeMap;

use crate::measure::{Observables, max_tau};

/// A chain's autocorrelation and cost.
pub struct Cost {
    /// The largest `τ_int` among its means: the conservative choice.
    pub tau_int: f64,
    /// Chain length / (2 τ_int).
    pub effective_samples: f64,
    /// Wall seconds / effective samples.
    pub seconds_per_effective_sample: f64,
    /// Wall seconds / (chain length / (2 τ_int(M²))): the cost of one independent sample of
    /// χ = V(⟨M²⟩ − ⟨M⟩²), whose fluctuations are those of its series M²; for a link field, of
    /// χ_t = ⟨Q²⟩/V through τ_int(Q²).
    pub seconds_per_independent_chi: f64,
}

impl Cost {
    /// A chain of `n` states with these observables that took `seconds`.
    pub fn of(n: usize, observables: &Observables, seconds: f64) -> Self {
        let tau_int = max_tau(observables);
        let effective_samples = n as f64 / (2.0 * tau_int);
        let m2 = observables.get("M2").or_else(|| observables.get("q2"));
        let tau_m2 = m2.and_then(|m| m.tau_int).map_or(0.5, |t| t.max(0.5));
        // A chain whose series never moved (HMC frozen in one charge sector) has no
        // independent sample of it at any cost: infinite (written as null).
        let frozen = m2.is_some_and(|m| m.err == 0.0);
        Self {
            tau_int,
            effective_samples,
            seconds_per_effective_sample: seconds / effective_samples,
            seconds_per_independent_chi: if frozen {
                f64::INFINITY
            } else {
                seconds * 2.0 * tau_m2 / n as f64
            },
        }
    }

    /// Seconds per effective sample relative to `other`'s (> 1: `other` is cheaper).
    pub fn over(&self, other: &Cost) -> f64 {
        self.seconds_per_effective_sample / other.seconds_per_effective_sample
    }
}

/// Per observable present in both: `(a − b)/σ_combined`.
pub fn pulls(a: &Observables, b: &Observables) -> BTreeMap<String, f64> {
    a.iter()
        .filter_map(|(k, x)| {
            let y = b.get(k)?;
            Some((k.clone(), (x.mean - y.mean) / x.err.hypot(y.err)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::Measured;

    fn measured(err: f64) -> Measured {
        Measured {
            mean: 0.0,
            err,
            tau_int: Some(0.5),
            undetermined: None,
        }
    }

    /// A frozen series (zero error: the chain never moved) has no independent sample.
    #[test]
    fn a_frozen_chain_has_no_independent_sample() {
        let frozen = Observables::from([("q2".to_string(), measured(0.0))]);
        assert_eq!(
            Cost::of(100, &frozen, 1.0).seconds_per_independent_chi,
            f64::INFINITY
        );
        let moving = Observables::from([("q2".to_string(), measured(0.1))]);
        assert_eq!(
            Cost::of(100, &moving, 1.0).seconds_per_independent_chi,
            0.01
        );
    }
}
