//! Two-dimensional U(1) lattice gauge theory with the Wilson action `S = −β Σ_P cos θ_P` on a
//! torus of `V` plaquettes, solved exactly: the reference the `u1` flows and the HMC baseline
//! are checked against.
//!
//! In two dimensions the plaquette angles are independent but for one constraint: their
//! wrapped values sum to `2πQ`, with `Q` the geometric charge. Poisson summation of that
//! constraint gives, with a θ-term `e^{iϑQ}`,
//! `Z(ϑ) = Σ_n w(n + ϑ/2π)^V` with `w(ν) = ∫_{−π}^{π} e^{β cos t} cos(νt) dt`, so
//! `⟨cos θ_P⟩ = ∂_β log Z / V` and `⟨Q²⟩ = −∂²_ϑ log Z` at `ϑ = 0`, and the charge
//! distribution is `P(Q) = (1/2π) ∫_{−π}^{π} e^{−iϑQ} Z(ϑ)/Z(0) dϑ`.

use std::f64::consts::{PI, TAU};

/// Poisson indices `|n| ≤ INDICES` kept: `w(n)/w(0) = I_n(β)/I_0(β)` is below 10⁻⁷ at `n = 12`
/// for β ≤ 8, and enters to the power `V − 2`.
const INDICES: i32 = 12;

/// Simpson intervals on `[−π, π]` (even). The `t sin(νt)` and `t² cos(νt)` integrands are not
/// periodic, so the rule's `h⁴` error, not the trapezoid's exponential accuracy, applies.
const INTERVALS: usize = 4_000;

/// Quadrature points of the charge distribution's ϑ integral (a smooth periodic integrand).
const THETA_POINTS: usize = 128;

/// `w(ν)` and its derivatives, each scaled by `e^{−β}` (a common factor of every term).
#[derive(Clone, Copy, Debug)]
struct Weight {
    /// `w(ν)`.
    w: f64,
    /// `∂_β w(ν)`.
    dbeta: f64,
    /// `∂_ν w(ν)`.
    dnu: f64,
    /// `∂²_ν w(ν)`.
    dnu2: f64,
}

fn weight(nu: f64, beta: f64) -> Weight {
    let h = TAU / INTERVALS as f64;
    let mut sums = [0.0; 4];
    for i in 0..=INTERVALS {
        let t = -PI + i as f64 * h;
        let simpson = match i {
            0 => 1.0,
            i if i == INTERVALS => 1.0,
            i if i % 2 == 1 => 4.0,
            _ => 2.0,
        };
        let e = simpson * (beta * (t.cos() - 1.0)).exp();
        let (sin, cos) = (nu * t).sin_cos();
        sums[0] += e * cos;
        sums[1] += e * t.cos() * cos;
        sums[2] -= e * t * sin;
        sums[3] -= e * t * t * cos;
    }
    let [w, dbeta, dnu, dnu2] = sums.map(|s| s * h / 3.0);
    Weight {
        w,
        dbeta,
        dnu,
        dnu2,
    }
}

/// The exact U(1) theory on a two-dimensional torus of `V` plaquettes at coupling β.
#[derive(Clone, Debug)]
pub struct U1Torus {
    volume: i32,
    beta: f64,
    /// `w(n)` and its derivatives for `n = −INDICES, …, INDICES`.
    weights: Vec<Weight>,
}

impl U1Torus {
    /// The torus of `volume ≥ 4` plaquettes (any `L_0 × L_1` of that area) at `beta ≥ 0`.
    pub fn new(volume: usize, beta: f64) -> Self {
        let volume = i32::try_from(volume).expect("a torus of reasonable size");
        assert!(
            volume >= 4,
            "a torus has at least 2 × 2 plaquettes, got {volume}"
        );
        let weights = (-INDICES..=INDICES)
            .map(|n| weight(n as f64, beta))
            .collect();
        Self {
            volume,
            beta,
            weights,
        }
    }

    /// `Σ_n f(r_n, w_n)` with `r_n = w(n)/w(0)`, divided by `Σ_n r_n^V`: the powers of `w(0)`
    /// cancel between numerator and denominator.
    fn average(&self, f: impl Fn(f64, &Weight) -> f64) -> f64 {
        let w0 = self.weights[INDICES as usize].w;
        let den: f64 = (self.weights.iter())
            .map(|w| (w.w / w0).powi(self.volume))
            .sum();
        let num: f64 = self.weights.iter().map(|w| f(w.w / w0, w)).sum();
        num / den
    }

