//! `[sample]`: generation and correction.

use serde::Deserialize;

use super::{finite, positive};
use crate::error::{InputError, bad_input};

/// How generated samples are made exact.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Correction {
    /// Independence Metropolis–Hastings.
    #[default]
    Mh,
    /// Importance reweighting.
    Reweight,
}

/// Which importance weights reweighted estimates use.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum WeightsKind {
    /// The weights as generated.
    #[default]
    Raw,
    /// Pareto-smoothed ([`pirk::pareto_smoothed`]): less variance from a heavy tail, a little
    /// bias; ESS, log Z and k̂ stay those of the raw weights.
    Psis,
}

/// Where the grid times of a relaxed generation fall on the path.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum GridKind {
    /// Balanced where the ensemble relaxes, even otherwise.
    #[default]
    Auto,
    /// Evenly spaced.
    Even,
    /// Spaced so that every interval adds the same spread to a relaxed pilot's log-weights
    /// ([`pirk::Schedule::balanced`]); needs relaxation.
    Balanced,
}

/// `[sample]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SampleCard {
    /// Generated configurations.
    pub count: usize,
    /// `mh` or `reweight`.
    pub correction: Correction,
    /// `raw` or `psis` weights for reweighted estimates.
    pub weights: WeightsKind,
    /// Configurations per checkpointed chunk.
    pub chunk: usize,
    /// Integration steps (absent: the training steps, doubled until the log-weights converge
    /// within `step_tolerance`; `"auto"`: the fewest that do, see [`pirk::choose_steps`]).
    pub steps: Option<CountOrAuto>,
    /// Unless `steps` is a count: the largest root-mean-square change of `log w` between a
    /// step count and its double (absent: `1/√count`, below the ensemble's error bar).
    pub step_tolerance: Option<f64>,
    /// Runaway factor over the training speed.
    pub runaway: f64,
    /// Local error tolerance of adaptive (Bogacki–Shampine) generation (absent: RK4).
    pub tolerance: Option<f64>,
    /// HMC trajectories (the `[hmc]` settings) from each generated configuration for the
    /// stationarity check (`crate::stationarity`); 0 skips it.
    pub hmc_check: usize,
    /// HMC trajectories per configuration at each step-grid time before the last, under the
    /// path's action there (annealed importance sampling; weights stay exact); 0 = off;
    /// `"auto"` (the default): one where a pilot of the flow alone has an ESS below
    /// `crate::stages::RELAX_BELOW_ESS`, none otherwise.
    pub relax: CountOrAuto,
    /// The relaxation's step size; without it, the `[hmc]` step.
    pub relax_step: Option<f64>,
    /// The relaxation's steps per trajectory; without it, the `[hmc]` steps.
    pub relax_steps: Option<usize>,
    /// Where a relaxed generation's grid times fall: `auto`, `even` or `balanced`.
    pub grid: GridKind,
}

impl Default for SampleCard {
    fn default() -> Self {
        Self {
            count: 4000,
            correction: Correction::Mh,
            weights: WeightsKind::Raw,
            chunk: 500,
            steps: None,
            step_tolerance: None,
            runaway: 10.0,
            tolerance: None,
            hmc_check: 10,
            relax: CountOrAuto::Auto,
            relax_step: None,
            relax_steps: None,
            grid: GridKind::Auto,
        }
    }
}

/// `[sample] steps` and `relax`: a count, or `"auto"` (chosen after training: the fewest steps
/// that keep the log-weights converged; relaxation where the flow alone is weak).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CountOrAuto {
    /// This many.
    Count(usize),
    /// Chosen after training.
    Auto,
}

impl<'de> Deserialize<'de> for CountOrAuto {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = CountOrAuto;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a whole number or \"auto\"")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<CountOrAuto, E> {
                usize::try_from(v)
                    .map(CountOrAuto::Count)
                    .map_err(|_| E::custom(format!("expected a whole number or \"auto\", got {v}")))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<CountOrAuto, E> {
                self.visit_i64(i64::try_from(v).unwrap_or(-1))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<CountOrAuto, E> {
                match v {
                    "auto" => Ok(CountOrAuto::Auto),
                    _ => Err(E::custom(format!(
                        "expected a whole number or \"auto\", got \"{v}\""
                    ))),
                }
            }
        }
        d.deserialize_any(Visitor)
    }
}

impl SampleCard {
    /// The settings only the command line uses; generation's own are the core's to check.
    pub(super) fn check(&self) -> Result<(), InputError> {
        if self.weights == WeightsKind::Psis && self.correction != Correction::Reweight {
            bad_input!(
                "sample.weights: \"psis\" smooths reweighted estimates; it needs correction = \"reweight\""
            );
        }
        if self.grid == GridKind::Balanced && self.relax == CountOrAuto::Count(0) {
            bad_input!(
                "sample.grid: \"balanced\" places the grid times of a relaxed generation; it needs relax = \"auto\" or a count above 0"
            );
        }
        if self.count < 2 {
            bad_input!("sample.count: need at least 2, got {}", self.count);
        }
        positive("sample.chunk", self.chunk)?;
        if let Some(tolerance) = self.step_tolerance {
            finite("sample.step_tolerance", tolerance)?;
            if tolerance <= 0.0 {
                bad_input!("sample.step_tolerance: must be positive, got {tolerance}");
            }
        }
        if self.steps == Some(CountOrAuto::Auto) && self.tolerance.is_some() {
            bad_input!(
                "sample.steps: \"auto\" chooses fixed RK4 steps; it cannot be combined with sample.tolerance"
            );
        }
        Ok(())
    }

    /// The step tolerance in force: the card's, or `1/√count`, the change of `log w` above
    /// which the integrator's error can shift estimates by their error bar.
    pub fn step_tolerance(&self) -> f64 {
        self.step_tolerance
            .unwrap_or(1.0 / (self.count as f64).sqrt())
    }
}
