//! Run cards: the TOML file that describes one job. Every section rejects unknown keys, and
//! [`Card::check`] rejects everything else a run would trip over later, before any file is
//! written, each time with one line that names the key.

use std::collections::BTreeMap;
use std::path::Path;

use pirk::{Centring, Hopping, Method};
use serde::Deserialize;

use crate::error::{InputError, bad_input};
use crate::registry::{Entry, Registry, WolffObstacle, wolff_theories};

/// Couplings by name, as written in `[target]`, `[path] start` and waypoints.
pub type Couplings = BTreeMap<String, f64>;

/// A parsed run card.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Card {
    /// Registered theory name (`pirk theories`).
    pub theory: String,
    /// Lattice extents (`[]` for zero dimensions).
    pub lattice: Vec<usize>,
    /// Seed of every random stream.
    #[serde(default)]
    pub seed: u64,
    /// Worker threads (0 or absent: all cores); `--threads` overrides.
    pub threads: Option<usize>,
    /// The couplings to sample at.
    pub target: Couplings,
    /// The exactly samplable start.
    pub prior: PriorCard,
    /// The coupling path from the prior to the target.
    pub path: PathCard,
    /// The kernel basis.
    #[serde(default)]
    pub kernels: KernelsCard,
    /// Training.
    #[serde(default)]
    pub flow: FlowCard,
    /// Refinement of the trained flow.
    #[serde(default)]
    pub refine: RefineCard,
    /// Generation and correction.
    #[serde(default)]
    pub sample: SampleCard,
    /// The HMC baseline.
    #[serde(default)]
    pub hmc: HmcCard,
    /// The Wolff cluster baseline (theories with a Wolff embedding; absent: all defaults).
    pub wolff: Option<WolffCard>,
    /// Parameter-conditional scan.
    #[serde(default)]
    pub scan: ScanCard,
}

/// Which Gaussian prior.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum PriorKind {
    /// `S_0 = Σ φ²/(2σ²)`.
    Normal,
    /// `S_0 = Σ [a Σ_μ (φ_{x+μ} − φ_x)² + m_0 φ²]`.
    Free,
}

/// `[prior]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriorCard {
    /// `normal` or `free`.
    pub kind: PriorKind,
    /// σ² of the normal prior.
    pub variance: Option<f64>,
    /// `a` of the free-field prior.
    pub kinetic: Option<f64>,
    /// `m_0` of the free-field prior.
    pub mass: Option<f64>,
    /// `w` of the two-well prior: the free field times `cosh(w M)^V` (optional, free only).
    pub wells: Option<f64>,
    /// `μ` of the zero-mode prior: the free field times `e^{−V (μ M² + g M⁴)}` (free only,
    /// with `zm_quartic`).
    pub zm_mass: Option<f64>,
    /// `g > 0` of the zero-mode prior.
    pub zm_quartic: Option<f64>,
}

/// `[path]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathCard {
    /// `θ(0)`, where the prior must equal the theory.
    pub start: Couplings,
    /// Intermediate couplings, visited at equally spaced times before the target.
    #[serde(default)]
    pub waypoints: Vec<Couplings>,
}

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

/// The update that refreshes the collocation ensemble.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum RefreshKind {
    /// HMC trajectories with the `[hmc]` settings.
    #[default]
    Hmc,
    /// Wolff updates (one Metropolis sweep with the `[wolff]` width, one cluster flip) of a
    /// theory that is the hopping form.
    Wolff,
}

/// `[flow]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FlowCard {
    /// RK4 steps of training.
    pub steps: usize,
    /// Collocation configurations.
    pub samples: usize,
    /// Least-squares method.
    pub method: Method,
    /// Row centring.
    pub centring: Centring,
    /// Singular-value cut-off.
    pub rcond: f64,
    /// HMC trajectories (with the `[hmc]` step, steps and integrator) per collocation
    /// configuration after every training step; 0 = off.
    pub refresh: usize,
    /// What the refresh runs: HMC trajectories or Wolff updates.
    pub refresh_with: RefreshKind,
}

