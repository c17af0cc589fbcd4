//! Where a theory contains an action that a Wolff cluster algorithm updates directly: the
//! hopping form of φ⁴ (Ising clusters of the signs) or the planar action of angles (O(2)
//! clusters). Registered with the theory, so the CLI knows which theories Wolff runs on and
//! which couplings it reads without knowing any theory by name.

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

/// How a theory of a periodic field is the planar (XY) action
/// S = −β Σ_x Σ_μ cos(θ_{x+μ} − θ_x), which `pirk::XyWolff` updates with O(2) clusters: which
/// coupling is β. Register it with [`crate::App::wolff`]; `compare` then adds the Wolff
/// baseline, `wolff` runs it alone, and the observables gain the helicity modulus at that β.
/// The Wolff refresh of training stays with the hopping form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlanarEmbedding {
    /// The coupling that is β.
    pub beta: &'static str,
}

/// Either embedding, as [`crate::App::wolff`] takes it (both convert into it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClusterEmbedding {
    /// The hopping form of φ⁴.
    Hopping(WolffEmbedding),
    /// The planar action of a periodic field.
    Planar(PlanarEmbedding),
}

impl From<WolffEmbedding> for ClusterEmbedding {
    fn from(embedding: WolffEmbedding) -> Self {
        Self::Hopping(embedding)
    }
}

impl From<PlanarEmbedding> for ClusterEmbedding {
    fn from(embedding: PlanarEmbedding) -> Self {
        Self::Planar(embedding)
    }
}

/// A registered embedding with the positions of its couplings in `Theory::PARAMS`.
#[derive(Clone, Copy, Debug)]
pub enum Embedding {
    /// The hopping form.
    Hopping {
        /// As registered.
        couplings: WolffEmbedding,
        /// Position of κ.
        kappa: usize,
        /// Position of λ.
        lambda: usize,
    },
    /// The planar action.
    Planar {
        /// As registered.
        couplings: PlanarEmbedding,
        /// Position of β.
        beta: usize,
    },
}

impl ClusterEmbedding {
    /// Positions in `params` of theory `theory`, whose field is an angle when `periodic`; a
    /// name it lacks, or a planar embedding of a field that is not an angle, is a programming
    /// error.
    pub(crate) fn resolve(self, theory: &str, params: &[&str], periodic: bool) -> Embedding {
        let index = |name: &str| {
            params.iter().position(|p| *p == name).unwrap_or_else(|| {
                panic!(
                    "pirk_cli::App::wolff: theory {theory} has no coupling `{name}` (couplings: {})",
                    params.join(", ")
                )
            })
        };
        match self {
            Self::Planar(p) => {
                assert!(
                    periodic,
                    "pirk_cli::App::wolff: theory {theory}'s field is not periodic; the planar \
                     embedding needs angles"
                );
                Embedding::Planar {
                    couplings: p,
                    beta: index(p.beta),
                }
            }
            Self::Hopping(w) => {
                let (kappa, lambda) = (index(w.kappa), index(w.lambda));
                let mut used = vec![kappa, lambda];
                used.extend(w.extra.iter().map(|name| index(name)));
                used.sort_unstable();
                used.dedup();
                assert_eq!(
                    used.len(),
                    w.extra.len() + 2,
                    "pirk_cli::App::wolff: theory {theory}: kappa, lambda and extra name distinct \
                     couplings"
                );
                Embedding::Hopping {
                    couplings: w,
                    kappa,
                    lambda,
                }
            }
        }
    }
}

/// The couplings the Wolff baseline runs at.
#[derive(Clone, Copy, Debug)]
pub enum WolffTarget {
    /// The hopping form's κ and λ.
    Hopping(Hopping),
    /// The planar action's β.
    Planar {
        /// β.
        beta: f64,
    },
}

