//! Observables of an angle field, read as planar (O(2)) spins `s_x = (cos θ_x, sin θ_x)`: the
//! magnetisation (its Binder cumulant is [`crate::o_n_binder`] with n = 2), the helicity modulus
//! of `S = −β Σ_{x,μ} cos(θ_{x+μ} − θ_x)` and the vortex density, all unchanged when any `θ_x`
//! moves by 2π.

use std::f64::consts::TAU;

use crate::{Lattice, wrap_angle};

/// `M = (1/V) Σ_x s_x = (mean cos θ, mean sin θ)`.
pub fn planar_magnetisation(theta: &[f64]) -> [f64; 2] {
    let v = theta.len() as f64;
    let (c, s) = theta
        .iter()
        .fold((0.0, 0.0), |(c, s), t| (c + t.cos(), s + t.sin()));
    [c / v, s / v]
}

/// `(Σ_μ E_μ, Σ_μ I_μ²)` of one configuration, with `E_μ = Σ_x cos(θ_{x+μ} − θ_x)` and
/// `I_μ = Σ_x sin(θ_{x+μ} − θ_x)`: the curvature and the squared current of the free energy
/// under a twist of the boundary conditions, the terms of [`helicity_modulus`].
pub fn helicity_terms(lat: &Lattice, theta: &[f64]) -> (f64, f64) {
    let (mut e, mut i2) = (0.0, 0.0);
    for mu in 0..lat.ndim() {
        let mut i = 0.0;
        for (x, t) in theta.iter().enumerate() {
            let d = theta[lat.neighbor(x, mu, true)] - t;
            e += d.cos();
            i += d.sin();
        }
        i2 += i * i;
    }
    (e, i2)
}

/// One configuration's estimator `(Σ_μ E_μ − β Σ_μ I_μ²)/(d V)` of the helicity modulus
/// `Υ = (⟨Σ_μ E_μ⟩ − β⟨Σ_μ I_μ²⟩)/(d V)` of `S = −β Σ_{x,μ} cos(θ_{x+μ} − θ_x)` (averaged over
/// the `d` directions; [`helicity_terms`]): the stiffness of the free energy `F = −ln Z` against
/// a twist `φ` of every link, `Υ = (1/(βV)) ∂²F/∂φ²`. Υ is linear in the terms' means, so the
/// estimator's mean is Υ and any mean's error (Γ-method, reweighting) is its error. In two
/// dimensions Υ jumps from `2/(πβ)` to 0 at the Berezinskii–Kosterlitz–Thouless transition, so
/// `Υ(β) = 2/(πβ)` locates `β_BKT` (up to logarithmic finite-size corrections).
pub fn helicity_modulus(lat: &Lattice, beta: f64, theta: &[f64]) -> f64 {
    let (e, i2) = helicity_terms(lat, theta);
    (e - beta * i2) / (lat.ndim() * lat.volume()) as f64
}

