//! Observables with errors from an ensemble: per-configuration primaries (M, |M|, M², S/V and
//! the lowest-momentum power for ξ; for a periodic field the planar spins' magnetisation
//! vector, the vortex density and, where the theory is the planar action, the helicity
//! modulus's estimator instead of ξ; for an N-component field the magnetisation vector; for a
//! link field the plaquette and the topological charge), then either Markov-chain estimates
//! (Γ-method for means, blocked jackknife for derived quantities) or importance-weighted ones.

use std::collections::BTreeMap;

use pirk::{
    Estimate, GammaMethod, Jackknife, Lattice, Theory, action_density, binder, helicity_modulus,
    lowest_mode_power, magnetisation, o_n_binder, planar_magnetisation, plaquette,
    second_moment_length, susceptibility, topological_charge, vector_magnetisation, vortex_density,
};
use rayon::prelude::*;
use serde::Serialize;

use crate::setup::Setup;

/// One observable: mean, one-sigma error, and `τ_int` for Markov-chain estimates.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Measured {
    /// Estimate.
    pub mean: f64,
    /// One standard deviation.
    pub err: f64,
    /// Integrated autocorrelation time (chains only).
    pub tau_int: Option<f64>,
    /// Why `mean` or `err` is not a number, where one is not (written only then).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undetermined: Option<&'static str>,
}

/// Observables by name.
pub type Observables = BTreeMap<String, Measured>;

/// Per-configuration primary observables.
#[derive(Clone, Debug, Default)]
pub struct Primaries {
    /// `M = mean φ`; for a periodic field the first component `mean cos θ` of the planar
    /// spins' magnetisation, for an N-component field its first component `M_0`, for a link
    /// field its topological charge `Q` (two dimensions; 0 on others).
    pub m: Vec<f64>,
    /// `S/V` at the measured couplings.
    pub action: Vec<f64>,
    /// `|φ̃(p_1)|²/V` with `p_1` the lowest momentum along axis 0 (empty in zero dimensions
    /// and for periodic fields).
    pub p1: Vec<f64>,
    /// The squared length of the magnetisation's other components: `(mean sin θ)²` for a
    /// periodic field, `Σ_{a≥1} M_a²` for an N-component one (else empty).
    pub m_perp2: Vec<f64>,
    /// The magnetisation's components where `m_perp2` is filled (2 for planar spins, N for an
    /// N-component field).
    pub components: usize,
    /// Vortices per plaquette (periodic fields on two or more dimensions, else empty).
    pub vortices: Vec<f64>,
    /// The helicity modulus's estimator `(Σ_μ E_μ − β Σ_μ I_μ²)/(d V)` at the measured β
    /// (periodic fields of a theory with the planar embedding on one or more dimensions, else
    /// empty).
    pub helicity: Vec<f64>,
    /// The mean plaquette `cos θ_P` (link fields, else empty).
    pub plaquette: Vec<f64>,
}

impl Primaries {
    /// Whether the ends of the `|M|` range are meaningful edges ([`pirk::edge_weights`]): not
    /// for a link field, whose charge is a whole number (ties fill the ends).
    pub fn has_edges(&self) -> bool {
        self.plaquette.is_empty()
    }

    /// `|M|` of every configuration: the length of the magnetisation vector where it has
    /// more than one component.
    pub fn magnetisation_lengths(&self) -> Vec<f64> {
        if self.m_perp2.is_empty() {
            self.m.iter().map(|m| m.abs()).collect()
        } else {
            (self.m.iter().zip(&self.m_perp2))
                .map(|(m, perp)| (m * m + perp).sqrt())
                .collect()
        }
    }
}

/// One configuration's primaries.
struct Row {
    m: f64,
    action: f64,
    p1: Option<f64>,
    vector: Option<VectorRow>,
    plaquette: Option<f64>,
}

/// One configuration's primaries of a vector magnetisation beyond its first component.
struct VectorRow {
    components: usize,
    m_perp2: f64,
    vortices: Option<f64>,
    helicity: Option<f64>,
}

