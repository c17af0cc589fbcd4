//! Run cards: the TOML file that describes one job, one file per section in `card/`. Every
//! section rejects unknown keys and checks what only the command line uses; [`Card::check`]
//! runs those checks against the theory, and the core's builders check the runtime settings
//! (`Setup::new`), all before any file is written, each time with one line that names the key.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::error::{InputError, bad_input};
use crate::registry::{Entry, Registry};

mod flow;
mod hmc;
mod kernels;
mod path;
mod prior;
mod sample;
mod scan;
mod tune;
mod wolff;

pub use flow::{FlowCard, RefineCard, RefreshKind};
pub use hmc::{HmcCard, IntegratorKind};
pub use kernels::{KernelsCard, SmearedCard, SpinsCard};
pub use path::PathCard;
pub use prior::{PriorCard, PriorKind};
pub use sample::{Correction, CountOrAuto, GridKind, SampleCard, WeightsKind};
pub use scan::ScanCard;
pub use tune::TuneCard;
pub use wolff::{WolffCard, WolffChain, WolffPlan};

/// The flux kernels' harmonics a minimal card of a two-dimensional link field gets: 16², β = 6
/// (docs/physics.md, "U(1) gauge theory").
pub const FLUX_HARMONICS: [u32; 4] = [1, 2, 3, 4];

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
    /// The exactly samplable start (absent: the free field with the kinetic term of the
    /// action's quadratic part at the path's start and the mass of the Gaussian nearest the
    /// theory there).
    pub prior: Option<PriorCard>,
    /// The coupling path from the prior to the target (absent: the target's couplings all
    /// along, the prior switched off as t runs from 0 to 1).
    pub path: Option<PathCard>,
    /// The kernel basis (absent: [`Card::kernels`]'s default).
    pub kernels: Option<KernelsCard>,
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
    /// Pilot rounds that fit the prior's zero-mode couplings.
    #[serde(default)]
    pub tune: TuneCard,
    /// The TOML as read: the output directory keeps it (`card.toml`), so that a flow there can
    /// be sampled again from the directory alone.
    #[serde(skip)]
    pub text: String,
}

