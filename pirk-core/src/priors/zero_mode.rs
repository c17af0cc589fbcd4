//! The zero-mode prior `S_0 = S_free(φ) + V (μ |M|² + g |M|⁴)`, `M_a = (1/V) Σ_x φ_{x,a}`: a
//! free field whose collective mode already has a quartic, possibly double-welled (for N
//! components: Mexican-hat), distribution, so that a flow to the critical point does not have
//! to build the magnetisation's shape from a Gaussian.
//!
//! The free field's zero mode is exactly `M`, independent of `φ − M`, with action `m_0 V |M|²`
//! (per component). The prior keeps the free field's `φ − M` and replaces `M` by a draw from the
//! N-dimensional density `∝ e^{−V (a |M|² + g |M|⁴)}`, `a = m_0 + μ`, by rejection from a
//! Gaussian envelope: exact, with no table. The normalisation is that density's radial
//! integral, `S_{N−1} ∫_0^∞ r^{N−1} e^{−V(a r² + g r⁴)} dr`, by the trapezoid rule in `log r`,
//! where the integrand is smooth and decays on both sides, so the rule converges exponentially
//! fast for any N.

use rand::RngExt;
use rand_distr::{Distribution, Normal};

use crate::error::{Result, ensure};
use crate::rng::StreamRng;
use crate::{ComponentPrior, FreeFieldPrior, Lattice, Prior, vector_magnetisation};

/// Trapezoid intervals of the zero-mode integrals.
const INTERVALS: usize = 20_000;
/// The integrals stop where the density has fallen by `e^{−DEPTH}` from its peak.
const DEPTH: f64 = 60.0;

/// The free-field prior (per component) with its magnetisation weighted by
/// `e^{−V (μ |M|² + g |M|⁴)}`.
#[derive(Clone, Debug)]
pub struct ZeroModePrior {
    free: ComponentPrior<FreeFieldPrior>,
    components: usize,
    volume: f64,
    quadratic: f64,
    quartic: f64,
    /// `V g` of the zero-mode density.
    scaled_quartic: f64,
    /// One component of the envelope (the envelope draws N independent ones).
    envelope: Normal<f64>,
    /// `c` of `log(density/envelope) = c |M|² − V g |M|⁴ + const`.
    slope: f64,
    /// `max_M [log density − log envelope]`, up to the constants both drop.
    log_bound: f64,
    log_norm: f64,
}

impl ZeroModePrior {
    /// The free field of [`FreeFieldPrior::new`] (`kinetic`, `mass` = `m_0`) times
    /// `e^{−V (quadratic M² + quartic M⁴)}`. Needs `quartic > 0`, or `quartic = 0` with
    /// `m_0 + quadratic > 0` (a Gaussian zero mode of its own width, the other modes the free
    /// field's: where tuning widens or narrows the magnetisation before it has seen a shape);
    /// `m_0 + quadratic < 0` puts the magnetisation in two wells at
    /// `M² = −(m_0 + quadratic)/(2 quartic)`.
    pub fn new(
        lat: &Lattice,
        kinetic: f64,
        mass: f64,
        quadratic: f64,
        quartic: f64,
    ) -> Result<Self> {
        Self::with_components(lat, kinetic, mass, quadratic, quartic, 1)
    }

