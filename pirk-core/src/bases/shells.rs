//! Momentum-shell kernels `K_q = P_q φ`: one linear kernel per orbit of lattice momenta under
//! the lattice symmetries (axis reflections `n_μ → L_μ − n_μ`, and permutations of axes of
//! equal extent).
//!
//! Orbits rather than `|p̂|²` classes: orbits are exactly the sets a symmetric theory cannot
//! tell apart, while `|p̂|²` can merge inequivalent momenta by accident (on a 4×4 lattice
//! (0, 2) and (1, 1) both have `p̂² = 4`); orbits are never coarser, and still cheap.
//! Each orbit is closed under `p → −p`, so `P_q φ` is real and `∇·K_q = tr P_q = n_q`.
//!
//! All shells' Stein rows come from one FFT of `φ + i∇S` (Parseval):
//! `K_q·∇S = (1/V) Σ_{p∈q} Re(conj(φ̃_p) ∇S̃_p)`.
//!
//! The same projectors act on an ultralocal function of the field, `K_{q,g} = P_q g(φ)` with
//! `g(φ)_x` depending on `φ_x` only ([`Shells::stein_projected`], [`Shells::add_projected`]):
//! the smoothed nonlinearities the long-wavelength modes need near a critical point. Every
//! diagonal element of `P_q` is `n_q/V` (translation invariance), so
//! `∇·K_{q,g} = (n_q/V) Σ_x g'(φ_x)`.

use std::collections::BTreeMap;

use rustfft::num_complex::Complex64;

use crate::Lattice;
use crate::{LatticeFft, lattice_momentum_squared};

/// The shell family on one lattice.
#[derive(Clone, Debug)]
pub struct Shells {
    volume: usize,
    fft: LatticeFft,
    /// Orbit index of every momentum.
    class: Vec<usize>,
    /// `n_q`, modes per orbit.
    count: Vec<usize>,
    names: Vec<String>,
}

/// Per-thread buffers for [`Shells`].
#[derive(Clone, Debug)]
pub struct ShellScratch {
    a: Vec<Complex64>,
    b: Vec<Complex64>,
    fft: Vec<Complex64>,
    orbit: Vec<f64>,
}

impl Shells {
    /// Classifies the momenta of `lat` into orbits, ordered by their canonical label.
    pub fn new(lat: &Lattice) -> Self {
        let label = |p: usize| -> Vec<(usize, usize)> {
            let mut key: Vec<(usize, usize)> = lat
                .coords(p)
                .iter()
                .zip(lat.dims())
                .map(|(&n, &l)| (l, n.min(l - n)))
                .collect();
            key.sort_unstable();
            key
        };
        let mut orbits: BTreeMap<Vec<(usize, usize)>, usize> = BTreeMap::new();
        for p in 0..lat.volume() {
            orbits.insert(label(p), 0);
        }
        let mut names = Vec::with_capacity(orbits.len());
        for (i, (key, slot)) in orbits.iter_mut().enumerate() {
            *slot = i;
            let ns: Vec<String> = key.iter().map(|(_, n)| n.to_string()).collect();
            names.push(format!("shell({})", ns.join(",")));
        }
        let class: Vec<usize> = (0..lat.volume()).map(|p| orbits[&label(p)]).collect();
        let mut count = vec![0; orbits.len()];
        for &c in &class {
            count[c] += 1;
        }
        Self {
            volume: lat.volume(),
            fft: LatticeFft::new(lat),
            class,
            count,
            names,
        }
    }

    /// Number of shells.
    pub fn len(&self) -> usize {
        self.count.len()
    }

    /// True when the lattice has no momenta (never, a lattice has a site).
    pub fn is_empty(&self) -> bool {
        self.count.is_empty()
    }

    /// Kernel names, `shell(n_1,…)` with the folded, sorted momentum integers.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// `n_q`, the divergence of each shell kernel.
    pub fn counts(&self) -> &[usize] {
        &self.count
    }

    /// The `n` orbits of lowest lattice momentum `p̂²` (ties in label order).
    pub fn lowest(&self, lat: &Lattice, n: usize) -> Vec<usize> {
        let mut p2 = vec![f64::INFINITY; self.len()];
        for (p, &c) in self.class.iter().enumerate() {
            p2[c] = p2[c].min(lattice_momentum_squared(lat, p));
        }
        let mut order: Vec<usize> = (0..self.len()).collect();
        order.sort_by(|&a, &b| p2[a].total_cmp(&p2[b]).then(a.cmp(&b)));
        order.truncate(n);
        order
    }