impl Default for FlowCard {
    fn default() -> Self {
        Self {
            steps: 50,
            samples: 2000,
            method: Method::default(),
            centring: Centring::default(),
            rcond: 1e-6,
            refresh: 0,
            refresh_with: RefreshKind::Hmc,
        }
    }
}

/// `[refine]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RefineCard {
    /// Weighted re-solve rounds after training (0: off).
    pub rounds: usize,
    /// Fresh configurations per round (absent: `[flow] samples`).
    pub samples: Option<usize>,
}

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

/// `[sample]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SampleCard {
    /// Generated configurations.
    pub count: usize,
    /// `mh` or `reweight`.
    pub correction: Correction,
    /// Configurations per checkpointed chunk.
    pub chunk: usize,
    /// Integration steps (absent: the training steps; `"auto"`: the fewest that keep the
    /// log-weights within `step_tolerance`, see [`pirk::fewest_steps`]).
    pub steps: Option<Steps>,
    /// With `steps = "auto"`: the largest root-mean-square change of `log w` a step count
    /// may make against the training steps.
    pub step_tolerance: f64,
    /// Runaway factor over the training speed.
    pub runaway: f64,
    /// Local error tolerance of adaptive (Bogacki–Shampine) generation (absent: RK4).
    pub tolerance: Option<f64>,
}

impl Default for SampleCard {
    fn default() -> Self {
        Self {
            count: 4000,
            correction: Correction::Mh,
            chunk: 500,
            steps: None,
            step_tolerance: 0.005,
            runaway: 10.0,
            tolerance: None,
        }
    }
}

/// `[sample] steps`: a count, or `"auto"`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Steps {
    /// This many RK4 steps.
    Count(usize),
    /// The fewest that keep the log-weights (chosen after training).
    Auto,
}

impl<'de> Deserialize<'de> for Steps {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Steps;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a positive integer or \"auto\"")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Steps, E> {
                usize::try_from(v).map(Steps::Count).map_err(|_| {
                    E::custom(format!("expected a positive integer or \"auto\", got {v}"))
                })
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Steps, E> {
                self.visit_i64(i64::try_from(v).unwrap_or(-1))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Steps, E> {
                match v {
                    "auto" => Ok(Steps::Auto),
                    _ => Err(E::custom(format!(
                        "expected a positive integer or \"auto\", got \"{v}\""
                    ))),
                }
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// The HMC integrator.
#[derive(Clone, Copy, Debug, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IntegratorKind {
    /// Omelyan 2MN.
    #[default]
    Omelyan,
    /// Leapfrog.
    Leapfrog,
}

/// `[hmc]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HmcCard {
    /// Measured trajectories.
    pub trajectories: usize,
    /// Trajectories discarded first.
    pub thermalise: usize,
    /// Step size ε.
    pub step: f64,
    /// Steps per trajectory.
    pub steps: usize,
    /// Integrator.
    pub integrator: IntegratorKind,
}

impl Default for HmcCard {
    fn default() -> Self {
        Self {
            trajectories: 2000,
            thermalise: 200,
            step: 0.1,
            steps: 10,
            integrator: IntegratorKind::Omelyan,
        }
    }
}

/// `[wolff]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WolffCard {
    /// Measured updates (absent: `[hmc] trajectories`).
    pub updates: Option<usize>,
    /// Updates discarded first (absent: `[hmc] thermalise`).
    pub thermalise: Option<usize>,
    /// Metropolis proposal half-width.
    pub width: f64,
}

impl Default for WolffCard {
    fn default() -> Self {
        Self {
            updates: None,
            thermalise: None,
            width: 1.5,
        }
    }
}