impl Primaries {
    /// Primaries of the flat ensemble `phi` (`n × V`) of the setup's theory at couplings
    /// `theta`.
    pub fn of<T: Theory>(setup: &Setup<T>, theta: &[f64], phi: &[f64]) -> Self {
        let rows: Vec<Row> = phi
            .par_chunks(T::field_len(&setup.lat))
            .map(|c| primaries(setup, theta, c))
            .collect();
        let mut all = Self::default();
        for row in rows {
            all.push_row(row);
        }
        all
    }

    /// Appends the primaries of one configuration (chains measured as they run).
    pub fn push<T: Theory>(&mut self, setup: &Setup<T>, theta: &[f64], phi: &[f64]) {
        self.push_row(primaries(setup, theta, phi));
    }

    fn push_row(&mut self, row: Row) {
        self.m.push(row.m);
        self.action.push(row.action);
        self.p1.extend(row.p1);
        self.plaquette.extend(row.plaquette);
        if let Some(vector) = row.vector {
            self.components = vector.components;
            self.m_perp2.push(vector.m_perp2);
            self.vortices.extend(vector.vortices);
            self.helicity.extend(vector.helicity);
        }
    }

    /// Appends the primaries of further configurations.
    pub fn extend(&mut self, more: Self) {
        self.m.extend(more.m);
        self.action.extend(more.action);
        self.p1.extend(more.p1);
        self.components = self.components.max(more.components);
        self.m_perp2.extend(more.m_perp2);
        self.vortices.extend(more.vortices);
        self.helicity.extend(more.helicity);
        self.plaquette.extend(more.plaquette);
    }

    /// Every rank's primaries, in rank order (see crate::replicas).
    pub fn gathered(self) -> Self {
        let ranks = pirk::ranks();
        Self {
            m: ranks.all_gather(self.m),
            action: ranks.all_gather(self.action),
            p1: ranks.all_gather(self.p1),
            m_perp2: ranks.all_gather(self.m_perp2),
            components: self.components,
            vortices: ranks.all_gather(self.vortices),
            helicity: ranks.all_gather(self.helicity),
            plaquette: ranks.all_gather(self.plaquette),
        }
    }

    /// The primaries along a chain of indices.
    pub fn along(&self, indices: &[usize]) -> Self {
        let pick = |x: &Vec<f64>| -> Vec<f64> {
            if x.is_empty() {
                Vec::new()
            } else {
                indices.iter().map(|&i| x[i]).collect()
            }
        };
        Self {
            m: pick(&self.m),
            action: pick(&self.action),
            p1: pick(&self.p1),
            m_perp2: pick(&self.m_perp2),
            components: self.components,
            vortices: pick(&self.vortices),
            helicity: pick(&self.helicity),
            plaquette: pick(&self.plaquette),
        }
    }
}

/// The primaries of one configuration.
fn primaries<T: Theory>(setup: &Setup<T>, theta: &[f64], phi: &[f64]) -> Row {
    let lat = &setup.lat;
    let action = action_density(&setup.theory, lat, theta, phi);
    if T::LINKS {
        return Row {
            m: topological_charge(lat, phi).unwrap_or(0.0),
            action,
            p1: None,
            vector: None,
            plaquette: Some(plaquette(lat, phi)),
        };
    }
    if T::PERIODIC {
        let [m, m_sin] = planar_magnetisation(phi);
        // Zero dimensions have no links to twist.
        let helicity = (setup.entry.planar_beta())
            .filter(|_| lat.ndim() > 0)
            .map(|beta| helicity_modulus(lat, theta[beta], phi));
        return Row {
            m,
            action,
            p1: None,
            vector: Some(VectorRow {
                components: 2,
                m_perp2: m_sin * m_sin,
                vortices: (lat.ndim() >= 2).then(|| vortex_density(lat, phi)),
                helicity,
            }),
            plaquette: None,
        };
    }
    if T::COMPONENTS > 1 {
        let m = vector_magnetisation(phi, T::COMPONENTS);
        return Row {
            m: m[0],
            action,
            p1: None,
            vector: Some(VectorRow {
                components: T::COMPONENTS,
                m_perp2: m[1..].iter().map(|x| x * x).sum(),
                vortices: None,
                helicity: None,
            }),
            plaquette: None,
        };
    }
    Row {
        m: magnetisation(phi),
        action,
        p1: (lat.ndim() > 0).then(|| lowest_mode_power(lat, phi)),
        vector: None,
        plaquette: None,
    }
}

