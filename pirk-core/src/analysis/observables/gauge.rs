//! Observables of a U(1) link field θ_{x,μ} (`Theory::LINKS`: D values per site, one per
//! direction, site-major): the plaquette and the geometric topological charge, both gauge
//! invariant and unchanged when any link moves by 2π.

use std::f64::consts::TAU;

use crate::{Lattice, wrap_angle};

/// The plaquette angle `θ_{x,μ} + θ_{x+μ,ν} − θ_{x+ν,μ} − θ_{x,ν}` in the (μ, ν) plane at `x`.
pub fn plaquette_angle(lat: &Lattice, theta: &[f64], x: usize, mu: usize, nu: usize) -> f64 {
    let d = lat.ndim();
    let link = |y: usize, dir: usize| theta[y * d + dir];
    link(x, mu) + link(lat.neighbor(x, mu, true), nu)
        - link(lat.neighbor(x, nu, true), mu)
        - link(x, nu)
}

/// `(1/N_P) Σ_P cos θ_P` over the `N_P = V·D(D−1)/2` plaquettes `(x, μ < ν)` of one
/// configuration (0 below two dimensions, which have none).
pub fn plaquette(lat: &Lattice, theta: &[f64]) -> f64 {
    let d = lat.ndim();
    let (mut sum, mut count) = (0.0, 0usize);
    for x in 0..lat.volume() {
        for mu in 0..d {
            for nu in mu + 1..d {
                sum += plaquette_angle(lat, theta, x, mu, nu).cos();
                count += 1;
            }
        }
    }
    if count == 0 { 0.0 } else { sum / count as f64 }
}

/// The geometric topological charge `Q = (1/2π) Σ_x arg e^{iθ_P(x)}` of a two-dimensional
/// configuration, with `arg` in `[−π, π)`: an integer on a torus, since the unwrapped plaquette
/// angles sum to zero (every link enters two plaquettes with opposite signs). `None` on other
/// dimensions, where it is not the charge.
pub fn topological_charge(lat: &Lattice, theta: &[f64]) -> Option<f64> {
    (lat.ndim() == 2).then(|| {
        let winding: f64 = (0..lat.volume())
            .map(|x| wrap_angle(plaquette_angle(lat, theta, x, 0, 1)))
            .sum();
        // Round off the summation error: the exact value is a whole number.
        (winding / TAU).round()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn random_links(lat: &Lattice, seed: u64) -> Vec<f64> {
        let mut state = seed;
        (0..lat.volume() * lat.ndim())
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((state >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * 4.0 * TAU
            })
            .collect()
    }

    /// A gauge transformation θ_{x,μ} → θ_{x,μ} + α_x − α_{x+μ} leaves both observables alone,
    /// and moving one link by 2π leaves them alone too.
    #[test]
    fn gauge_and_period_invariance() {
        let lat = Lattice::new(&[5, 6]);
        let theta = random_links(&lat, 3);
        let alpha = random_links(&lat, 9);
        let mut g = theta.clone();
        for x in 0..lat.volume() {
            for mu in 0..2 {
                g[x * 2 + mu] += alpha[x] - alpha[lat.neighbor(x, mu, true)];
            }
        }
        g[7] += TAU;
        assert!((plaquette(&lat, &theta) - plaquette(&lat, &g)).abs() < 1e-12);
        assert_eq!(
            topological_charge(&lat, &theta),
            topological_charge(&lat, &g)
        );
    }

    /// A configuration of constant field strength 2πq/V carries charge q, and its plaquette
    /// is cos(2πq/V).
    #[test]
    fn constant_field_strength_has_its_charge() {
        let (l0, l1) = (6usize, 4usize);
        let lat = Lattice::new(&[l0, l1]);
        let v = (l0 * l1) as f64;
        for q in [-2i32, 0, 1, 3] {
            let f = TAU * q as f64 / v;
            // θ_{x,1} = f·x0 and a twist on the last time slice close the flux on the torus.
            let mut theta = vec![0.0; lat.volume() * 2];
            for x in 0..lat.volume() {
                let c = lat.coords(x);
                theta[x * 2 + 1] = f * c[0] as f64;
                if c[0] == l0 - 1 {
                    theta[x * 2] = -f * (l0 * c[1]) as f64;
                }
            }
            assert_eq!(topological_charge(&lat, &theta), Some(q as f64));
            assert!((plaquette(&lat, &theta) - f.cos()).abs() < 1e-12, "q = {q}");
        }
    }
}
