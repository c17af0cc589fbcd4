//! Where a theory contains the hopping form of φ⁴ that the Wolff cluster algorithm updates:
//! registered with the theory, so the CLI knows which theories Wolff runs on and which
//! couplings it reads without knowing any theory by name.

use pirk::Hopping;

use super::{Entry, Registry};
use crate::card::Couplings;

/// How a theory contains the hopping form
/// S = Σ_x [−2κ Σ_μ φ_x φ_{x+μ} + (1 − 2λ) φ_x² + λ φ_x⁴], which `pirk::Wolff` updates
/// directly: which couplings are κ and λ, and which must vanish for the action to be that form.
/// Register it with [`crate::App::wolff`]; `compare` then adds the Wolff baseline, `wolff` runs
/// it alone, and `[flow] refresh_with = "wolff"` refreshes training with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WolffEmbedding {
    /// The coupling that is κ.
    pub kappa: &'static str,
    /// The coupling that is λ.
    pub lambda: &'static str,
    /// Couplings the action has beyond the hopping form (hopping-wells' zero-mode potential,
    /// which only shapes the prior; a φ⁶ term). The Wolff baseline runs only where the target
    /// sets them all to 0; the Wolff refresh, which updates along the whole path, only on
    /// theories without any.
    pub extra: &'static [&'static str],
}

/// A registered embedding with the positions of κ and λ in `Theory::PARAMS`.
#[derive(Clone, Copy, Debug)]
pub struct Embedding {
    /// As registered.
    pub couplings: WolffEmbedding,
    /// Position of κ.
    pub kappa: usize,
    /// Position of λ.
    pub lambda: usize,
}

impl WolffEmbedding {
    /// Positions in `params` of theory `theory`; a name it lacks is a programming error.
    pub(crate) fn resolve(self, theory: &str, params: &[&str]) -> Embedding {
        let index = |name: &str| {
            params.iter().position(|p| *p == name).unwrap_or_else(|| {
                panic!(
                    "pirk_cli::App::wolff: theory {theory} has no coupling `{name}` (couplings: {})",
                    params.join(", ")
                )
            })
        };
        let (kappa, lambda) = (index(self.kappa), index(self.lambda));
        let mut used = vec![kappa, lambda];
        used.extend(self.extra.iter().map(|name| index(name)));
        used.sort_unstable();
        used.dedup();
        assert_eq!(
            used.len(),
            self.extra.len() + 2,
            "pirk_cli::App::wolff: theory {theory}: kappa, lambda and extra name distinct couplings"
        );
        Embedding {
            couplings: self,
            kappa,
            lambda,
        }
    }
}

/// Why the Wolff baseline cannot run on a card.
#[derive(Clone, Copy, Debug)]
pub enum WolffObstacle {
    /// The theory is not the hopping form at the target.
    NotHopping,
    /// κ < 0: the Ising embedding of the signs is a cluster model only when ferromagnetic.
    NegativeKappa {
        /// The coupling that is κ.
        coupling: &'static str,
        /// Its target value.
        value: f64,
    },
}

impl Entry {
    /// The hopping couplings at `target` (every coupling present), or why Wolff cannot
    /// update them.
    pub fn wolff_target(&self, target: &Couplings) -> Result<Hopping, WolffObstacle> {
        let w = self.wolff.ok_or(WolffObstacle::NotHopping)?.couplings;
        if w.extra.iter().any(|p| target[*p] != 0.0) {
            return Err(WolffObstacle::NotHopping);
        }
        let (kappa, lambda) = (target[w.kappa], target[w.lambda]);
        if kappa < 0.0 {
            return Err(WolffObstacle::NegativeKappa {
                coupling: w.kappa,
                value: kappa,
            });
        }
        Ok(Hopping { kappa, lambda })
    }
}

impl WolffObstacle {
    /// One line for a card of theory `entry` among `registry`'s theories.
    pub fn explain(&self, entry: &Entry, registry: &Registry) -> String {
        match self {
            Self::NotHopping => format!(
                "the Wolff baseline needs {}, the card's is {}",
                wolff_theories(registry, true),
                entry.name
            ),
            Self::NegativeKappa { coupling, value } => {
                format!("the Wolff cluster needs target {coupling} >= 0, got {value}")
            }
        }
    }
}

/// The theories Wolff can update, as a card names them: `theory = "a" (or "b" with target
/// x = y = 0)`. Theories with couplings beyond the hopping form are included when `with_extra`.
pub fn wolff_theories(registry: &Registry, with_extra: bool) -> String {
    let names: Vec<String> = registry
        .entries()
        .iter()
        .filter_map(|e| match e.wolff?.couplings.extra {
            [] => Some(format!("\"{}\"", e.name)),
            extra if with_extra => Some(format!(
                "\"{}\" with target {} = 0",
                e.name,
                extra.join(" = ")
            )),
            _ => None,
        })
        .collect();
    match names.split_first() {
        None => "a theory with a Wolff embedding (none is registered)".into(),
        Some((first, [])) => format!("theory = {first}"),
        Some((first, rest)) => format!("theory = {first} (or {})", rest.join(", or ")),
    }
}