impl Card {
    /// Reads and parses `file`; a TOML or schema problem becomes one line with its line number.
    pub fn load(file: &Path) -> Result<Self, InputError> {
        let text = std::fs::read_to_string(file)
            .map_err(|e| InputError::new(format!("cannot read card {}: {e}", file.display())))?;
        let card: Self = toml::from_str(&text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start].matches('\n').count() + 1)
                .map_or(String::new(), |l| format!(" line {l}:"));
            let message = e.message().replace('\n', " ");
            InputError::new(format!("{}:{line} {}", file.display(), message.trim()))
        })?;
        Ok(Self { text, ..card })
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
        self.path_couplings(entry)?;
        if let Some(prior) = &self.prior {
            prior.check(&self.lattice)?;
            if entry.components > 1 && prior.wells.is_some() {
                bad_input!(
                    "prior.wells: theory {} has a {}-component field, and the two-well prior \
                     splits a one-component magnetisation; use zm_mass and zm_quartic (a \
                     potential of |M|) or remove the key",
                    entry.name,
                    entry.components
                );
            }
            match (entry.periodic, prior.kind == PriorKind::Uniform) {
                (true, false) => bad_input!(
                    "prior.kind: theory {} has a periodic field; its prior is kind = \"uniform\"",
                    entry.name
                ),
                (false, true) => bad_input!(
                    "prior.kind: the uniform prior is for periodic fields, and theory {}'s is not",
                    entry.name
                ),
                _ => {}
            }
        }
        self.kernels(entry).check(entry, &self.lattice)?;
        if self.flow.refresh_with == RefreshKind::Wolff {
            self.check_wolff_refresh(entry, registry)?;
        }
        self.flow.check()?;
        self.sample.check()?;
        self.hmc.check()?;
        self.scan.check()?;
        self.tune.check()?;
        if self.tune.rounds.is_some_and(|r| r > 0) && entry.periodic {
            bad_input!(
                "tune.rounds: tuning fits a free-field prior's zero-mode couplings, and theory {}'s \
                 periodic field starts from the uniform prior; set tune.rounds = 0",
                entry.name
            );
        }
        if self.tune_rounds(entry) > 0
            && let Some(p) = &self.prior
            && (p.kind != PriorKind::Free || p.wells.is_some())
        {
            bad_input!(
                "tune.rounds: tuning fits a free-field prior's zero-mode couplings; \
                 give a free or zero-mode prior, or set tune.rounds = 0"
            );
        }
        self.check_wolff(entry, registry)?;
        Ok(entry)
    }

    /// The path's nodes in parameter order: `[path] start`, its waypoints and the target (the
    /// target alone without `[path]`).
    pub fn path_couplings(&self, entry: &Entry) -> Result<Vec<Vec<f64>>, InputError> {
        let mut nodes = Vec::new();
        if let Some(path) = &self.path {
            nodes.push(self.couplings("path.start", &path.start, entry)?);
            for (i, w) in path.waypoints.iter().enumerate() {
                nodes.push(self.couplings(&format!("path.waypoints[{i}]"), w, entry)?);
            }
        }
        nodes.push(self.couplings("target", &self.target, entry)?);
        Ok(nodes)
    }

    /// `[kernels]`, or without it every declared kernel, the momentum shells and the smeared
    /// kernels of radii 1, 2, 4, … up to a quarter of the shortest extent with slopes ½, 1, 2
    /// (declared kernels alone on zero dimensions): near κ_c the long-wavelength kernels carry
    /// the collective mode that declared, local kernels miss while the ESS stays high
    /// (docs/physics.md, "Minimal cards"). A periodic field, whose Fourier modes are not
    /// periodic, gets the spin-smeared kernels of the same radii with harmonics 1 and 2
    /// instead: its spin waves are long-range too. A link field gets its declared kernels and,
    /// on two dimensions, the flux kernels of [`FLUX_HARMONICS`]: only they are gauge covariant.
    pub fn kernels(&self, entry: &Entry) -> KernelsCard {
        if let Some(k) = &self.kernels {
            return k.clone();
        }
        if entry.links {
            return KernelsCard {
                flux: if self.lattice.len() == 2 {
                    FLUX_HARMONICS.to_vec()
                } else {
                    Vec::new()
                },
                ..KernelsCard::default()
            };
        }
        let Some(&shortest) = self.lattice.iter().min() else {
            return KernelsCard::default();
        };
        let radii: Vec<f64> = std::iter::successors(Some(1usize), |r| Some(2 * r))
            .take_while(|&r| r == 1 || 4 * r <= shortest)
            .map(|r| r as f64)
            .collect();
        if entry.periodic {
            return KernelsCard {
                spins: Some(SpinsCard {
                    radii,
                    harmonics: vec![1, 2],
                }),
                ..KernelsCard::default()
            };
        }
        KernelsCard {
            shells: true,
            smeared: Some(SmearedCard {
                radii,
                slopes: vec![0.5, 1.0, 2.0],
            }),
            ..KernelsCard::default()
        }
    }

    /// Tuning rounds: `[tune] rounds`, else 5 for a card without `[prior]` (its prior comes
    /// from the action) and 0 for one with, for a periodic field (its uniform prior has
    /// nothing to tune) or for an N-component field (its rounds were measured to cost twice
    /// the run for no ESS: docs/physics.md, "O(N) models").
    pub fn tune_rounds(&self, entry: &Entry) -> usize {
        let default = if self.prior.is_none() && !entry.periodic && entry.components == 1 {
            5
        } else {
            0
        };
        self.tune.rounds.unwrap_or(default)
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
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(periodic: bool) -> Entry {
        let mut entry = Entry::new::<pirk_theories::Phi4Hopping>("hopping", "");
        entry.periodic = periodic;
        entry
    }

    fn minimal(lattice: &str) -> Card {
        toml::from_str(&format!(
            "theory = \"hopping\"\nlattice = {lattice}\n[target]\nkappa = 0.2\nlambda = 0.0\n"
        ))
        .unwrap()
    }

    /// Without `[kernels]`: shells and smeared radii up to a quarter of the shortest extent,
    /// spin-smeared kernels of those radii for a periodic field; declared kernels alone on
    /// zero dimensions; a given `[kernels]` as written.
    #[test]
    fn default_basis_follows_the_lattice() {
        let e = entry(false);
        let radii = |lattice| minimal(lattice).kernels(&e).smeared.map(|m| m.radii);
        assert_eq!(radii("[16, 16]"), Some(vec![1.0, 2.0, 4.0]));
        assert_eq!(radii("[32, 8]"), Some(vec![1.0, 2.0]));
        assert_eq!(radii("[3]"), Some(vec![1.0]));
        assert_eq!(radii("[]"), None);
        assert!(minimal("[8, 8]").kernels(&e).shells);
        assert!(!minimal("[]").kernels(&e).shells);
        let periodic = minimal("[16, 16]").kernels(&entry(true));
        assert!(!periodic.shells && periodic.smeared.is_none());
        assert_eq!(periodic.spins.map(|m| m.harmonics), Some(vec![1, 2]));
        let spin_radii = |lattice| {
            minimal(lattice)
                .kernels(&entry(true))
                .spins
                .map(|m| m.radii)
        };
        assert_eq!(spin_radii("[16, 16]"), Some(vec![1.0, 2.0, 4.0]));
        assert_eq!(spin_radii("[32, 8]"), Some(vec![1.0, 2.0]));
        assert_eq!(spin_radii("[]"), None);
        let mut given = minimal("[16, 16]");
        given.kernels = Some(KernelsCard::default());
        assert!(!given.kernels(&e).shells && given.kernels(&e).smeared.is_none());
        assert!(given.kernels(&entry(true)).spins.is_none());
    }
}