/// Mean `|w_P|` over all plaquettes `P = (x, μ < ν)`, with the winding
/// `w_P = (1/2π) Σ_{links of P} wrap(Δθ)` of the wrapped angle differences around `P` (an
/// integer: the differences sum to 0 before wrapping). A vortex or antivortex pierces each
/// plaquette with `w_P ≠ 0`; 0 below two dimensions, which have no plaquettes.
pub fn vortex_density(lat: &Lattice, theta: &[f64]) -> f64 {
    let d = lat.ndim();
    if d < 2 {
        return 0.0;
    }
    let link = |a: usize, b: usize| wrap_angle(theta[b] - theta[a]);
    let mut windings = 0.0;
    for x in 0..lat.volume() {
        for mu in 0..d {
            let x_mu = lat.neighbor(x, mu, true);
            for nu in mu + 1..d {
                let x_nu = lat.neighbor(x, nu, true);
                let x_mu_nu = lat.neighbor(x_mu, nu, true);
                let circulation =
                    link(x, x_mu) + link(x_mu, x_mu_nu) - link(x_nu, x_mu_nu) - link(x, x_nu);
                windings += (circulation / TAU).round().abs();
            }
        }
    }
    windings / (lat.volume() * d * (d - 1) / 2) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    #[test]
    fn magnetisation_of_aligned_and_opposed_spins() {
        let [c, s] = planar_magnetisation(&[0.3; 5]);
        assert!((c - 0.3f64.cos()).abs() < 1e-15 && (s - 0.3f64.sin()).abs() < 1e-15);
        let [c, s] = planar_magnetisation(&[0.3, 0.3 + PI]);
        assert!(c.abs() < 1e-15 && s.abs() < 1e-15);
    }

    /// Aligned spins: `E_μ = V`, `I_μ = 0`, so `Υ = 1` at any β.
    #[test]
    fn helicity_of_the_ordered_configuration() {
        let lat = Lattice::new(&[4, 6, 3]);
        let theta = vec![1.2; lat.volume()];
        let (e, i2) = helicity_terms(&lat, &theta);
        assert!(
            (e - 3.0 * 72.0).abs() < 1e-12 && i2.abs() < 1e-20,
            "{e} {i2}"
        );
        let u = helicity_modulus(&lat, 0.8, &theta);
        assert!((u - 1.0).abs() < 1e-14, "{u}");
    }

    /// A twist by `2π/L` along direction 0 of an `L × L'` lattice: `E_0 = V cos(2π/L)` and
    /// `I_0 = V sin(2π/L)`, direction 1 aligned; `Υ` combines them with β.
    #[test]
    fn helicity_of_a_twisted_configuration() {
        let lat = Lattice::new(&[8, 3]);
        let k = TAU / 8.0;
        let theta: Vec<f64> = (0..24)
            .map(|x| wrap_angle(k * lat.coords(x)[0] as f64))
            .collect();
        let (e, i2) = helicity_terms(&lat, &theta);
        let (e0, i0) = (24.0 * k.cos(), 24.0 * k.sin());
        assert!((e - (e0 + 24.0)).abs() < 1e-12, "{e}");
        assert!((i2 - i0 * i0).abs() < 1e-11, "{i2}");
        let u = helicity_modulus(&lat, 0.5, &theta);
        assert!(
            (u - (e0 + 24.0 - 0.5 * i0 * i0) / 48.0).abs() < 1e-13,
            "{u}"
        );
    }

    #[test]
    fn no_vortices_in_smooth_or_one_dimensional_fields() {
        let lat = Lattice::new(&[8, 8]);
        assert_eq!(vortex_density(&lat, &vec![2.0; 64]), 0.0);
        let ring = Lattice::new(&[8]);
        let theta: Vec<f64> = (0..8).map(|x| wrap_angle(2.5 * x as f64)).collect();
        assert_eq!(vortex_density(&ring, &theta), 0.0);
    }

    /// A vortex around the plaquette centred at (1.5, 1.5) and an antivortex around (5.5, 5.5)
    /// pierce exactly two of the 64 plaquettes of 8², with opposite windings; so do their
    /// copies shifted by 2π per site.
    #[test]
    fn a_planted_vortex_pair() {
        let lat = Lattice::new(&[8, 8]);
        let angle = |x: usize, (a, b): (f64, f64)| {
            let c = lat.coords(x);
            (c[1] as f64 - b).atan2(c[0] as f64 - a)
        };
        let theta: Vec<f64> = (0..64)
            .map(|x| wrap_angle(angle(x, (1.5, 1.5)) - angle(x, (5.5, 5.5))))
            .collect();
        assert_eq!(vortex_density(&lat, &theta), 2.0 / 64.0);
        let shifted: Vec<f64> = theta
            .iter()
            .enumerate()
            .map(|(x, t)| t + TAU * (x % 5) as f64 - 4.0 * PI)
            .collect();
        assert_eq!(vortex_density(&lat, &shifted), 2.0 / 64.0);
        let three = Lattice::new(&[4, 4, 4]);
        assert_eq!(vortex_density(&three, &vec![0.1; 64]), 0.0);
    }
}