/// The Wolff baseline as it runs: `[wolff]` with its defaults filled in, at the target.
#[derive(Clone, Copy, Debug)]
pub struct WolffPlan {
    /// Measured updates.
    pub updates: usize,
    /// Updates discarded first.
    pub thermalise: usize,
    /// Metropolis proposal half-width.
    pub width: f64,
    /// The target couplings.
    pub couplings: Hopping,
}

/// `[scan]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScanCard {
    /// Points `t = 1/P, 2/P, …, 1` along the path.
    pub points: usize,
}

impl Default for ScanCard {
    fn default() -> Self {
        Self { points: 5 }
    }
}

impl Card {
    /// Reads and parses `file`; a TOML or schema problem becomes one line with its line number.
    pub fn load(file: &Path) -> Result<Self, InputError> {
        let text = std::fs::read_to_string(file)
            .map_err(|e| InputError::new(format!("cannot read card {}: {e}", file.display())))?;
        toml::from_str(&text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start].matches('\n').count() + 1)
                .map_or(String::new(), |l| format!(" line {l}:"));
            let message = e.message().replace('\n', " ");
            InputError::new(format!("{}:{line} {}", file.display(), message.trim()))
        })
    }

    /// The registered theory this card names, after checking the whole card against it.
    pub fn check<'r>(&self, registry: &'r Registry) -> Result<&'r Entry, InputError> {
        let entry = registry.find(&self.theory)?;
        let (lo, hi) = entry.ndim;
        let n = self.lattice.len();
        if n < lo || n > hi {
            let want = if lo == hi {
                format!("{lo}")
            } else {
                format!("{lo} to {hi}")
            };
            bad_input!(
                "lattice: theory {} needs {want} dimensions, the card gives {n}",
                entry.name
            );
        }
        if let Some(e) = self.lattice.iter().find(|&&e| e < 2) {
            bad_input!("lattice: extents must be at least 2, got {e}");
        }
        self.couplings("target", &self.target, entry)?;
        self.couplings("path.start", &self.path.start, entry)?;
        for (i, w) in self.path.waypoints.iter().enumerate() {
            self.couplings(&format!("path.waypoints[{i}]"), w, entry)?;
        }
        self.check_prior()?;
        if let Some(names) = &self.kernels.declared {
            if names.is_empty() && !self.kernels.shells && self.kernels.smeared.is_none() {
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
        if self.kernels.shells && self.lattice.is_empty() {
            bad_input!("kernels.shells: a zero-dimensional lattice has no momentum shells");
        }
        if let Some(m) = &self.kernels.smeared {
            if self.lattice.is_empty() {
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
        if self.flow.refresh_with == RefreshKind::Wolff {
            self.check_wolff_refresh(entry, registry)?;
        }
        if self.sample.count < 2 {
            bad_input!("sample.count: need at least 2, got {}", self.sample.count);
        }
        positive("sample.chunk", self.sample.chunk)?;
        finite("sample.step_tolerance", self.sample.step_tolerance)?;
        if self.sample.step_tolerance <= 0.0 {
            bad_input!(
                "sample.step_tolerance: must be positive, got {}",
                self.sample.step_tolerance
            );
        }
        if self.sample.steps == Some(Steps::Auto) && self.sample.tolerance.is_some() {
            bad_input!(
                "sample.steps: \"auto\" chooses fixed RK4 steps; it cannot be combined with sample.tolerance"
            );
        }
        if self.hmc.trajectories < 2 {
            bad_input!(
                "hmc.trajectories: need at least 2, got {}",
                self.hmc.trajectories
            );
        }
        positive("scan.points", self.scan.points)?;
        self.check_wolff(entry, registry)?;
        Ok(entry)
    }

    /// The Wolff run of `compare` and `wolff` on this card, or why it cannot run.
    pub fn wolff_plan(&self, entry: &Entry) -> Result<WolffPlan, WolffObstacle> {
        let couplings = entry.wolff_target(&self.target)?;
        let w = self.wolff.clone().unwrap_or_default();
        Ok(WolffPlan {
            updates: w.updates.unwrap_or(self.hmc.trajectories),
            thermalise: w.thermalise.unwrap_or(self.hmc.thermalise),
            width: w.width,
            couplings,
        })
    }

    /// A `[wolff]` section only where Wolff runs, with usable settings.
    fn check_wolff(&self, entry: &Entry, registry: &Registry) -> Result<(), InputError> {
        let Some(w) = &self.wolff else {
            return Ok(());
        };
        if let Err(why) = entry.wolff_target(&self.target) {
            bad_input!("wolff: {}", why.explain(entry, registry));
        }
        if let Some(n) = w.updates
            && n < 2
        {
            bad_input!("wolff.updates: need at least 2, got {n}");
        }
        Ok(())
    }

    /// Wolff refresh updates along the whole path, so it runs only on a theory that is the
    /// hopping form everywhere (no couplings beyond it), with κ ≥ 0 at every node of the path
    /// (κ is linear between nodes).
    fn check_wolff_refresh(&self, entry: &Entry, registry: &Registry) -> Result<(), InputError> {
        let Some(w) = entry.wolff.filter(|w| w.couplings.extra.is_empty()) else {
            bad_input!(
                "flow.refresh_with: Wolff updates need {}, the card's is {}",
                wolff_theories(registry, false),
                entry.name
            );
        };
        let kappa = w.couplings.kappa;
        let nodes = std::iter::once(&self.path.start)
            .chain(&self.path.waypoints)
            .chain(std::iter::once(&self.target));
        if let Some(value) = nodes.map(|c| c[kappa]).find(|k| *k < 0.0) {
            bad_input!(
                "flow.refresh_with: the Wolff cluster needs {kappa} >= 0 along the path, got {value}"
            );
        }
        Ok(())
    }

    /// Configurations per refinement round: `[refine] samples`, else `[flow] samples`.
    pub fn refine_samples(&self) -> usize {
        self.refine.samples.unwrap_or(self.flow.samples)
    }

    /// `map` in the theory's parameter order, rejecting unknown, missing and non-finite ones.
    pub fn couplings(
        &self,
        section: &str,
        map: &Couplings,
        entry: &Entry,
    ) -> Result<Vec<f64>, InputError> {
        if let Some(k) = map.keys().find(|k| !entry.params.contains(&k.as_str())) {
            bad_input!(
                "{section}: unknown coupling `{k}` for theory {} (couplings: {})",
                entry.name,
                entry.params.join(", ")
            );
        }
        entry
            .params
            .iter()
            .map(|p| match map.get(*p) {
                None => bad_input!("{section}: missing coupling `{p}`"),
                Some(v) => finite(&format!("{section}.{p}"), *v).map(|()| *v),
            })
            .collect()
    }

    fn check_prior(&self) -> Result<(), InputError> {
        let p = &self.prior;
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
            (None, _, Some(g)) if g <= 0.0 => {
                bad_input!("prior.zm_quartic: must be positive, got {g}")
            }
            _ => {}
        }
        if let Some((name, _)) = stray.iter().find(|(_, v)| v.is_some()) {
            bad_input!("prior.{name}: not used by kind = {:?}", p.kind);
        }
        if p.kind == PriorKind::Free && self.lattice.is_empty() {
            bad_input!("prior.kind: the free-field prior needs a lattice; use kind = \"normal\"");
        }
        Ok(())
    }
}

/// A prior setting's key and value.
type Setting<'a> = (&'a str, Option<f64>);

fn finite(key: &str, v: f64) -> Result<(), InputError> {
    if !v.is_finite() {
        bad_input!("{key}: must be a finite number, got {v}");
    }
    Ok(())
}

fn positive(key: &str, v: usize) -> Result<(), InputError> {
    if v == 0 {
        bad_input!("{key}: must be at least 1");
    }
    Ok(())
}