    /// `⟨cos θ_P⟩ = ∂_β log Z / V`.
    pub fn plaquette(&self) -> f64 {
        let w0 = self.weights[INDICES as usize].w;
        self.average(|r, w| r.powi(self.volume - 1) * w.dbeta / w0)
    }

    /// `⟨Q²⟩ = −∂²_ϑ Z / Z` at `ϑ = 0` (where `∂_ϑ Z = 0`), with `∂_ϑ = ∂_ν / 2π`.
    pub fn q2(&self) -> f64 {
        let (v, w0) = (self.volume, self.weights[INDICES as usize].w);
        -self.average(|r, w| {
            let (d1, d2) = (w.dnu / w0, w.dnu2 / w0);
            f64::from(v) * (f64::from(v - 1) * r.powi(v - 2) * d1 * d1 + r.powi(v - 1) * d2)
        }) / (TAU * TAU)
    }

    /// The topological susceptibility `χ_t = ⟨Q²⟩/V`.
    pub fn chi_t(&self) -> f64 {
        self.q2() / f64::from(self.volume)
    }

    /// `P(Q = q)` for `q = −max, …, max`: `(1/2π) ∫ cos(ϑq) Z(ϑ)/Z(0) dϑ` by the trapezoid rule
    /// in ϑ.
    pub fn charge_distribution(&self, max: i32) -> Vec<f64> {
        let w0 = self.weights[INDICES as usize].w;
        let z = |theta: f64| -> f64 {
            (-INDICES..=INDICES)
                .map(|n| (weight(f64::from(n) + theta / TAU, self.beta).w / w0).powi(self.volume))
                .sum()
        };
        let h = TAU / THETA_POINTS as f64;
        let grid: Vec<(f64, f64)> = (0..THETA_POINTS)
            .map(|k| -PI + k as f64 * h)
            .map(|theta| (theta, z(theta)))
            .collect();
        let z0 = z(0.0);
        (-max..=max)
            .map(|q| {
                let integral: f64 = grid
                    .iter()
                    .map(|&(theta, z)| (theta * f64::from(q)).cos() * z)
                    .sum();
                integral * h / (TAU * z0)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `I_1(β)/I_0(β)` by its power series, independent of the quadrature.
    fn bessel_ratio(beta: f64) -> f64 {
        let series = |order: i32| -> f64 {
            let mut term = (beta / 2.0).powi(order) / (1..=order).map(f64::from).product::<f64>();
            let mut sum = term;
            for k in 1..200 {
                term *= (beta / 2.0).powi(2) / (f64::from(k) * f64::from(k + order));
                sum += term;
            }
            sum
        };
        series(1) / series(0)
    }

    /// At β = 0 the wrapped plaquettes are uniform and independent but for the constraint,
    /// which costs nothing: `⟨Q²⟩ = V/12` (the variance of a sum of V uniforms over 2π), and
    /// the plaquette averages to 0.
    #[test]
    fn haar_measure() {
        let t = U1Torus::new(64, 0.0);
        assert!((t.q2() - 64.0 / 12.0).abs() < 1e-6, "{}", t.q2());
        assert!(t.plaquette().abs() < 1e-9, "{}", t.plaquette());
    }

    /// On a large torus the constraint's effect vanishes: the plaquette is `I_1(β)/I_0(β)` and
    /// `⟨Q²⟩/V` the variance of one plaquette's angle over 4π².
    #[test]
    fn large_volume_limit() {
        for beta in [1.0, 2.0, 4.0] {
            let t = U1Torus::new(1024, beta);
            assert!(
                (t.plaquette() - bessel_ratio(beta)).abs() < 1e-8,
                "β = {beta}: {} vs {}",
                t.plaquette(),
                bessel_ratio(beta)
            );
        }
    }

    /// The charge distribution is normalised and its second moment is ⟨Q²⟩.
    #[test]
    fn charge_distribution_matches_the_moments() {
        let t = U1Torus::new(64, 2.0);
        let p = t.charge_distribution(8);
        let total: f64 = p.iter().sum();
        let second: f64 = (-8..=8).zip(&p).map(|(q, p)| f64::from(q * q) * p).sum();
        assert!((total - 1.0).abs() < 1e-9, "Σ P = {total}");
        assert!((second - t.q2()).abs() < 1e-6, "{second} vs {}", t.q2());
    }
}
