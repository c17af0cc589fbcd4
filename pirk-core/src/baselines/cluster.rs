//! Single-cluster growth for the embedded-Ising Wolff updates of continuous spins (O(2) angles,
//! O(N) vectors): the growth is the same, only how a site is reflected and how a bond's coupling
//! is read differ.

use rand::RngExt;

use crate::Lattice;
use crate::rng::StreamRng;

/// Buffers of cluster growth: the sites to visit with their spins' projections on `r` before
/// the reflection, and the cluster each site last joined (so membership needs no clearing).
pub(crate) struct Growth {
    stack: Vec<(usize, f64)>,
    joined: Vec<usize>,
    cluster: usize,
}

impl Growth {
    /// Buffers for a lattice of `volume` sites.
    pub(crate) fn new(volume: usize) -> Self {
        Self {
            stack: Vec::with_capacity(volume),
            joined: vec![0; volume],
            cluster: 0,
        }
    }

    /// Grows one cluster from site `seed` and reflects it; returns its size. `reflect(field, x)`
    /// reflects site `x` and returns its projection on `r` from before; `coupling(field, p_x, y)`
    /// is `2 J_xy` of the bond from a cluster site of projection `p_x` to the unreflected `y`.
    /// A bond is taken with probability `1 − exp(min(0, −2 J_xy))`. Sites are reflected as they
    /// join; the bond test uses the projections from before.
    pub(crate) fn grow(
        &mut self,
        lat: &Lattice,
        field: &mut [f64],
        seed: usize,
        rng: &mut StreamRng,
        reflect: impl Fn(&mut [f64], usize) -> f64,
        coupling: impl Fn(&[f64], f64, usize) -> f64,
    ) -> usize {
        self.cluster += 1;
        self.join(seed, reflect(field, seed));
        let mut size = 1;
        while let Some((x, px)) = self.stack.pop() {
            for mu in 0..lat.ndim() {
                for forward in [true, false] {
                    let y = lat.neighbor(x, mu, forward);
                    if self.joined[y] == self.cluster {
                        continue;
                    }
                    // A bond with `J_xy ≤ 0` is never taken.
                    let c = coupling(field, px, y);
                    if c > 0.0 && rng.random::<f64>() < 1.0 - (-c).exp() {
                        self.join(y, reflect(field, y));
                        size += 1;
                    }
                }
            }
        }
        size
    }

    /// Marks `x` as in the current cluster and queues it with its projection.
    fn join(&mut self, x: usize, projection: f64) {
        self.joined[x] = self.cluster;
        self.stack.push((x, projection));
    }
}
