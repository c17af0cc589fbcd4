//! The Gaussian nearest a theory: among free fields with a given kinetic term `a`, the mass `m`
//! that minimises `KL(q_m ‖ p) = ⟨S⟩_{q_m} − log N_m + log Z` (the Gibbs–Bogoliubov bound).
//!
//! The action's quadratic part at `φ = 0` is the right Gaussian only where the field stays near
//! zero. Where it is unstable (double wells on every site, a critical or broken phase) or where
//! a strong quartic term dominates, the minimiser is the self-consistent (Hartree) Gaussian,
//! whose width matches the target's fluctuations; for `λ φ⁴` it solves `m = m_2 + 6 λ ⟨φ²⟩_m`
//! exactly. A flow then has to build only the non-Gaussian shape, not the scale.
//!
//! `⟨S⟩` is estimated on prior draws with common random numbers (the same white noise at every
//! `m`), so the estimate is a smooth function of `m`: a log-spaced scan brackets the minimum
//! and a golden-section search refines it.

use crate::error::{Result, ensure};
use crate::rng::stream_rng;
use crate::{ComponentPrior, FreeFieldPrior, Lattice, Prior, Theory};

/// Points of the log-spaced scan.
const SCAN: usize = 17;
/// The scan spans `[floor, floor · 10^DECADES]`.
const DECADES: f64 = 8.0;
/// Golden-section iterations after the scan: the bracket shrinks by 0.618 each.
const REFINE: usize = 20;
/// Field values drawn per mass: at least this many sites' worth, and 64 configurations.
const SITES: usize = 1 << 16;

/// The mass `m ≥ floor` of the free field `a Σ_μ (φ_{x+μ} − φ_x)² + m φ²` nearest the theory
/// at `theta` in `KL(q ‖ p)`, estimated on draws from the stream `seed` (one such free field
/// per component of an N-component field, [`ComponentPrior`]).
pub fn nearest_mass<T: Theory>(
    theory: &T,
    lat: &Lattice,
    theta: &[f64],
    kinetic: f64,
    floor: f64,
    seed: u64,
) -> Result<f64> {
    ensure(
        floor > 0.0 && floor.is_finite(),
        "floor",
        format!("must be positive, got {floor}"),
    )?;
    let draws = 64.max(SITES.div_ceil(T::field_len(lat)));
    let mut phi = vec![0.0; T::field_len(lat)];
    // ⟨S⟩_q − log N_q as a function of log m; +∞ where it cannot be evaluated.
    let mut objective = |log_m: f64| -> f64 {
        let Ok(prior) = FreeFieldPrior::new(lat, kinetic, log_m.exp())
            .and_then(|free| ComponentPrior::new(free, T::COMPONENTS))
        else {
            return f64::INFINITY;
        };
        let mean_action = (0..draws)
            .map(|i| {
                prior.sample(&mut stream_rng(seed, i as u64), &mut phi);
                theory.action(lat, theta, &phi)
            })
            .sum::<f64>()
            / draws as f64;
        let f = mean_action - prior.log_norm();
        if f.is_nan() { f64::INFINITY } else { f }
    };
    let (lo, hi) = (floor.ln(), floor.ln() + DECADES * std::f64::consts::LN_10);
    let grid: Vec<f64> = (0..SCAN)
        .map(|i| lo + (hi - lo) * i as f64 / (SCAN - 1) as f64)
        .collect();
    let values: Vec<f64> = grid.iter().map(|&g| objective(g)).collect();
    let best = (0..SCAN)
        .min_by(|&a, &b| values[a].total_cmp(&values[b]))
        .expect("the scan has points");
    ensure(
        values[best].is_finite(),
        "prior",
        "no Gaussian with the action's kinetic term gives the action a finite mean; give the \
         prior in the card",
    )?;
    let (mut a, mut b) = (grid[best.saturating_sub(1)], grid[(best + 1).min(SCAN - 1)]);
    let ratio = (5f64.sqrt() - 1.0) / 2.0;
    let (mut c, mut d) = (b - ratio * (b - a), a + ratio * (b - a));
    let (mut fc, mut fd) = (objective(c), objective(d));
    for _ in 0..REFINE {
        if fc <= fd {
            (b, d, fd) = (d, c, fc);
            c = b - ratio * (b - a);
            fc = objective(c);
        } else {
            (a, c, fc) = (c, d, fd);
            d = a + ratio * (b - a);
            fd = objective(d);
        }
    }
    // The refined point, unless the scan's own best is lower (a minimum at the scan's edge;
    // at the floor, the floor itself).
    let (log_m, f) = if fc <= fd { (c, fc) } else { (d, fd) };
    Ok(if f <= values[best] {
        log_m.exp().max(floor)
    } else if best == 0 {
        floor
    } else {
        grid[best].exp()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lattice_momentum_squared;
    use crate::priors::quartic_theory::QuarticTheory;

    /// The free field's own mass is the nearest Gaussian.
    #[test]
    fn recovers_the_mass_of_a_free_field() {
        let lat = Lattice::new(&[8, 8]);
        for mass in [0.05, 0.7, 3.0] {
            let got =
                nearest_mass(&QuarticTheory, &lat, &[0.5, mass, 0.0], 0.5, 1.0 / 64.0, 3).unwrap();
            assert!((got / mass - 1.0).abs() < 0.05, "m = {mass}: fitted {got}");
        }
    }

    /// For the form-A φ⁴ theory (a = 1) the nearest Gaussian is the Hartree one,
    /// `m = m_2 + 6 λ ⟨φ²⟩_m` with `⟨φ²⟩_m = (1/V) Σ_p 1/(2 (p̂² + m))`, here solved by
    /// fixed-point iteration; at m_2 = −4 its quadratic part is unstable.
    #[test]
    fn the_quartic_theory_gets_the_hartree_mass() {
        let lat = Lattice::new(&[12, 12]);
        let v = lat.volume();
        for (m2, lambda) in [(-4.0, 5.276), (0.5, 0.3)] {
            let phi2 = |m: f64| {
                (0..v)
                    .map(|p| 0.5 / (lattice_momentum_squared(&lat, p) + m))
                    .sum::<f64>()
                    / v as f64
            };
            let mut hartree = 1.0;
            for _ in 0..500 {
                hartree = 0.5 * hartree + 0.5 * (m2 + 6.0 * lambda * phi2(hartree));
            }
            let got = nearest_mass(
                &QuarticTheory,
                &lat,
                &[1.0, m2, lambda],
                1.0,
                1.0 / v as f64,
                5,
            )
            .unwrap();
            assert!(
                (got / hartree - 1.0).abs() < 0.03,
                "m2 = {m2}, λ = {lambda}: fitted {got}, Hartree {hartree}"
            );
        }
    }

    /// An action no Gaussian can average (unbounded below in every direction it is tried) is
    /// an error, not a mass.
    #[test]
    fn an_action_without_a_finite_mean_is_an_error() {
        let lat = Lattice::new(&[4]);
        let err =
            nearest_mass(&QuarticTheory, &lat, &[1.0, 1.0, f64::NAN], 1.0, 0.25, 1).unwrap_err();
        assert!(err.to_string().contains("finite mean"), "{err}");
    }
}
