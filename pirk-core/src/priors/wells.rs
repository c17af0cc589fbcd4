//! The two-well prior `S_0 = S_free(φ) − V log cosh(w M)`, `M = (1/V) Σ_x φ_x`: a free field
//! whose collective mode is split into two wells, so that a flow into a broken phase never has
//! to split it.
//!
//! The free field's zero mode is `N(0, σ²)` with `σ² = 1/(2 m_0 V)` and independent of every
//! other mode. Expanding `cosh(w M)^V = 2^{−V} Σ_k C(V, k) e^{w (2k − V) M}` makes the prior an
//! exact mixture of `V + 1` copies of the free field, copy `k` shifted by `w (2k − V) σ²` on
//! every site and weighted by `C(V, k) e^{w² (2k − V)² σ²/2}`. Sampling draws the copy, then the
//! free field; the normalisation is the same finite sum. Nothing is tabulated or approximated.

use rand::distr::weighted::WeightedIndex;
use rand_distr::Distribution;

use crate::FreeFieldPrior;
use crate::Lattice;
use crate::Prior;
use crate::error::{Result, ensure};
use crate::rng::StreamRng;

/// The free-field prior times `cosh(w M)^V`.
#[derive(Clone, Debug)]
pub struct TwoWellPrior {
    free: FreeFieldPrior,
    volume: usize,
    wells: f64,
    /// The site shift of mixture copy `k`.
    shifts: Vec<f64>,
    copies: WeightedIndex<f64>,
    log_norm: f64,
}

impl TwoWellPrior {
    /// The free field of [`FreeFieldPrior::new`] (`kinetic`, `mass` = `m_0`) times
    /// `cosh(wells · M)^V`. For `wells² > 2 m_0` the magnetisation has two wells, near
    /// `±wells/(2 m_0)` once `wells²/m_0 ≫ log V`.
    pub fn new(lat: &Lattice, kinetic: f64, mass: f64, wells: f64) -> Result<Self> {
        let free = FreeFieldPrior::new(lat, kinetic, mass)?;
        ensure(
            wells.is_finite(),
            "wells",
            format!("must be finite, got {wells}"),
        )?;
        let volume = lat.volume();
        let v = volume as f64;
        let variance = 1.0 / (2.0 * mass * v);
        let mut log_binomial = 0.0;
        let mut log_weights = Vec::with_capacity(volume + 1);
        let mut shifts = Vec::with_capacity(volume + 1);
        for k in 0..=volume {
            if k > 0 {
                log_binomial += ((volume - k + 1) as f64 / k as f64).ln();
            }
            let slope = wells * (2 * k) as f64 - wells * v;
            log_weights.push(log_binomial + 0.5 * slope * slope * variance);
            shifts.push(slope * variance);
        }
        let top = log_weights
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        let weights: Vec<f64> = log_weights.iter().map(|l| (l - top).exp()).collect();
        let log_sum = top + weights.iter().sum::<f64>().ln() - v * std::f64::consts::LN_2;
        Ok(Self {
            log_norm: free.log_norm() + log_sum,
            free,
            volume,
            wells,
            shifts,
            copies: WeightedIndex::new(&weights).expect("finite weights, the largest is 1"),
        })
    }
}

/// `log cosh x` without overflow.
fn log_cosh(x: f64) -> f64 {
    let a = x.abs();
    a + (-2.0 * a).exp().ln_1p() - std::f64::consts::LN_2
}

impl Prior for TwoWellPrior {
    fn sample(&self, rng: &mut StreamRng, out: &mut [f64]) {
        let shift = self.shifts[self.copies.sample(rng)];
        self.free.sample(rng, out);
        out.iter_mut().for_each(|o| *o += shift);
    }

    fn action(&self, phi: &[f64]) -> f64 {
        let v = self.volume as f64;
        let mean = phi.iter().sum::<f64>() / v;
        self.free.action(phi) - v * log_cosh(self.wells * mean)
    }

    /// The free field's force minus `w tanh(wM)` at every site.
    fn force(&self, phi: &[f64], out: &mut [f64]) {
        self.free.force(phi, out);
        let mean = phi.iter().sum::<f64>() / self.volume as f64;
        let wells = self.wells * (self.wells * mean).tanh();
        out.iter_mut().for_each(|o| *o -= wells);
    }