    /// Fresh buffers.
    pub fn scratch(&self) -> ShellScratch {
        ShellScratch {
            a: vec![Complex64::default(); self.volume],
            b: vec![Complex64::default(); self.volume],
            fft: vec![Complex64::default(); self.fft.scratch_len()],
            orbit: vec![0.0; self.len()],
        }
    }

    /// `K_q(φ) = P_q φ` into `out`.
    pub fn kernel(&self, q: usize, phi: &[f64], out: &mut [f64], s: &mut ShellScratch) {
        self.transform(phi, s);
        for (a, &c) in s.a.iter_mut().zip(&self.class) {
            if c != q {
                *a = Complex64::default();
            }
        }
        self.back(out, s, false);
    }

    /// Stein rows `L_q = n_q − K_q·∇S` for all shells into `out`, given `force = ∇S`. Leaves
    /// the transform of the force in `s` for [`Shells::stein_projected`].
    pub fn stein(&self, phi: &[f64], force: &[f64], out: &mut [f64], s: &mut ShellScratch) {
        self.fft
            .forward_real_pair(phi, force, &mut s.a, &mut s.b, &mut s.fft);
        for (o, &n) in out.iter_mut().zip(&self.count) {
            *o = n as f64;
        }
        let inv_v = 1.0 / self.volume as f64;
        for ((a, b), &c) in s.a.iter().zip(&s.b).zip(&self.class) {
            out[c] -= (a.conj() * b).re * inv_v;
        }
    }

    /// Stein rows `L = (n_q/V) Σ_x g'(φ_x) − (P_q g)·∇S` of the projections of `g` on the
    /// `orbits`, given `g` and `g_div = Σ_x g'(φ_x)`. Needs the force transform that
    /// [`Shells::stein`] or [`Shells::transform_force`] left in `s`.
    pub fn stein_projected(
        &self,
        g: &[f64],
        g_div: f64,
        orbits: &[usize],
        out: &mut [f64],
        s: &mut ShellScratch,
    ) {
        self.transform(g, s);
        let inv_v = 1.0 / self.volume as f64;
        s.orbit.iter_mut().for_each(|d| *d = 0.0);
        for ((a, b), &c) in s.a.iter().zip(&s.b).zip(&self.class) {
            s.orbit[c] += (a.conj() * b).re;
        }
        for (o, &q) in out.iter_mut().zip(orbits) {
            *o = (self.count[q] as f64 * g_div - s.orbit[q]) * inv_v;
        }
    }

    /// Adds `Σ_i k_i P_{orbits[i]} g` to `out`; returns its divergence
    /// `Σ_i k_i (n_i/V) g_div`.
    pub fn add_projected(
        &self,
        k: &[f64],
        orbits: &[usize],
        g: &[f64],
        g_div: f64,
        out: &mut [f64],
        s: &mut ShellScratch,
    ) -> f64 {
        s.orbit.iter_mut().for_each(|w| *w = 0.0);
        for (&q, &kq) in orbits.iter().zip(k) {
            s.orbit[q] += kq;
        }
        self.transform(g, s);
        for (a, &c) in s.a.iter_mut().zip(&self.class) {
            *a *= s.orbit[c];
        }
        self.back(out, s, true);
        let inv_v = 1.0 / self.volume as f64;
        orbits
            .iter()
            .zip(k)
            .map(|(&q, kq)| kq * self.count[q] as f64 * g_div * inv_v)
            .sum()
    }

    /// Adds `Σ_q k_q P_q φ` to `out`; returns its divergence `Σ_q k_q n_q`.
    pub fn add_velocity(
        &self,
        k: &[f64],
        phi: &[f64],
        out: &mut [f64],
        s: &mut ShellScratch,
    ) -> f64 {
        self.transform(phi, s);
        for (a, &c) in s.a.iter_mut().zip(&self.class) {
            *a *= k[c];
        }
        self.back(out, s, true);
        self.divergence(k)
    }