/// How means and errors are estimated.
#[derive(Clone, Copy, Debug)]
pub enum Estimator<'a> {
    /// Independent replicas of one Markov chain of these lengths, one after the other: the
    /// Γ-method over replicas for means, blocked jackknife for the rest. The MH chain is one
    /// replica; the baselines run one per MPI rank.
    Chains(&'a [usize]),
    /// Importance weights (not normalised; zero for rejected configurations).
    Weighted(&'a pirk::Weights),
}

/// Every observable of `p` on a lattice `lat`.
pub fn observables(p: &Primaries, lat: &Lattice, how: Estimator) -> Observables {
    let v = lat.volume();
    let jk = Jackknife::new();
    let weights = match how {
        Estimator::Chains(_) => None,
        Estimator::Weighted(w) => Some(w.relative()),
    };
    let chains = |a: pirk::GammaAnalysis| Measured {
        mean: a.mean.value,
        err: a.mean.error,
        tau_int: Some(a.tau_int.value),
        undetermined: None,
    };
    let mean = |series: &[f64]| -> Measured {
        match how {
            Estimator::Chains(lengths) => {
                let mut rest = series;
                let replicas: Vec<&[f64]> = (lengths.iter())
                    .map(|&n| {
                        let (replica, after) = rest.split_at(n);
                        rest = after;
                        replica
                    })
                    .collect();
                chains(GammaMethod::new().analyse_replicas(&replicas))
            }
            Estimator::Weighted(w) => plain(w.expectation(series)),
        }
    };
    let mut out = Observables::new();
    out.insert("action_density".into(), mean(&p.action));
    if !p.plaquette.is_empty() {
        // A link field: the plaquette, and in two dimensions ⟨Q²⟩ and χ_t = ⟨Q²⟩/V.
        out.insert("plaquette".into(), mean(&p.plaquette));
        if lat.ndim() == 2 {
            let q2: Vec<f64> = p.m.iter().map(|q| q * q).collect();
            let chi_t: Vec<f64> = q2.iter().map(|q2| q2 / v as f64).collect();
            out.insert("q2".into(), mean(&q2));
            out.insert("chi_t".into(), mean(&chi_t));
        }
        return out;
    }
    if !p.m_perp2.is_empty() {
        // Planar spins and N-component fields: the magnetisation vector's length;
        // χ = V⟨|M|²⟩ (⟨M⟩ = 0 by the O(N) symmetry, which a chain need not restore) and the
        // O(N) Binder cumulant.
        let m2: Vec<f64> = p.m.iter().zip(&p.m_perp2).map(|(a, b)| a * a + b).collect();
        let abs: Vec<f64> = m2.iter().map(|x| x.sqrt()).collect();
        let chi: Vec<f64> = m2.iter().map(|x| v as f64 * x).collect();
        out.insert("abs_M".into(), mean(&abs));
        out.insert("M2".into(), mean(&m2));
        out.insert("chi".into(), mean(&chi));
        out.insert(
            "binder".into(),
            plain(o_n_binder(&m2, p.components, weights, &jk)),
        );
        if !p.vortices.is_empty() {
            out.insert("vortex_density".into(), mean(&p.vortices));
        }
        if !p.helicity.is_empty() {
            out.insert("helicity_modulus".into(), mean(&p.helicity));
        }
        return out;
    }
    let abs: Vec<f64> = p.m.iter().map(|x| x.abs()).collect();
    let m2: Vec<f64> = p.m.iter().map(|x| x * x).collect();
    out.insert("M".into(), mean(&p.m));
    out.insert("abs_M".into(), mean(&abs));
    out.insert("M2".into(), mean(&m2));
    out.insert("chi".into(), plain(susceptibility(&p.m, v, weights, &jk)));
    // V(⟨M²⟩ − ⟨|M|⟩²): the broken phase's χ, the same for a sampler that tunnels between the
    // wells and for one that stays in a well (where it equals `chi`).
    out.insert(
        "chi_abs".into(),
        plain(susceptibility(&abs, v, weights, &jk)),
    );
    out.insert("binder".into(), plain(binder(&p.m, weights, &jk)));
    if !p.p1.is_empty() {
        let l0 = lat.dims()[0];
        let xi = jk.estimate(&[&p.m, &m2, &p.p1], weights, |a| {
            second_moment_length(l0, v as f64 * (a[1] - a[0] * a[0]), a[2])
        });
        out.insert("xi_2nd".into(), xi_2nd(xi));
    }
    out
}

fn plain(e: Estimate) -> Measured {
    Measured {
        mean: e.value,
        err: e.error,
        tau_int: None,
        undetermined: None,
    }
}

/// ξ₂ with the reason it is undetermined: its square (χ/G̃(p₁) − 1)/p̂² is negative when the
/// (weighted) ensemble, or one of its jackknife blocks, has χ < G̃(p₁).
fn xi_2nd(xi: Estimate) -> Measured {
    let undetermined = if !xi.value.is_finite() {
        Some("χ < G̃(p₁) in the ensemble, so ξ₂² < 0")
    } else if !xi.error.is_finite() {
        Some("error: χ < G̃(p₁) in a jackknife block, so ξ₂² < 0 there")
    } else {
        None
    };
    Measured {
        undetermined,
        ..plain(xi)
    }
}

/// The largest `τ_int` among the chain estimates (0.5 when none): the conservative
/// autocorrelation time for "effective samples".
pub fn max_tau(obs: &Observables) -> f64 {
    obs.values().filter_map(|m| m.tau_int).fold(0.5, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `chi_abs` equals `chi` on an ensemble in one well and stays the one-well value when half
    /// the configurations are mirrored into the other well, where `chi` jumps to V⟨M²⟩.
    #[test]
    fn chi_abs_is_the_same_with_and_without_tunnelling() {
        let lat = Lattice::new(&[4, 4]);
        let v = lat.volume() as f64;
        let one_well: Vec<f64> = (0..400)
            .map(|i| 4.8 + 0.1 * ((i * 37 % 17) as f64 / 17.0 - 0.5))
            .collect();
        let both: Vec<f64> = one_well
            .iter()
            .enumerate()
            .map(|(i, m)| if i % 2 == 0 { *m } else { -m })
            .collect();
        let measure = |m: Vec<f64>| {
            let n = m.len();
            let p = Primaries {
                m,
                action: vec![0.0; n],
                p1: Vec::new(),
                ..Primaries::default()
            };
            observables(&p, &lat, Estimator::Chains(&[n]))
        };
        let (a, b) = (measure(one_well.clone()), measure(both));
        assert!((a["chi_abs"].mean - a["chi"].mean).abs() < 1e-9 * a["chi"].mean);
        assert!((a["chi_abs"].mean - b["chi_abs"].mean).abs() < 1e-9 * a["chi"].mean);
        let m2 = one_well.iter().map(|m| m * m).sum::<f64>() / one_well.len() as f64;
        assert!(
            (b["chi"].mean - v * m2).abs() < 1e-3 * v * m2,
            "{}",
            b["chi"].mean
        );
    }

    /// ξ₂ where the lowest momentum carries more power than the zero mode (χ < G̃(p₁)) is
    /// undetermined and says why; a healthy ensemble gives a finite ξ₂ without a reason.
    #[test]
    fn second_moment_length_says_why_it_is_undetermined() {
        let lat = Lattice::new(&[4, 4]);
        let v = lat.volume() as f64;
        let m: Vec<f64> = (0..200)
            .map(|i| ((i * 37 % 17) as f64 / 17.0 - 0.5) / 4.0)
            .collect();
        let chi = v * m.iter().map(|x| x * x).sum::<f64>() / m.len() as f64;
        let measure = |g1: f64| {
            let p = Primaries {
                m: m.clone(),
                action: vec![0.0; m.len()],
                p1: vec![g1; m.len()],
                ..Primaries::default()
            };
            observables(&p, &lat, Estimator::Chains(&[m.len()]))["xi_2nd"]
        };
        let healthy = measure(chi / 4.0);
        assert!(healthy.mean.is_finite() && healthy.undetermined.is_none());
        let broken = measure(2.0 * chi);
        assert!(broken.mean.is_nan());
        assert_eq!(
            broken.undetermined,
            Some("χ < G̃(p₁) in the ensemble, so ξ₂² < 0")
        );
    }
}