    fn log_norm(&self) -> f64 {
        self.log_norm
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::stream_rng;

    /// `∫ e^{−m φ²} cosh(w φ) dφ = √(π/m) e^{w²/(4m)}` on one site.
    #[test]
    fn log_norm_matches_one_site_closed_form() {
        let (m, w) = (0.7, 2.3);
        let prior = TwoWellPrior::new(&Lattice::new(&[]), 1.0, m, w).unwrap();
        let exact = 0.5 * (std::f64::consts::PI / m).ln() + w * w / (4.0 * m);
        assert!((prior.log_norm() - exact).abs() < 1e-12);
    }

    /// On a lattice the prior is the free field times `cosh(w M)^V`, so its normalisation
    /// relative to the free field is `E[cosh(w M)^V]` over `M ~ N(0, 1/(2 m_0 V))`, and its
    /// magnetisation has the density `∝ e^{−m_0 V M²} cosh(w M)^V`: both by the trapezoid rule.
    #[test]
    fn norm_and_magnetisation_match_one_dimensional_quadrature() {
        let lat = Lattice::new(&[3, 2]);
        let (m, w) = (0.3, 1.1);
        let v = lat.volume() as f64;
        let prior = TwoWellPrior::new(&lat, 0.2, m, w).unwrap();
        let free = FreeFieldPrior::new(&lat, 0.2, m).unwrap();
        let density = |x: f64| (-m * v * x * x + v * log_cosh(w * x)).exp();
        let (h, half) = (1e-4, 12.0);
        let grid = (0..=(2.0 * half / h) as usize).map(|i| -half + i as f64 * h);
        let (mut z, mut m2, mut m4, mut m8) = (0.0, 0.0, 0.0, 0.0);
        for x in grid {
            let d = density(x) * h;
            z += d;
            m2 += d * x * x;
            m4 += d * x.powi(4);
            m8 += d * x.powi(8);
        }
        let (m2, m4, m8) = (m2 / z, m4 / z, m8 / z);
        let gauss = (std::f64::consts::PI / (m * v)).sqrt();
        let relative = (z / gauss).ln();
        assert!(
            (prior.log_norm() - free.log_norm() - relative).abs() < 1e-9,
            "{} vs {relative}",
            prior.log_norm() - free.log_norm()
        );
        let n = 40_000;
        let mut phi = vec![0.0; lat.volume()];
        let (mut s1, mut s2, mut s4) = (0.0, 0.0, 0.0);
        for i in 0..n {
            prior.sample(&mut stream_rng(3, i), &mut phi);
            let mean = phi.iter().sum::<f64>() / v;
            s1 += mean;
            s2 += mean * mean;
            s4 += mean.powi(4);
        }
        let (s1, s2, s4) = (s1 / n as f64, s2 / n as f64, s4 / n as f64);
        // Five standard errors of the sample means; ⟨M⟩ = 0 by symmetry.
        let tol = |spread: f64| 5.0 * spread / (n as f64).sqrt();
        assert!(s1.abs() < tol(m2.sqrt()), "⟨M⟩ = {s1}");
        assert!((s2 - m2).abs() < tol((m4 - m2 * m2).sqrt()), "{s2} vs {m2}");
        assert!((s4 - m4).abs() < tol((m8 - m4 * m4).sqrt()), "{s4} vs {m4}");
    }

    /// With `w = 0` it is the free field, bit for bit in the action.
    #[test]
    fn zero_split_is_the_free_field() {
        let lat = Lattice::new(&[4]);
        let prior = TwoWellPrior::new(&lat, 0.25, 0.5, 0.0).unwrap();
        let free = FreeFieldPrior::new(&lat, 0.25, 0.5).unwrap();
        let phi = [0.3, -1.2, 0.8, 2.0];
        assert!((prior.action(&phi) - free.action(&phi)).abs() < 1e-12);
        assert!((prior.log_norm() - free.log_norm()).abs() < 1e-12);
        assert!(TwoWellPrior::new(&lat, 0.25, 0.5, f64::NAN).is_err());
    }
}