    /// `Σ_q k_q P_q` as a multiplier of the field's transform, `h_p = k_{q(p)}`, into `h`, for
    /// a family that transforms the field anyway ([`crate::Smeared::add_velocity`]); returns
    /// the divergence `Σ_q k_q n_q`.
    pub fn filter(&self, k: &[f64], h: &mut [f64]) -> f64 {
        for (h, &c) in h.iter_mut().zip(&self.class) {
            *h = k[c];
        }
        self.divergence(k)
    }

    /// `∇·Σ_q k_q P_q φ = Σ_q k_q n_q`.
    fn divergence(&self, k: &[f64]) -> f64 {
        k.iter().zip(&self.count).map(|(k, &n)| k * n as f64).sum()
    }

    /// The transform of `force = ∇S`, kept in `s` for [`Shells::stein_projected`].
    pub fn transform_force(&self, force: &[f64], s: &mut ShellScratch) {
        for (b, &f) in s.b.iter_mut().zip(force) {
            *b = Complex64::new(f, 0.0);
        }
        self.fft.forward(&mut s.b, &mut s.fft);
    }

    fn transform(&self, phi: &[f64], s: &mut ShellScratch) {
        for (a, &f) in s.a.iter_mut().zip(phi) {
            *a = Complex64::new(f, 0.0);
        }
        self.fft.forward(&mut s.a, &mut s.fft);
    }

    fn back(&self, out: &mut [f64], s: &mut ShellScratch, add: bool) {
        self.fft.inverse(&mut s.a, &mut s.fft);
        let inv_v = 1.0 / self.volume as f64;
        for (o, a) in out.iter_mut().zip(&s.a) {
            if add {
                *o += a.re * inv_v;
            } else {
                *o = a.re * inv_v;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orbits_of_4x4() {
        let shells = Shells::new(&Lattice::new(&[4, 4]));
        // folded pairs {0,1,2}²  up to order: (0,0) (0,1) (0,2) (1,1) (1,2) (2,2)
        assert_eq!(shells.len(), 6);
        assert_eq!(shells.counts().iter().sum::<usize>(), 16);
        assert_eq!(shells.counts(), &[1, 4, 2, 4, 4, 1]);
        assert_eq!(shells.names()[4], "shell(1,2)");
    }

    #[test]
    fn projectors_are_a_resolution_of_identity_and_stein_matches_real_space() {
        let lat = Lattice::new(&[4, 6]);
        let shells = Shells::new(&lat);
        let mut s = shells.scratch();
        let v = lat.volume();
        let phi: Vec<f64> = (0..v).map(|x| ((x * 5 + 1) % 7) as f64 - 3.0).collect();
        let force: Vec<f64> = (0..v).map(|x| ((x * 3 + 2) % 5) as f64 - 1.5).collect();
        let mut sum = vec![0.0; v];
        let mut kq = vec![0.0; v];
        let mut rows = vec![0.0; shells.len()];
        shells.stein(&phi, &force, &mut rows, &mut s);
        for (q, row) in rows.iter().enumerate() {
            shells.kernel(q, &phi, &mut kq, &mut s);
            let dot: f64 = kq.iter().zip(&force).map(|(a, b)| a * b).sum();
            assert!((row - (shells.counts()[q] as f64 - dot)).abs() < 1e-10);
            for (a, b) in sum.iter_mut().zip(&kq) {
                *a += b;
            }
        }
        for (a, b) in sum.iter().zip(&phi) {
            assert!((a - b).abs() < 1e-10);
        }
        let k: Vec<f64> = (0..shells.len()).map(|q| 0.5 + q as f64).collect();
        let mut vel = vec![0.0; v];
        let div = shells.add_velocity(&k, &phi, &mut vel, &mut s);
        let mut expect = vec![0.0; v];
        for (q, kq_coef) in k.iter().enumerate() {
            shells.kernel(q, &phi, &mut kq, &mut s);
            for (e, x) in expect.iter_mut().zip(&kq) {
                *e += kq_coef * x;
            }
        }
        for (a, b) in vel.iter().zip(&expect) {
            assert!((a - b).abs() < 1e-10);
        }
        let ediv: f64 = k
            .iter()
            .zip(shells.counts())
            .map(|(k, &n)| k * n as f64)
            .sum();
        assert!((div - ediv).abs() < 1e-12);
    }
}
