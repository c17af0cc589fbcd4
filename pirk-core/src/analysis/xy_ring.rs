//! The XY model `S = −β Σ_x cos(θ_{x+1} − θ_x)` on a ring of `l` sites, solved exactly by its
//! transfer matrix: the reference that periodic flows and the planar baselines are checked
//! against, as [`crate::quadrature`] is for zero dimensions.
//!
//! The link weight `e^{β cos t}` has Fourier coefficients `I_n(β)` (modified Bessel functions),
//! so `Z = (2π)^l Σ_n I_n^l` for angles in [−π, π), and inserting `e^{i(θ_0 − θ_r)}` or twisting
//! every link shifts the Fourier index of the links it crosses.

use std::f64::consts::PI;

/// Fourier indices `|n| ≤ INDICES` kept: `I_n(β)` falls like `(β/2)^n / n!`, far below rounding
/// at `n = 20` for the β a ring test uses (β ≲ 5).
const INDICES: i32 = 20;

/// Trapezoid intervals for `I_n`: exponentially accurate for a smooth periodic integrand.
const INTERVALS: usize = 400;

/// The exact XY ring of `l` sites at coupling β.
#[derive(Clone, Debug)]
pub struct XyRing {
    l: i32,
    beta: f64,
    /// `I_n(β)` for `n = −INDICES − 1, …, INDICES + 1`.
    bessel: Vec<f64>,
}

impl XyRing {
    /// The ring of `l ≥ 2` sites at `beta`.
    pub fn new(l: usize, beta: f64) -> Self {
        let l = i32::try_from(l).expect("a ring of reasonable length");
        assert!(l >= 2, "a ring needs at least 2 sites, got {l}");
        let bessel = (-INDICES - 1..=INDICES + 1)
            .map(|n| bessel_i(n, beta))
            .collect();
        Self { l, beta, bessel }
    }

    /// `I_n(β)`.
    fn i(&self, n: i32) -> f64 {
        self.bessel[(n + INDICES + 1) as usize]
    }

    /// `Σ_n f(n)` over the kept indices, divided by `Σ_n I_n^l`.
    fn average(&self, f: impl Fn(i32) -> f64) -> f64 {
        let indices = -INDICES..=INDICES;
        let den: f64 = indices.clone().map(|n| self.i(n).powi(self.l)).sum();
        indices.map(f).sum::<f64>() / den
    }

    /// `log Z = l log 2π + log Σ_n I_n^l`.
    pub fn log_z(&self) -> f64 {
        let sum: f64 = (-INDICES..=INDICES).map(|n| self.i(n).powi(self.l)).sum();
        self.l as f64 * (2.0 * PI).ln() + sum.ln()
    }

    /// `⟨cos(θ_{x+1} − θ_x)⟩ = ∂_β log Z / l`, with `I_n' = (I_{n−1} + I_{n+1})/2`.
    pub fn link(&self) -> f64 {
        self.average(|n| {
            let di = 0.5 * (self.i(n - 1) + self.i(n + 1));
            di * self.i(n).powi(self.l - 1)
        })
    }

    /// `⟨cos(θ_0 − θ_r)⟩`: `e^{i(θ_0 − θ_r)}` raises the Fourier index of the `r` links between.
    pub fn correlation(&self, r: usize) -> f64 {
        let r = r as i32;
        self.average(|n| self.i(n).powi(self.l - r) * self.i(n + 1).powi(r))
    }

    /// `χ = V⟨|M|²⟩ = Σ_r ⟨cos(θ_0 − θ_r)⟩`.
    pub fn chi(&self) -> f64 {
        (0..self.l as usize).map(|r| self.correlation(r)).sum()
    }

    /// The helicity modulus: a twist φ of every link makes `Z(φ) ∝ Σ_n I_n^l e^{−i n l φ}`, so
    /// `Υ = ∂²_φ(−log Z)/(β l) = l Σ_n n² I_n^l / (β Σ_n I_n^l)`.
    pub fn helicity_modulus(&self) -> f64 {
        let l = self.l;
        l as f64 * self.average(|n| (n * n) as f64 * self.i(n).powi(l)) / self.beta
    }
}

/// `I_n(β) = (1/π) ∫_0^π e^{β cos t} cos(nt) dt` by the trapezoid rule.
fn bessel_i(n: i32, beta: f64) -> f64 {
    let h = PI / INTERVALS as f64;
    let f = |t: f64| (beta * t.cos()).exp() * (n as f64 * t).cos();
    let inner: f64 = (1..INTERVALS).map(|k| f(k as f64 * h)).sum();
    (inner + 0.5 * (f(0.0) + f(PI))) * h / PI
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The quadrature reproduces `I_0(1)` and `I_1(1)` from their series.
    #[test]
    fn bessel_quadrature() {
        assert!((bessel_i(0, 1.0) - 1.266_065_877_752_008_4).abs() < 1e-14);
        assert!((bessel_i(1, 1.0) - 0.565_159_103_992_485).abs() < 1e-14);
        assert!((bessel_i(-1, 1.0) - bessel_i(1, 1.0)).abs() < 1e-15);
    }

    /// The link energy against a textbook value: the open chain's `I_1/I_0` is the infinite
    /// ring's limit (β = 1: 0.446390…), and 16 sites differ from it.
    #[test]
    fn the_link_reaches_the_open_chain() {
        let long = XyRing::new(200, 1.0).link();
        assert!((long - 0.446_389_965_9).abs() < 1e-8, "{long}");
        assert!((XyRing::new(16, 1.0).link() - long).abs() > 1e-12);
    }

    /// Limits the ring must reach: no stiffness and χ = 1 at β → 0, full alignment (Υ → 1,
    /// χ → l) at large β, and log Z → l log 2π at β = 0.
    #[test]
    fn helicity_and_susceptibility_reach_their_limits() {
        assert!(XyRing::new(6, 1e-3).helicity_modulus().abs() < 1e-6);
        assert!((XyRing::new(6, 1e-9).chi() - 1.0).abs() < 1e-6);
        assert!((XyRing::new(6, 50.0).helicity_modulus() - 1.0).abs() < 0.02);
        assert!((XyRing::new(6, 50.0).chi() - 6.0).abs() < 0.1);
        assert!((XyRing::new(6, 0.0).log_z() - 6.0 * (2.0 * PI).ln()).abs() < 1e-12);
    }
}