    /// The same for a field of `components` components per site (site-major, as
    /// [`crate::Theory`] stores them): one free field per component, and the potential of
    /// the magnetisation vector's length `|M|`, which for `m_0 + quadratic < 0` puts `M` on
    /// the sphere `|M|² ≈ −(m_0 + quadratic)/(2 quartic)` in every direction alike.
    pub fn with_components(
        lat: &Lattice,
        kinetic: f64,
        mass: f64,
        quadratic: f64,
        quartic: f64,
        components: usize,
    ) -> Result<Self> {
        let free = ComponentPrior::new(FreeFieldPrior::new(lat, kinetic, mass)?, components)?;
        ensure(
            quadratic.is_finite(),
            "quadratic",
            format!("must be finite, got {quadratic}"),
        )?;
        ensure(
            quartic >= 0.0 && quartic.is_finite(),
            "quartic",
            format!("must be positive, got {quartic}"),
        )?;
        ensure(
            quartic > 0.0 || mass + quadratic > 0.0,
            "quadratic",
            format!(
                "without a quartic, mass + quadratic must be positive, got {}",
                mass + quadratic
            ),
        )?;
        let volume = lat.volume() as f64;
        let n = components as f64;
        let (a, g) = (volume * (mass + quadratic), volume * quartic);
        let (log_z, second_moment) = zero_mode_integrals(a, g, components);
        // The envelope has the density's ⟨|M|²⟩; without a quartic it is the density itself.
        let variance = if g > 0.0 { second_moment / n } else { 0.5 / a };
        let envelope = Normal::new(0.0, variance.sqrt()).expect("positive finite ⟨|M|²⟩");
        let c = if g > 0.0 {
            0.5 / envelope.std_dev().powi(2) - a
        } else {
            0.0
        };
        let free_zero_mode = 0.5 * n * (std::f64::consts::PI / (volume * mass)).ln();
        Ok(Self {
            log_norm: free.log_norm() + log_z - free_zero_mode,
            free,
            components,
            volume,
            quadratic,
            quartic,
            scaled_quartic: g,
            envelope,
            slope: c,
            log_bound: if c > 0.0 { c * c / (4.0 * g) } else { 0.0 },
        })
    }

    /// An exact draw of `M` from `∝ e^{−V (a |M|² + g |M|⁴)}` into `m`.
    fn draw_magnetisation(&self, rng: &mut StreamRng, m: &mut [f64]) {
        loop {
            m.iter_mut().for_each(|m| *m = self.envelope.sample(rng));
            let u: f64 = m.iter().map(|m| m * m).sum();
            let log_ratio = self.slope * u - self.scaled_quartic * u * u - self.log_bound;
            if rng.random::<f64>().ln() < log_ratio {
                return;
            }
        }
    }

    /// `|M|²` of a configuration.
    fn magnetisation_squared(&self, phi: &[f64]) -> f64 {
        (vector_magnetisation(phi, self.components).iter())
            .map(|m| m * m)
            .sum()
    }
}

/// `(log ∫ e^{−e(|M|)} d^N M, ⟨|M|²⟩)` for `e(r) = a r² + g r⁴`, `g > 0`: the radial integral
/// `S_{N−1} ∫ r^{N−1} e^{−e(r)} dr` by the trapezoid rule in `y = log r`, on the range where
/// the integrand is within `e^{−DEPTH}` of its peak.
fn zero_mode_integrals(a: f64, g: f64, components: usize) -> (f64, f64) {
    let n = components as f64;
    let energy = |r: f64| a * r * r + g * r.powi(4);
    // The well's radius (or the Gaussian width where there is none) sets the scale.
    let scale = if a < 0.0 {
        (-a / (2.0 * g)).sqrt()
    } else {
        0.0
    } + 1.0 / (a.abs() + g).sqrt();
    let log_integrand = |y: f64| n * y - energy(y.exp());
    let peak = log_integrand(scale.ln());
    let mut high = scale.ln();
    while peak - log_integrand(high) < DEPTH {
        high += std::f64::consts::LN_2;
    }
    // Below the scale the integrand falls like r^N at least.
    let low = scale.ln() - DEPTH / n - 1.0;
    let h = (high - low) / INTERVALS as f64;
    let logs: Vec<f64> = (0..=INTERVALS)
        .map(|i| log_integrand(low + i as f64 * h))
        .collect();
    let top = logs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (mut z, mut r2) = (0.0, 0.0);
    for (i, l) in logs.iter().enumerate() {
        let end = if i == 0 || i == INTERVALS { 0.5 } else { 1.0 };
        let w = end * (l - top).exp();
        z += w;
        r2 += w * (2.0 * (low + i as f64 * h)).exp();
    }
    ((z * h).ln() + top + log_sphere_area(components), r2 / z)
}

/// `log S_{N−1} = log(2 π^{N/2} / Γ(N/2))`, the area of the unit sphere in N dimensions
/// (2 for N = 1: the two directions of a line).
fn log_sphere_area(components: usize) -> f64 {
    let pi = std::f64::consts::PI;
    // Γ(N/2) from Γ(1) = 1 or Γ(1/2) = √π by Γ(x + 1) = x Γ(x).
    let (mut x, mut log_gamma) = if components.is_multiple_of(2) {
        (1.0, 0.0)
    } else {
        (0.5, 0.5 * pi.ln())
    };
    while x < components as f64 / 2.0 {
        log_gamma += x.ln();
        x += 1.0;
    }
    2f64.ln() + 0.5 * components as f64 * pi.ln() - log_gamma
}

