//! The zero-mode prior `S_0 = S_free(φ) + V (μ M² + g M⁴)`, `M = (1/V) Σ_x φ_x`: a free field
//! whose collective mode already has a quartic, possibly double-welled, distribution, so that a
//! flow to the critical point does not have to build the magnetisation's shape from a Gaussian.
//!
//! The free field's zero mode is exactly `M`, independent of `φ − M`, with action `m_0 V M²`.
//! The prior keeps the free field's `φ − M` and replaces `M` by a draw from the one-dimensional
//! density `∝ e^{−V (a M² + g M⁴)}`, `a = m_0 + μ`, by rejection from a Gaussian envelope:
//! exact, with no table. The normalisation is that density's integral by the trapezoid rule,
//! which converges exponentially fast for a smooth, rapidly decaying integrand.

use rand::RngExt;
use rand_distr::{Distribution, Normal};

use crate::FreeFieldPrior;
use crate::Lattice;
use crate::Prior;
use crate::error::{Result, ensure};
use crate::rng::StreamRng;

/// Trapezoid intervals of the zero-mode integrals.
const INTERVALS: usize = 20_000;
/// The integrals stop where the density has fallen by `e^{−DEPTH}` from its peak.
const DEPTH: f64 = 60.0;

/// The free-field prior with its magnetisation weighted by `e^{−V (μ M² + g M⁴)}`.
#[derive(Clone, Debug)]
pub struct ZeroModePrior {
    free: FreeFieldPrior,
    volume: f64,
    quadratic: f64,
    quartic: f64,
    /// `V g` of the zero-mode density.
    scaled_quartic: f64,
    envelope: Normal<f64>,
    /// `c` of `log(density/envelope) = c M² − V g M⁴ + const`.
    slope: f64,
    /// `max_M [log density − log envelope]`, up to the constants both drop.
    log_bound: f64,
    log_norm: f64,
}

impl ZeroModePrior {
    /// The free field of [`FreeFieldPrior::new`] (`kinetic`, `mass` = `m_0`) times
    /// `e^{−V (quadratic M² + quartic M⁴)}`. Needs `quartic > 0` (with `quartic = 0` it is a
    /// free field of another mass); `m_0 + quadratic < 0` puts the magnetisation in two wells
    /// at `M² = −(m_0 + quadratic)/(2 quartic)`.
    pub fn new(
        lat: &Lattice,
        kinetic: f64,
        mass: f64,
        quadratic: f64,
        quartic: f64,
    ) -> Result<Self> {
        let free = FreeFieldPrior::new(lat, kinetic, mass)?;
        ensure(
            quadratic.is_finite(),
            "quadratic",
            format!("must be finite, got {quadratic}"),
        )?;
        ensure(
            quartic > 0.0 && quartic.is_finite(),
            "quartic",
            format!("must be positive, got {quartic}"),
        )?;
        let volume = lat.volume() as f64;
        let (a, g) = (volume * (mass + quadratic), volume * quartic);
        let (log_z, second_moment) = zero_mode_integrals(a, g);
        // The envelope has the density's ⟨M²⟩.
        let envelope = Normal::new(0.0, second_moment.sqrt()).expect("positive finite ⟨M²⟩");
        let c = 0.5 / envelope.std_dev().powi(2) - a;
        let free_zero_mode = 0.5 * (std::f64::consts::PI / (volume * mass)).ln();
        Ok(Self {
            log_norm: free.log_norm() + log_z - free_zero_mode,
            free,
            volume,
            quadratic,
            quartic,
            scaled_quartic: g,
            envelope,
            slope: c,
            log_bound: if c > 0.0 { c * c / (4.0 * g) } else { 0.0 },
        })
    }

    /// An exact draw of `M` from `∝ e^{−V (a M² + g M⁴)}`.
    fn draw_magnetisation(&self, rng: &mut StreamRng) -> f64 {
        loop {
            let m = self.envelope.sample(rng);
            let u = m * m;
            let log_ratio = self.slope * u - self.scaled_quartic * u * u - self.log_bound;
            if rng.random::<f64>().ln() < log_ratio {
                return m;
            }
        }
    }
}

/// `(log ∫ e^{−e(M)} dM, ⟨M²⟩)` for `e(M) = a M² + g M⁴`, `g > 0`, by the trapezoid rule on
/// the range where the density is within `e^{−DEPTH}` of its peak.
fn zero_mode_integrals(a: f64, g: f64) -> (f64, f64) {
    let energy = |m: f64| a * m * m + g * m.powi(4);
    let floor = if a < 0.0 { -a * a / (4.0 * g) } else { 0.0 };
    let mut half = if a < 0.0 {
        (-a / (2.0 * g)).sqrt()
    } else {
        0.0
    } + 1.0 / (a.abs() + g).sqrt();
    while energy(half) - floor < DEPTH {
        half *= 2.0;
    }
    let h = 2.0 * half / INTERVALS as f64;
    let (mut z, mut m2) = (0.0, 0.0);
    for i in 0..=INTERVALS {
        let m = -half + i as f64 * h;
        let end = if i == 0 || i == INTERVALS { 0.5 } else { 1.0 };
        let w = end * (floor - energy(m)).exp();
        z += w;
        m2 += w * m * m;
    }
    ((z * h).ln() - floor, m2 / z)
}

impl Prior for ZeroModePrior {
    fn sample(&self, rng: &mut StreamRng, out: &mut [f64]) {
        self.free.sample(rng, out);
        let shift = self.draw_magnetisation(rng) - out.iter().sum::<f64>() / self.volume;
        out.iter_mut().for_each(|o| *o += shift);
    }

