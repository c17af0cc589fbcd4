//! `report.json`: the versioned, documented record of a job (docs/report-schema.md,
//! docs/report.schema.json). Everything in it is a deterministic function of the card and
//! seed except the `timings` object, which holds every wall-clock number.

use std::collections::BTreeMap;

use pirk::{
    EdgeWeights, LogWeightProfile, QuadraticPart, RefineRound, Schedule, StepChoice, ZeroModeTilt,
};
use serde::{Deserialize, Serialize};

use crate::card::PriorCard;
use crate::crosscheck::ErrorCheck;
use crate::measure::Observables;
use crate::stationarity::Stationarity;
use crate::stepcheck::StepCheck;
use crate::tune::Tuning;

/// Bumped whenever a field changes meaning or disappears.
pub const SCHEMA_VERSION: u32 = 1;

/// The whole report.
#[derive(Debug, Serialize)]
pub struct Report {
    /// Always `"pirk-report"`.
    pub schema: &'static str,
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The pirk version that wrote it.
    pub pirk_version: &'static str,
    /// `run`, `train`, `sample`, `hmc`, `compare` or `scan`.
    pub command: &'static str,
    /// The theory, as registered.
    pub theory: TheoryInfo,
    /// Lattice extents.
    pub lattice: Vec<usize>,
    /// Target couplings.
    pub couplings: BTreeMap<String, f64>,
    /// The card's seed.
    pub seed: u64,
    /// `pik-mh`, `pik-reweight`, `hmc`, or null (training only).
    pub sampler: Option<&'static str>,
    /// Importance-sampling ESS of the flow at the target.
    pub ess: Option<f64>,
    /// Pareto `k̂` of the importance weights' tail (above 0.7: estimates unreliable).
    pub pareto_k: Option<f64>,
    /// MH acceptance (PIK) or HMC acceptance (`hmc`).
    pub acceptance: Option<f64>,
    /// `log Z` from the importance weights.
    pub log_z: Option<ValueError>,
    /// Generated configurations rejected as non-finite or runaway (weight zero).
    pub rejected_non_finite: Option<usize>,
    /// The share of the importance weight the rejected configurations carried at the last grid
    /// time before they were stopped: the target mass their rejection removes.
    pub rejected_weight: Option<f64>,
    /// PIK: the MH chain's and reweighting's error bars compared, and which one `observables`
    /// uses and why.
    pub errors: Option<ErrorCheck>,
    /// The tuning rounds (`[tune]`), when they ran.
    pub tuning: Option<Tuning>,
    /// The flow, when one was trained or loaded.
    pub flow: Option<FlowInfo>,
    /// Generation details.
    pub sampling: Option<SamplingInfo>,
    /// HMC details.
    pub hmc: Option<HmcInfo>,
    /// The Wolff cluster baseline (`wolff`, and `compare` on a theory with a Wolff embedding).
    pub wolff: Option<WolffInfo>,
    /// Observables at the target, from the primary sampler.
    pub observables: Observables,
    /// PIK vs HMC (`compare` only).
    pub comparison: Option<Comparison>,
    /// Observables along the path (`scan` only).
    pub scan: Option<Vec<ScanPoint>>,
    /// Plots written.
    pub plots: Vec<FileInfo>,
    /// Per sampler (`PIK`, `HMC`), the share of its configurations in each topological charge
    /// sector Q (the MH chain's states, or weighted; the chain's), for a link field (else null).
    pub charge_sectors: Option<BTreeMap<String, Vec<Sector>>>,
    /// Other files written.
    pub files: Vec<FileInfo>,
    /// Wall-clock seconds; the only part that differs between identical runs.
    pub timings: BTreeMap<String, f64>,
}

/// The theory.
#[derive(Debug, Serialize)]
pub struct TheoryInfo {
    /// Card name.
    pub name: &'static str,
    /// Rust type name.
    pub type_name: &'static str,
    /// Coupling names.
    pub params: &'static [&'static str],
}

/// A value with its error.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct ValueError {
    /// Value.
    pub value: f64,
    /// One standard deviation.
    pub error: f64,
}

/// One Wegner slice.
#[derive(Debug, Serialize)]
pub struct Slice {
    /// Time.
    pub t: f64,
    /// Relative residual `‖Ak − b‖/‖b‖`.
    pub residual: f64,
    /// Condition number.
    pub condition: f64,
}

/// The flow.
#[derive(Debug, Serialize)]
pub struct FlowInfo {
    /// Kernel names.
    pub kernels: Vec<String>,
    /// RK4 training steps.
    pub steps: usize,
    /// Collocation configurations.
    pub collocation_samples: usize,
    /// Largest residual.
    pub max_residual: f64,
    /// Residual per grid slice.
    pub wegner_residual: Vec<Slice>,
    /// Per round of `[refine]`: ESS at the target and residuals of the weighted re-solve
    /// (null without refinement).
    pub refinement: Option<Vec<RefineRound>>,
    /// Where the flow starts.
    pub start: StartInfo,
    /// What `[flow] prune` kept and dropped (null without pruning).
    pub pruning: Option<PruningInfo>,
}

