//! The free-field prior `S_0 = Σ_x [ a Σ_μ (φ_{x+μ} − φ_x)² + m_0 φ_x² ]`, diagonal in momentum
//! space: `S_0 = ½ Σ_p λ_p |φ̃_p|²/V` with `λ_p = 2 (a p̂² + m_0)`, `p̂²` the eigenvalues of
//! the lattice Laplacian. Sampled exactly as `φ = F⁻¹[λ_p^{−1/2} F ξ]/V` with white noise `ξ`.

use rand_distr::{Distribution, StandardNormal};
use rustfft::num_complex::Complex64;

use crate::Lattice;
use crate::Prior;
use crate::error::{Result, ensure};
use crate::rng::StreamRng;
use crate::{LatticeFft, lattice_momentum_squared};

/// Gaussian prior with a nearest-neighbour kinetic term and a mass term.
#[derive(Clone, Debug)]
pub struct FreeFieldPrior {
    lat: Lattice,
    fft: LatticeFft,
    kinetic: f64,
    mass: f64,
    /// `λ_p^{−1/2}` per momentum.
    inv_sqrt: Vec<f64>,
    log_norm: f64,
}

impl FreeFieldPrior {
    /// `a = kinetic ≥ 0`, `m_0 = mass > 0` (the zero mode needs `m_0 > 0`).
    pub fn new(lat: &Lattice, kinetic: f64, mass: f64) -> Result<Self> {
        ensure(
            kinetic >= 0.0 && kinetic.is_finite(),
            "kinetic",
            format!("must be non-negative, got {kinetic}"),
        )?;
        ensure(
            mass > 0.0 && mass.is_finite(),
            "mass",
            format!("must be positive (zero mode), got {mass}"),
        )?;
        let eig: Vec<f64> = (0..lat.volume())
            .map(|p| 2.0 * (kinetic * lattice_momentum_squared(lat, p) + mass))
            .collect();
        let v = lat.volume() as f64;
        let log_norm = 0.5 * v * (2.0 * std::f64::consts::PI).ln()
            - 0.5 * eig.iter().map(|l| l.ln()).sum::<f64>();
        Ok(Self {
            lat: lat.clone(),
            fft: LatticeFft::new(lat),
            kinetic,
            mass,
            inv_sqrt: eig.iter().map(|l| l.sqrt().recip()).collect(),
            log_norm,
        })
    }
}

impl Prior for FreeFieldPrior {
    fn sample(&self, rng: &mut StreamRng, out: &mut [f64]) {
        let v = self.lat.volume();
        let mut data: Vec<Complex64> = (0..v)
            .map(|_| Complex64::new(StandardNormal.sample(rng), 0.0))
            .collect();
        let mut scratch = vec![Complex64::default(); self.fft.scratch_len()];
        self.fft.forward(&mut data, &mut scratch);
        for (d, s) in data.iter_mut().zip(&self.inv_sqrt) {
            *d *= *s;
        }
        self.fft.inverse(&mut data, &mut scratch);
        // F⁻¹ diag(λ^{−1/2}) F / V is the symmetric square root of M⁻¹ in real space.
        for (o, d) in out.iter_mut().zip(&data) {
            *o = d.re / v as f64;
        }
    }

    fn action(&self, phi: &[f64]) -> f64 {
        free_action(&self.lat, self.kinetic, self.mass, phi)
    }

    fn force(&self, phi: &[f64], out: &mut [f64]) {
        free_force(&self.lat, self.kinetic, self.mass, phi, out)
    }

    fn log_norm(&self) -> f64 {
        self.log_norm
    }
}

/// `Σ_x [a Σ_μ (φ_{x+μ} − φ_x)² + m φ_x²]` for any `a`, `m` (stable or not).
pub(crate) fn free_action(lat: &Lattice, kinetic: f64, mass: f64, phi: &[f64]) -> f64 {
    (0..lat.volume())
        .map(|x| {
            let kin: f64 = (0..lat.ndim())
                .map(|mu| {
                    let d = phi[lat.neighbor(x, mu, true)] - phi[x];
                    d * d
                })
                .sum();
            kinetic * kin + mass * phi[x] * phi[x]
        })
        .sum()
}

/// The gradient of [`free_action`]: `2 (a Δφ + m φ)` with `Δ` the (positive) lattice Laplacian.
pub(crate) fn free_force(lat: &Lattice, kinetic: f64, mass: f64, phi: &[f64], out: &mut [f64]) {
    for (x, o) in out.iter_mut().enumerate() {
        let laplacian: f64 = (0..lat.ndim())
            .map(|mu| {
                2.0 * phi[x] - phi[lat.neighbor(x, mu, true)] - phi[lat.neighbor(x, mu, false)]
            })
            .sum();
        *o = 2.0 * (kinetic * laplacian + mass * phi[x]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::stream_rng;

    #[test]
    fn samples_have_the_analytic_covariance() {
        // ⟨φ_0 φ_x⟩ = (1/V) Σ_p e^{ipx}/λ_p; check x = 0 and one neighbour on 4×4.
        let lat = Lattice::new(&[4, 4]);
        let prior = FreeFieldPrior::new(&lat, 0.3, 0.2).unwrap();
        let v = lat.volume();
        let exact = |x: usize| -> f64 {
            let cx = lat.coords(x);
            (0..v)
                .map(|p| {
                    let cp = lat.coords(p);
                    let ph: f64 = (0..2)
                        .map(|m| 2.0 * std::f64::consts::PI * (cp[m] * cx[m]) as f64 / 4.0)
                        .sum();
                    ph.cos() * prior.inv_sqrt[p].powi(2)
                })
                .sum::<f64>()
                / v as f64
        };
        let n = 20000;
        let mut phi = vec![0.0; v];
        let (mut c0, mut c1) = (0.0, 0.0);
        for i in 0..n {
            prior.sample(&mut stream_rng(1, i), &mut phi);
            c0 += phi[0] * phi[0];
            c1 += phi[0] * phi[1];
        }
        let (c0, c1) = (c0 / n as f64, c1 / n as f64);
        let (e0, e1) = (exact(0), exact(1));
        assert!(
            (c0 - e0).abs() < 4.0 * e0 * (2.0 / n as f64).sqrt(),
            "{c0} vs {e0}"
        );
        assert!(
            (c1 - e1).abs() < 4.0 * e0 * (2.0 / n as f64).sqrt(),
            "{c1} vs {e1}"
        );
    }

    #[test]
    fn log_norm_matches_one_site_gaussian() {
        // 0-d: S_0 = m φ², N = sqrt(π/m).
        let prior = FreeFieldPrior::new(&Lattice::new(&[]), 1.0, 0.7).unwrap();
        let exact = (std::f64::consts::PI / 0.7).sqrt().ln();
        assert!((prior.log_norm() - exact).abs() < 1e-12);
    }
}