/// Why the Wolff baseline cannot run on a card.
#[derive(Clone, Copy, Debug)]
pub enum WolffObstacle {
    /// The theory has no Wolff embedding, or its hopping form does not hold at the target.
    NoEmbedding,
    /// κ < 0 or β < 0: the Ising embedding (of the signs, or of the spins' components along a
    /// direction) is a cluster model only when ferromagnetic.
    NegativeCoupling {
        /// The coupling that is κ or β.
        coupling: &'static str,
        /// Its target value.
        value: f64,
    },
}

impl Entry {
    /// The embedding's couplings at `target` (every coupling present), or why Wolff cannot
    /// update them.
    pub fn wolff_target(&self, target: &Couplings) -> Result<WolffTarget, WolffObstacle> {
        let ferromagnetic = |coupling: &'static str| match target[coupling] {
            value if value < 0.0 => Err(WolffObstacle::NegativeCoupling { coupling, value }),
            value => Ok(value),
        };
        match self.wolff.ok_or(WolffObstacle::NoEmbedding)? {
            Embedding::Planar { couplings, .. } => Ok(WolffTarget::Planar {
                beta: ferromagnetic(couplings.beta)?,
            }),
            Embedding::Hopping { couplings: w, .. } => {
                if w.extra.iter().any(|p| target[*p] != 0.0) {
                    return Err(WolffObstacle::NoEmbedding);
                }
                Ok(WolffTarget::Hopping(Hopping {
                    kappa: ferromagnetic(w.kappa)?,
                    lambda: target[w.lambda],
                }))
            }
        }
    }
}

impl WolffObstacle {
    /// One line for a card of theory `entry` among `registry`'s theories.
    pub fn explain(&self, entry: &Entry, registry: &Registry) -> String {
        match self {
            Self::NoEmbedding => format!(
                "the Wolff baseline needs {}, the card's is {}",
                baseline_theories(registry),
                entry.name
            ),
            Self::NegativeCoupling { coupling, value } => {
                format!("the Wolff cluster needs target {coupling} >= 0, got {value}")
            }
        }
    }
}

/// The theories the Wolff baseline runs on, as a card names them: `theory = "a" (or "b" with
/// target x = y = 0, or "c")`.
fn baseline_theories(registry: &Registry) -> String {
    let names = registry.entries().iter().filter_map(|e| match e.wolff? {
        Embedding::Hopping { couplings, .. } if !couplings.extra.is_empty() => Some(format!(
            "\"{}\" with target {} = 0",
            e.name,
            couplings.extra.join(" = ")
        )),
        _ => Some(format!("\"{}\"", e.name)),
    });
    listing(
        names.collect(),
        "a theory with a Wolff embedding (none is registered)",
    )
}

/// The theories the Wolff refresh of training runs on: the hopping form of a one-component
/// field without further couplings, which then holds along the whole path.
pub fn refresh_theories(registry: &Registry) -> String {
    let names = registry.entries().iter().filter_map(|e| match e.wolff? {
        Embedding::Hopping { couplings, .. } if couplings.extra.is_empty() && e.components == 1 => {
            Some(format!("\"{}\"", e.name))
        }
        _ => None,
    });
    listing(names.collect(), "the hopping form (no theory registers it)")
}

/// `theory = first (or second, or …)`, or `none` without names.
fn listing(names: Vec<String>, none: &str) -> String {
    match names.split_first() {
        None => none.into(),
        Some((first, [])) => format!("theory = {first}"),
        Some((first, rest)) => format!("theory = {first} (or {})", rest.join(", or ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The O(2) clusters update angles: a planar embedding of a real field is refused at
    /// registration.
    #[test]
    #[should_panic(expected = "the planar embedding needs angles")]
    fn a_planar_embedding_needs_a_periodic_field() {
        crate::App::new()
            .theory::<pirk_theories::Phi4Hopping>("hopping", "hopping φ⁴")
            .wolff(PlanarEmbedding { beta: "kappa" });
    }
}