/// Where the flow starts: which prior, and whether the runtime switches it off.
#[derive(Clone, Debug, Serialize)]
pub struct StartInfo {
    /// `card`, `action`: the Gaussian of the action's quadratic part at the path's start
    /// (with tuning's zero-mode couplings, when it ran), or `uniform`: the uniform angles a
    /// periodic field starts from when the card names no prior.
    pub prior: &'static str,
    /// The prior's settings as a `[prior]` table: copied into a card, it starts the same flow
    /// without tuning.
    pub settings: PriorCard,
    /// That quadratic part's kinetic coefficient and mass, when the prior was built from it
    /// (the prior keeps the kinetic coefficient and takes the mass, at least 1/V, of the
    /// Gaussian nearest the theory: `settings.mass`).
    pub quadratic_part: Option<QuadraticPart>,
    /// The prior differs from the theory at the path's start by more than a constant, so the
    /// flow follows `S_t = S(θ(t)) + (1 − t)(S_0 − S(θ(0)))`.
    pub switched_off: bool,
}

/// The pruned basis.
#[derive(Debug, Serialize)]
pub struct PruningInfo {
    /// The tolerance relative to `‖b‖`.
    pub tolerance: f64,
    /// `[flow] prune_relative`, which set it from the flow's own residual (null for `prune`).
    pub relative: Option<f64>,
    /// Kernels kept, in basis order.
    pub kept: Vec<String>,
    /// Kernels dropped, in basis order.
    pub dropped: Vec<String>,
    /// The residual the dropped kernels add over the path, relative to `‖b‖`.
    pub added_residual: f64,
    /// The largest increase of a grid slice's relative residual.
    pub residual_increase: f64,
}

/// Generation.
#[derive(Clone, Debug, Serialize)]
pub struct SamplingInfo {
    /// Configurations generated.
    pub count: usize,
    /// `mh` or `reweight`.
    pub correction: &'static str,
    /// `raw` or `psis`: the weights reweighted estimates use.
    pub weights: &'static str,
    /// Integration steps.
    pub steps: usize,
    /// How `steps` was chosen (null where the card fixed them).
    pub step_choice: Option<StepChoice>,
    /// Configurations per checkpoint chunk.
    pub chunk: usize,
    /// ESS of `w_t` at every integration grid time (parameter-conditional quality).
    pub ess_along_path: Vec<TimeEss>,
    /// The target's log-weights over equal-count bins of `|M|`: how much of their variance
    /// the magnetisation carries, i.e. whether the flow misses the collective mode.
    pub log_weight_by_abs_m: LogWeightProfile,
    /// The weight carried by the 1 % of configurations at each end of the drawn range of the
    /// magnetisation's length: whether the flow reaches as far as the target (null for fewer
    /// than two finite log-weights).
    pub edge_weights: Option<EdgeWeights>,
    /// The change of a zero-mode prior's `zm_mass`, `zm_quartic` that removes the log-weights'
    /// trend in M² and M⁴ (null when it cannot be fitted).
    pub zero_mode_tilt: Option<ZeroModeTilt>,
    /// The log-weights against twice the generation steps.
    pub step_check: StepCheck,
    /// Whether a few HMC trajectories from each configuration shift the weighted observables
    /// (null with `[sample] hmc_check = 0`).
    pub stationarity: Option<Stationarity>,
    /// The HMC relaxation along the path and how it was chosen.
    pub relax: RelaxInfo,
}

/// `[sample] relax`: HMC trajectories at every step-grid time before the last.
#[derive(Clone, Debug, Serialize)]
pub struct RelaxInfo {
    /// Trajectories per configuration and grid time (0: none).
    pub trajectories: usize,
    /// Step size.
    pub step: f64,
    /// Steps per trajectory.
    pub steps: usize,
    /// With `relax = "auto"`, the ESS of the flow alone on the step pilot that decided (null
    /// where the card set the count).
    pub pilot_ess: Option<f64>,
    /// Where the grid times fall, reported as `grid`: `"even"`, or `"balanced"` where the
    /// ensemble relaxes and the card did not ask for even times (`sampling.ess_along_path`
    /// lists them).
    #[serde(rename = "grid", serialize_with = "grid_name")]
    pub schedule: Schedule,
}

/// A schedule's name in the report.
fn grid_name<S: serde::Serializer>(schedule: &Schedule, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(if schedule.is_even() {
        "even"
    } else {
        "balanced"
    })
}

impl RelaxInfo {
    /// The flow alone on this relaxation's grid.
    pub fn none(&self) -> Self {
        Self {
            trajectories: 0,
            ..self.clone()
        }
    }