    fn action(&self, phi: &[f64]) -> f64 {
        let m2 = (phi.iter().sum::<f64>() / self.volume).powi(2);
        self.free.action(phi) + self.volume * (self.quadratic * m2 + self.quartic * m2 * m2)
    }

    /// The free field's force plus the zero-mode potential's, `2μM + 4gM³` at every site.
    fn force(&self, phi: &[f64], out: &mut [f64]) {
        self.free.force(phi, out);
        let m = phi.iter().sum::<f64>() / self.volume;
        let zero_mode = 2.0 * self.quadratic * m + 4.0 * self.quartic * m.powi(3);
        out.iter_mut().for_each(|o| *o += zero_mode);
    }

    fn log_norm(&self) -> f64 {
        self.log_norm
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::stream_rng;

    /// `∫ e^{−a φ² − g φ⁴} dφ` on one site by an independent, finer trapezoid rule, for a
    /// single well and a double well.
    #[test]
    fn log_norm_matches_one_site_quadrature() {
        for (m, mu, g) in [(0.7, 0.2, 0.3), (0.5, -2.5, 0.4)] {
            let prior = ZeroModePrior::new(&Lattice::new(&[]), 1.0, m, mu, g).unwrap();
            let a = m + mu;
            let h = 1e-5;
            let z: f64 = (0..=2_000_000)
                .map(|i| {
                    let x = -10.0 + i as f64 * h;
                    (-a * x * x - g * x.powi(4)).exp()
                })
                .sum::<f64>()
                * h;
            assert!(
                (prior.log_norm() - z.ln()).abs() < 1e-9,
                "{} vs {}",
                prior.log_norm(),
                z.ln()
            );
        }
    }

    /// On a lattice the magnetisation has the density `∝ e^{−V (a M² + g M⁴)}`: its moments
    /// from samples match quadrature, and the fluctuations `φ − M` are the free field's.
    #[test]
    fn magnetisation_and_fluctuations_match() {
        let lat = Lattice::new(&[4, 3]);
        let v = lat.volume() as f64;
        let (kinetic, m, mu, g) = (0.25, 0.05, -0.3, 0.08);
        let prior = ZeroModePrior::new(&lat, kinetic, m, mu, g).unwrap();
        let free = FreeFieldPrior::new(&lat, kinetic, m).unwrap();
        let (a, gv) = (v * (m + mu), v * g);
        let h = 1e-4;
        let (mut z, mut m2, mut m4, mut m8) = (0.0, 0.0, 0.0, 0.0);
        for i in 0..=120_000 {
            let x = -6.0 + i as f64 * h;
            let d = (-a * x * x - gv * x.powi(4)).exp();
            z += d;
            m2 += d * x * x;
            m4 += d * x.powi(4);
            m8 += d * x.powi(8);
        }
        let (m2, m4, m8) = (m2 / z, m4 / z, m8 / z);
        assert!(m4 < 1.5 * m2 * m2, "the test case should be double-welled");
        let n = 40_000;
        let mut phi = vec![0.0; lat.volume()];
        let mut flat = vec![0.0; lat.volume()];
        let (mut s1, mut s2, mut s4, mut d_prior, mut d_free) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for i in 0..n {
            prior.sample(&mut stream_rng(5, i), &mut phi);
            free.sample(&mut stream_rng(6, i), &mut flat);
            let mean = phi.iter().sum::<f64>() / v;
            s1 += mean;
            s2 += mean * mean;
            s4 += mean.powi(4);
            d_prior += (phi[0] - phi[1]).powi(2);
            d_free += (flat[0] - flat[1]).powi(2);
        }
        let nf = n as f64;
        let (s1, s2, s4) = (s1 / nf, s2 / nf, s4 / nf);
        // Five standard errors of the sample means; ⟨M⟩ = 0 by symmetry.
        let tol = |spread: f64| 5.0 * spread / nf.sqrt();
        assert!(s1.abs() < tol(m2.sqrt()), "⟨M⟩ = {s1}");
        assert!((s2 - m2).abs() < tol((m4 - m2 * m2).sqrt()), "{s2} vs {m2}");
        assert!((s4 - m4).abs() < tol((m8 - m4 * m4).sqrt()), "{s4} vs {m4}");
        // A difference of sites has no zero mode: same Gaussian variance as the free field's
        // (relative standard error √(2/n) for each).
        let (d_prior, d_free) = (d_prior / nf, d_free / nf);
        assert!(
            (d_prior / d_free - 1.0).abs() < 5.0 * (4.0 / nf).sqrt(),
            "{d_prior} vs {d_free}"
        );
    }

    /// The action is the free field's plus the zero-mode terms, and bad couplings are refused.
    #[test]
    fn action_adds_the_zero_mode_terms() {
        let lat = Lattice::new(&[4]);
        let prior = ZeroModePrior::new(&lat, 0.25, 0.5, -0.7, 0.3).unwrap();
        let free = FreeFieldPrior::new(&lat, 0.25, 0.5).unwrap();
        let phi = [0.3, -1.2, 0.8, 2.0];
        let m: f64 = 0.475;
        let extra = 4.0 * (-0.7 * m * m + 0.3 * m.powi(4));
        assert!((prior.action(&phi) - free.action(&phi) - extra).abs() < 1e-12);
        assert!(ZeroModePrior::new(&lat, 0.25, 0.5, -0.7, 0.0).is_err());
        assert!(ZeroModePrior::new(&lat, 0.25, 0.5, f64::NAN, 0.3).is_err());
    }
}
