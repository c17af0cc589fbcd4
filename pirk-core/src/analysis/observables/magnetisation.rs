//! The magnetisation `M = (1/V) Σ_x φ_x` and its derived quantities: the susceptibility
//! `χ = V(⟨M²⟩ − ⟨M⟩²)` and the Binder cumulant `U = 1 − ⟨M⁴⟩/(3⟨M²⟩²)`, with blocked-jackknife
//! errors for plain (Markov-chain) or importance-weighted samples.

use crate::{Estimate, Jackknife};

/// `M = mean φ`.
pub fn magnetisation(phi: &[f64]) -> f64 {
    phi.iter().sum::<f64>() / phi.len() as f64
}

/// `χ = V(⟨M²⟩ − ⟨M⟩²)` from a series of `M`.
pub fn susceptibility(
    m: &[f64],
    volume: usize,
    weights: Option<&[f64]>,
    jk: &Jackknife,
) -> Estimate {
    let m2: Vec<f64> = m.iter().map(|x| x * x).collect();
    jk.estimate(&[m, &m2], weights, |a| volume as f64 * (a[1] - a[0] * a[0]))
}

/// `U = 1 − ⟨M⁴⟩/(3⟨M²⟩²)` from a series of `M`.
pub fn binder(m: &[f64], weights: Option<&[f64]>, jk: &Jackknife) -> Estimate {
    let m2: Vec<f64> = m.iter().map(|x| x * x).collect();
    let m4: Vec<f64> = m2.iter().map(|x| x * x).collect();
    jk.estimate(&[&m2, &m4], weights, |a| 1.0 - a[1] / (3.0 * a[0] * a[0]))
}