    /// This relaxation on the path cut at `tau` ([`pirk::Flow::truncated`]) with its grid
    /// steps out of `steps`: the grid times up to `tau`, rescaled.
    pub fn truncated(&self, tau: f64, steps: usize) -> (Self, usize) {
        let (schedule, share) = self.schedule.truncated(tau);
        let steps = ((steps as f64 * share).ceil() as usize).max(1);
        (
            Self {
                schedule,
                ..self.clone()
            },
            steps,
        )
    }
}

/// ESS at one grid time.
#[derive(Clone, Debug, Serialize)]
pub struct TimeEss {
    /// Time.
    pub t: f64,
    /// ESS of the weights for the theory at `θ(t)`.
    pub ess: f64,
}

/// HMC.
#[derive(Debug, Serialize)]
pub struct HmcInfo {
    /// Measured trajectories.
    pub trajectories: usize,
    /// Discarded trajectories.
    pub thermalise: usize,
    /// Step size.
    pub step: f64,
    /// Steps per trajectory.
    pub steps: usize,
    /// Acceptance.
    pub acceptance: f64,
    /// `⟨e^{−ΔH}⟩`, 1 for a correct integrator.
    pub exp_minus_dh: ValueError,
}

/// The Wolff cluster baseline: settings, diagnostics, observables and agreement with HMC.
/// Its wall-clock numbers are in `timings` (`wolff_*`), keeping this block deterministic.
#[derive(Debug, Serialize)]
pub struct WolffInfo {
    /// Measured updates.
    pub updates: usize,
    /// Discarded updates.
    pub thermalise: usize,
    /// Metropolis proposal half-width (null for the planar embedding, which has no sweeps).
    pub width: Option<f64>,
    /// Metropolis sweeps per update (null for the planar embedding).
    pub sweeps: Option<usize>,
    /// Single-cluster flips per update.
    pub clusters: usize,
    /// Metropolis acceptance (null for the planar embedding).
    pub acceptance: Option<f64>,
    /// Mean flipped cluster size over the volume.
    pub cluster_fraction: f64,
    /// Observables with Γ-method errors.
    pub observables: Observables,
    /// Per observable: `(Wolff − HMC)/σ_combined`.
    pub pulls: BTreeMap<String, f64>,
    /// Largest `τ_int` of the Wolff chain's means.
    pub tau_int: f64,
    /// Updates / (2 τ_int).
    pub effective_samples: f64,
}

/// `compare`: PIK+MH against HMC.
#[derive(Debug, Serialize)]
pub struct Comparison {
    /// HMC observables.
    pub hmc_observables: Observables,
    /// Per observable: `(PIK − HMC)/σ_combined`.
    pub pulls: BTreeMap<String, f64>,
    /// Largest `τ_int` of the PIK chain's means.
    pub pik_tau_int: f64,
    /// Largest `τ_int` of the HMC chain's means.
    pub hmc_tau_int: f64,
    /// PIK chain length / (2 τ_int).
    pub pik_effective_samples: f64,
    /// HMC trajectories / (2 τ_int).
    pub hmc_effective_samples: f64,
}

/// One point of a scan.
#[derive(Clone, Debug, Serialize)]
pub struct ScanPoint {
    /// Time along the path.
    pub t: f64,
    /// `θ(t)`.
    pub couplings: BTreeMap<String, f64>,
    /// ESS of the flow at `θ(t)`.
    pub ess: f64,
    /// Pareto `k̂` of the weights at `θ(t)`.
    pub pareto_k: Option<f64>,
    /// MH acceptance (null under reweighting).
    pub acceptance: Option<f64>,
    /// `log Z(θ(t))`.
    pub log_z: ValueError,
    /// Rejected configurations.
    pub rejected_non_finite: usize,
    /// The weight share they carried before they were stopped.
    pub rejected_weight: f64,
    /// The two corrections' error bars compared at `θ(t)`.
    pub errors: ErrorCheck,
    /// The log-weights against twice the generation steps at `θ(t)`.
    pub step_check: StepCheck,
    /// The weight at the edges of the drawn range of the magnetisation's length at `θ(t)`.
    pub edge_weights: Option<EdgeWeights>,
    /// The stationarity check at `θ(t)` (HMC at `θ(t)` from the point's configurations).
    pub stationarity: Option<Stationarity>,
    /// Observables at `θ(t)`.
    pub observables: Observables,
}

/// A written file.
#[derive(Debug, Serialize)]
pub struct FileInfo {
    /// Stem (plots) or file name.
    pub name: String,
    /// Files, relative to the output directory.
    pub files: Vec<String>,
    /// What it shows or holds.
    pub description: String,
}

impl From<pirk::Estimate> for ValueError {
    fn from(e: pirk::Estimate) -> Self {
        Self {
            value: e.value,
            error: e.error,
        }
    }
}

/// One topological charge sector and the share of a sampler's configurations in it.
#[derive(Clone, Debug, Serialize)]
pub struct Sector {
    /// The charge.
    pub q: i64,
    /// Its share (weights summing to 1 over the sectors).
    pub fraction: f64,
}
