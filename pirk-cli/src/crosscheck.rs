//! The two error bars of one PIK ensemble side by side. The independence MH chain (Γ-method,
//! blocked jackknife) and reweighting (delta method, weighted jackknife) estimate the same
//! expectation values from the same configurations. The chain has `n/(2τ_int)` effective
//! samples, reweighting `n·ESS`, so where both error bars are right the chain's is larger by
//! about `√(2 τ_int ESS)`, and the means differ by less than the larger error bar allows. Where
//! they do not, at least one error bar is wrong; the report keeps the card's correction and
//! says so, and why.

use pirk::PARETO_K_UNRELIABLE;
use serde::Serialize;

use crate::measure::{Observables, max_tau};

/// Error bars agree when their ratio is within this factor of the expected `√(2 τ_int ESS)`.
pub const ERROR_RATIO_AGREE: f64 = 2.0;

/// Means within this many of the larger error bar agree. They come from the same
/// configurations, so they differ by less than independent estimates would.
pub const SHIFT_AGREE: f64 = 3.0;

/// The comparison of the report's error bars with the other correction's.
#[derive(Clone, Debug, Serialize)]
pub struct ErrorCheck {
    /// The estimator the observables use: `mh-chain` or `reweighting`.
    pub used: &'static str,
    /// The other one, computed from the same ensemble for the comparison.
    pub other: &'static str,
    /// True when every observable's means and errors agree (see [`ERROR_RATIO_AGREE`],
    /// [`SHIFT_AGREE`]).
    pub agree: bool,
    /// `√(2 τ_int ESS)` with the chain's largest `τ_int`: the ratio of the chain's error bar to
    /// reweighting's that both being right implies.
    pub expected_ratio: f64,
    /// The largest deviation of the chain's error bar over reweighting's from
    /// `expected_ratio`, as a factor (larger over smaller), over the observables.
    pub largest_error_ratio: f64,
    /// The largest `|mean_used − mean_other|` in units of the larger error bar.
    pub largest_shift: f64,
    /// The observable with the largest disagreement (ratio or shift), if any was compared.
    pub worst: Option<String>,
    /// Which estimator the report used and why, in words.
    pub reason: String,
    /// The other estimator's observables.
    pub other_observables: Observables,
}

impl ErrorCheck {
    /// Compares the observables `by_chain` of the MH chain with `by_weights` of reweighting,
    /// for weights with effective sample size `ess` and Pareto shape `pareto_k`; the report
    /// uses the chain's when `chain_used`. Observables undetermined in either are left out.
    pub fn new(
        chain_used: bool,
        by_chain: &Observables,
        by_weights: &Observables,
        ess: f64,
        pareto_k: Option<f64>,
    ) -> Self {
        let (used_name, other_name, other) = if chain_used {
            ("mh-chain", "reweighting", by_weights)
        } else {
            ("reweighting", "mh-chain", by_chain)
        };
        let expected_ratio = (2.0 * max_tau(by_chain) * ess).sqrt();
        let mut largest_error_ratio: f64 = 1.0;
        let mut largest_shift: f64 = 0.0;
        let mut worst = None;
        let mut worst_badness = 0.0;
        for (name, a) in by_chain {
            let Some(b) = by_weights.get(name) else {
                continue;
            };
            let numbers = [a.mean, a.err, b.mean, b.err];
            if !numbers.iter().all(|x| x.is_finite()) || a.err <= 0.0 || b.err <= 0.0 {
                continue;
            }
            let r = a.err / b.err / expected_ratio;
            let ratio = r.max(1.0 / r);
            let shift = (a.mean - b.mean).abs() / a.err.max(b.err);
            largest_error_ratio = largest_error_ratio.max(ratio);
            largest_shift = largest_shift.max(shift);
            let badness = (ratio / ERROR_RATIO_AGREE).max(shift / SHIFT_AGREE);
            if worst.is_none() || badness > worst_badness {
                worst = Some(name.clone());
                worst_badness = badness;
            }
        }
        let agree = largest_error_ratio <= ERROR_RATIO_AGREE && largest_shift <= SHIFT_AGREE;
        let reason = if agree {
            format!(
                "{used_name}, the card's correction; {other_name} on the same configurations agrees (error bars within a factor {largest_error_ratio:.2} of the expected ratio {expected_ratio:.2}, means within {largest_shift:.2} error bars)"
            )
        } else {
            let worst = worst.as_deref().unwrap_or("?");
            let why = match pareto_k.filter(|&k| k > PARETO_K_UNRELIABLE) {
                Some(k) => format!(
                    "the weights' tail is heavy (Pareto k̂ {k:.2} > {PARETO_K_UNRELIABLE}), so neither error bar can be trusted"
                ),
                None => "at least one error bar is wrong (the chain's autocorrelation or the weights' spread is misjudged); check against a reference chain".into(),
            };
            format!(
                "{used_name}, the card's correction; {other_name} disagrees (on {worst}: error bars a factor {largest_error_ratio:.2} off the expected ratio {expected_ratio:.2}, means {largest_shift:.2} error bars apart): {why}"
            )
        };
        Self {
            used: used_name,
            other: other_name,
            agree,
            expected_ratio,
            largest_error_ratio,
            largest_shift,
            worst,
            reason,
            other_observables: other.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::Measured;

    fn obs(values: &[(&str, f64, f64)]) -> Observables {
        values
            .iter()
            .map(|&(n, mean, err)| {
                let m = Measured {
                    mean,
                    err,
                    tau_int: (n == "M").then_some(1.0),
                    undetermined: None,
                };
                (n.to_string(), m)
            })
            .collect()
    }

    /// Agreement needs the error bars in the expected ratio `√(2 τ_int ESS)` (here √(2·1·0.5)
    /// = 1) and the means together; the worst observable and the reason name what failed, and
    /// undetermined values are left out.
    #[test]
    fn agreement_needs_errors_and_means() {
        let chain = obs(&[("M", 0.0, 0.1), ("chi", 10.0, 0.5), ("xi", f64::NAN, 1.0)]);
        let weights = obs(&[("M", 0.05, 0.12), ("chi", 10.3, 0.6), ("xi", 3.0, 1.0)]);
        let c = ErrorCheck::new(true, &chain, &weights, 0.5, Some(0.3));
        assert!(c.agree, "{}", c.reason);
        assert_eq!((c.used, c.other), ("mh-chain", "reweighting"));
        assert!((c.expected_ratio - 1.0).abs() < 1e-12);
        assert!((c.largest_error_ratio - 1.2).abs() < 1e-12);
        // With ESS 2 the chain's errors should be twice reweighting's: they are not.
        let c = ErrorCheck::new(true, &chain, &weights, 2.0, Some(0.3));
        assert!(!c.agree && c.worst.as_deref() == Some("M"), "{}", c.reason);
        let narrow = obs(&[("M", 0.0, 0.1), ("chi", 10.0, 0.2)]);
        let c = ErrorCheck::new(true, &narrow, &weights, 0.5, Some(0.3));
        assert!(!c.agree && c.worst.as_deref() == Some("chi"));
        assert!(c.reason.contains("at least one error bar is wrong"));
        let shifted = obs(&[("M", 0.5, 0.1), ("chi", 10.0, 0.5)]);
        let c = ErrorCheck::new(false, &shifted, &weights, 0.5, Some(0.9));
        assert!(!c.agree && c.worst.as_deref() == Some("M"));
        assert_eq!(c.used, "reweighting");
        assert!(c.reason.contains("k̂ 0.90"), "{}", c.reason);
    }
}