impl Prior for ZeroModePrior {
    fn sample(&self, rng: &mut StreamRng, out: &mut [f64]) {
        self.free.sample(rng, out);
        let mean = vector_magnetisation(out, self.components);
        let mut m = vec![0.0; self.components];
        self.draw_magnetisation(rng, &mut m);
        for site in out.chunks_mut(self.components) {
            for ((o, target), now) in site.iter_mut().zip(&m).zip(&mean) {
                *o += target - now;
            }
        }
    }

    fn action(&self, phi: &[f64]) -> f64 {
        let m2 = self.magnetisation_squared(phi);
        self.free.action(phi) + self.volume * (self.quadratic * m2 + self.quartic * m2 * m2)
    }

    /// The free field's force plus the zero-mode potential's, `(2μ + 4g|M|²) M_a` at every
    /// site.
    fn force(&self, phi: &[f64], out: &mut [f64]) {
        self.free.force(phi, out);
        let m = vector_magnetisation(phi, self.components);
        let m2: f64 = m.iter().map(|m| m * m).sum();
        let radial = 2.0 * self.quadratic + 4.0 * self.quartic * m2;
        for site in out.chunks_mut(self.components) {
            site.iter_mut().zip(&m).for_each(|(o, m)| *o += radial * m);
        }
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

    /// Two and three components on one site: the normalisation is the integral of
    /// `e^{−a |M|² − g |M|⁴}` over the plane (a Cartesian trapezoid grid) and over space (the
    /// radial integral `4π ∫ r² …`, an even integrand on a symmetric grid), in a single and a
    /// Mexican-hat well.
    #[test]
    fn log_norm_matches_quadrature_in_two_and_three_components() {
        for (m, mu, g) in [(0.7, 0.2, 0.3), (0.5, -2.5, 0.4)] {
            let a = m + mu;
            let density = |r2: f64| (-a * r2 - g * r2 * r2).exp();
            let plane = ZeroModePrior::with_components(&Lattice::new(&[]), 1.0, m, mu, g, 2);
            let h = 2e-3;
            let axis: Vec<f64> = (0..=6000).map(|i| -6.0 + i as f64 * h).collect();
            let z2: f64 = axis
                .iter()
                .flat_map(|x| axis.iter().map(move |y| density(x * x + y * y)))
                .sum::<f64>()
                * h
                * h;
            let plane = plane.unwrap().log_norm();
            assert!((plane - z2.ln()).abs() < 1e-9, "{plane} vs {}", z2.ln());
            let space = ZeroModePrior::with_components(&Lattice::new(&[]), 1.0, m, mu, g, 3);
            let h = 1e-5;
            let z3: f64 = (0..=1_200_000)
                .map(|i| {
                    let r = -6.0 + i as f64 * h;
                    r * r * density(r * r)
                })
                .sum::<f64>()
                * h
                * 2.0
                * std::f64::consts::PI;
            let space = space.unwrap().log_norm();
            assert!((space - z3.ln()).abs() < 1e-9, "{space} vs {}", z3.ln());
        }
    }

    /// Three components on a lattice: ⟨|M|²⟩ and ⟨|M|⁴⟩ of the draws match the radial
    /// quadrature in a Mexican-hat well, every direction alike (⟨M_a⟩ = 0, ⟨M_a²⟩ = ⟨|M|²⟩/3),
    /// and the force is the action's gradient.
    #[test]
    fn three_components_draw_the_vector_magnetisation() {
        let lat = Lattice::new(&[4, 3]);
        let v = lat.volume() as f64;
        let (kinetic, m, mu, g) = (0.25, 0.05, -0.3, 0.08);
        let prior = ZeroModePrior::with_components(&lat, kinetic, m, mu, g, 3).unwrap();
        let (a, gv) = (v * (m + mu), v * g);
        let h = 1e-4;
        let (mut z, mut r2, mut r4, mut r8) = (0.0, 0.0, 0.0, 0.0);
        for i in 1..=60_000 {
            let r = i as f64 * h;
            let d = r * r * (-a * r * r - gv * r.powi(4)).exp();
            z += d;
            r2 += d * r * r;
            r4 += d * r.powi(4);
            r8 += d * r.powi(8);
        }
        let (r2, r4, r8) = (r2 / z, r4 / z, r8 / z);
        let n = 20_000;
        let mut phi = vec![0.0; 3 * lat.volume()];
        let (mut s2, mut s4, mut first, mut first2) = (0.0, 0.0, 0.0, 0.0);
        for i in 0..n {
            prior.sample(&mut stream_rng(7, i), &mut phi);
            let mag = vector_magnetisation(&phi, 3);
            let u: f64 = mag.iter().map(|x| x * x).sum();
            s2 += u;
            s4 += u * u;
            first += mag[0];
            first2 += mag[0] * mag[0];
        }
        let nf = n as f64;
        let (s2, s4, first, first2) = (s2 / nf, s4 / nf, first / nf, first2 / nf);
        let tol = |spread: f64| 5.0 * spread / nf.sqrt();
        assert!((s2 - r2).abs() < tol((r4 - r2 * r2).sqrt()), "{s2} vs {r2}");
        assert!((s4 - r4).abs() < tol((r8 - r4 * r4).sqrt()), "{s4} vs {r4}");
        assert!(first.abs() < tol(r2.sqrt()), "⟨M_0⟩ = {first}");
        assert!(
            (first2 - r2 / 3.0).abs() < tol(r2),
            "⟨M_0²⟩ = {first2} vs {}",
            r2 / 3.0
        );
        let mut force = vec![0.0; phi.len()];
        prior.force(&phi, &mut force);
        for i in [0, 4, 17, 35] {
            let e = 1e-6;
            let mut up = phi.clone();
            let mut down = phi.clone();
            up[i] += e;
            down[i] -= e;
            let fd = (prior.action(&up) - prior.action(&down)) / (2.0 * e);
            assert!(
                (fd - force[i]).abs() < 1e-6 * (1.0 + fd.abs()),
                "{fd} vs {}",
                force[i]
            );
        }
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
        assert!(ZeroModePrior::new(&lat, 0.25, 0.5, -0.3, -0.1).is_err());
        assert!(ZeroModePrior::new(&lat, 0.25, 0.5, f64::NAN, 0.3).is_err());
    }

    /// Without a quartic the zero mode is a Gaussian of mass `m_0 + μ`: the normalisation is
    /// the free field's with that mode's factor `(m_0/(m_0 + μ))^{N/2}` (so μ = 0 is the free
    /// field), and the draws' ⟨|M|²⟩ is `N/(2 V (m_0 + μ))`, in one and three components.
    #[test]
    fn without_a_quartic_the_zero_mode_is_a_gaussian_of_its_own_mass() {
        let lat = Lattice::new(&[4, 3]);
        let v = lat.volume() as f64;
        let (kinetic, m) = (0.25, 0.4);
        for components in [1, 3] {
            let n = components as f64;
            let free =
                ComponentPrior::new(FreeFieldPrior::new(&lat, kinetic, m).unwrap(), components)
                    .unwrap();
            for mu in [0.0, -0.3, 0.5] {
                let prior =
                    ZeroModePrior::with_components(&lat, kinetic, m, mu, 0.0, components).unwrap();
                let want = free.log_norm() + 0.5 * n * (m / (m + mu)).ln();
                assert!(
                    (prior.log_norm() - want).abs() < 1e-10,
                    "{} vs {want}",
                    prior.log_norm()
                );
                let draws = 20_000;
                let mut phi = vec![0.0; components * lat.volume()];
                let mean: f64 = (0..draws)
                    .map(|i| {
                        prior.sample(&mut stream_rng(8, i), &mut phi);
                        prior.magnetisation_squared(&phi)
                    })
                    .sum::<f64>()
                    / draws as f64;
                // |M|² is a scaled χ² with N degrees of freedom: relative spread √(2/N).
                let exact = n / (2.0 * v * (m + mu));
                let tol = 5.0 * exact * (2.0 / n / draws as f64).sqrt();
                assert!((mean - exact).abs() < tol, "{mean} vs {exact}");
            }
        }
    }
}
