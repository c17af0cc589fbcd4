//! Relaxation along the path: between flow steps, HMC trajectories that leave the path's own
//! distribution `p_t ∝ e^{−S_t}` invariant, with the importance weight kept exact.
//!
//! A flow whose basis misses part of the exact velocity carries its error forward: the walkers
//! drift away from `p_t`, and the log-weights spread with every step. A Markov move at `t` pulls
//! them back without biasing anything, because the weight of a walker is recorded before the
//! move and the move leaves `p_t` invariant: this is annealed importance sampling (R. M. Neal,
//! Stat. Comput. 11 (2001) 125) with the flow as its deterministic transport, the construction
//! of stochastic normalizing flows (H. Wu, J. Köhler, F. Noé, NeurIPS 2020; M. Caselle et al.,
//! JHEP 07 (2022) 015). The weight `w = e^{−S_t(φ)}/q̃(φ)` is then a weight on the joint space of
//! the walker's whole history, so reweighting and independence Metropolis–Hastings stay exact;
//! `q̃` is no longer the density of `φ` alone, and the generator keeps it as
//! `log q̃ = −S_t(φ′) − log w_t` after each move from `φ` to `φ′`.

use rand::RngExt;

use crate::Basis;
use crate::Hmc;
use crate::Theory;
use crate::rng::stream_rng;
use crate::vmath::Level;
use crate::{Switched, offset_weight};

/// Keeps the relaxation streams apart from the prior's streams `(seed, i)` and from training's.
const RELAX_DOMAIN: u64 = 0x5eed_4e1a_c5ed;

/// `hmc`'s trajectories at the path's time `t` (couplings `theta`) on a lane group `group`
/// (site-major, lane-minor), lane `l` as configuration `first + l` after grid step `m`: the
/// chains move under the theory's action plus the prior difference the path still switches
/// on, so they leave `p_t` invariant. Each lane draws from its own stream, so a configuration
/// gets the same bits in any lane group, at any thread and rank count.
#[allow(clippy::too_many_arguments)]
pub(crate) fn relax_lanes<T: Theory>(
    hmc: &Hmc,
    theory: &T,
    basis: &Basis<T>,
    level: Level,
    t: f64,
    theta: &[f64],
    seed: u64,
    m: usize,
    first: usize,
    group: &mut [f64],
) {
    let step_seed: u64 = stream_rng(seed ^ RELAX_DOMAIN, m as u64).random();
    let seeds = std::array::from_fn(|l| stream_rng(step_seed, (first + l) as u64).random());
    let lat = basis.lattice();
    match basis.offset() {
        Some(offset) if offset_weight(t) != 0.0 => {
            let path_action = Switched {
                theory,
                offset,
                weight: offset_weight(t),
            };
            hmc.run_lanes(&path_action, level, lat, theta, group, &seeds);
        }
        _ => hmc.run_lanes(theory, level, lat, theta, group, &seeds),
    }
}

/// The path's action at `t`, `S(φ; θ(t)) + (1 − t) Δ(φ)`, as the generator records it.
pub(crate) fn path_action<T: Theory>(
    theory: &T,
    basis: &Basis<T>,
    t: f64,
    theta: &[f64],
    phi: &[f64],
) -> f64 {
    theory.action(basis.lattice(), theta, phi) + basis.switched(t, phi)
}
