//! Multi-dimensional FFTs on a lattice, built from rustfft's 1-d plans axis by axis.
//!
//! Convention: `φ̃_p = Σ_x e^{−ip·x} φ_x` (forward, unnormalised) and the inverse without the
//! `1/V`, so `inverse(forward(φ)) = V φ`.

use std::sync::Arc;

use rustfft::num_complex::Complex64;
use rustfft::{Fft, FftPlanner};

use crate::Lattice;

/// FFT plans for every axis of one lattice.
#[derive(Clone)]
pub struct LatticeFft {
    dims: Vec<usize>,
    forward: Vec<Arc<dyn Fft<f64>>>,
    inverse: Vec<Arc<dyn Fft<f64>>>,
    /// The momentum index of `−p` for every `p`.
    negated: Vec<usize>,
}

impl std::fmt::Debug for LatticeFft {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LatticeFft")
            .field("dims", &self.dims)
            .finish()
    }
}

impl LatticeFft {
    /// Plans for `lat`.
    pub fn new(lat: &Lattice) -> Self {
        let mut planner = FftPlanner::new();
        let dims = lat.dims().to_vec();
        let forward = dims.iter().map(|&n| planner.plan_fft_forward(n)).collect();
        let inverse = dims.iter().map(|&n| planner.plan_fft_inverse(n)).collect();
        let negated = (0..lat.volume())
            .map(|p| {
                let minus: Vec<usize> = lat
                    .coords(p)
                    .iter()
                    .zip(lat.dims())
                    .map(|(&c, &l)| (l - c) % l)
                    .collect();
                lat.site(&minus)
            })
            .collect();
        Self {
            dims,
            forward,
            inverse,
            negated,
        }
    }

    /// The forward transforms of two real fields `x` and `y` with one complex transform of
    /// `x + i y`, into `out_x` and `out_y`: the transform of a real field satisfies
    /// `f̃(−p) = conj(f̃(p))`, which separates the two halves ([`LatticeFft::split`]).
    pub fn forward_real_pair(
        &self,
        x: &[f64],
        y: &[f64],
        out_x: &mut [Complex64],
        out_y: &mut [Complex64],
        scratch: &mut [Complex64],
    ) {
        for ((z, &a), &b) in out_y.iter_mut().zip(x).zip(y) {
            *z = Complex64::new(a, b);
        }
        self.forward(out_y, scratch);
        for (p, z) in out_x.iter_mut().enumerate() {
            *z = self.split(out_y, p).0;
        }
        for (p, z) in out_x.iter().enumerate() {
            // out_x[p] holds x̃(p), so ỹ(p) = (Z(p) − x̃(p)) / i.
            out_y[p] = (out_y[p] - z) * Complex64::new(0.0, -1.0);
        }
    }

    /// `(x̃(p), ỹ(p))` from the transform `z` of `x + i y`, with `x` and `y` real.
    #[inline(always)]
    pub fn split(&self, z: &[Complex64], p: usize) -> (Complex64, Complex64) {
        let (zp, zm) = (z[p], z[self.negated[p]].conj());
        ((zp + zm) * 0.5, (zp - zm) * Complex64::new(0.0, -0.5))
    }

    /// Scratch length needed by [`LatticeFft::forward`] and [`LatticeFft::inverse`].
    pub fn scratch_len(&self) -> usize {
        let inner = self
            .forward
            .iter()
            .chain(&self.inverse)
            .map(|f| f.get_inplace_scratch_len())
            .max()
            .unwrap_or(0);
        self.volume() + inner
    }

    fn volume(&self) -> usize {
        self.dims.iter().product()
    }

    /// In-place forward transform.
    pub fn forward(&self, data: &mut [Complex64], scratch: &mut [Complex64]) {
        self.apply(&self.forward, data, scratch);
    }

    /// In-place inverse transform (unnormalised).
    pub fn inverse(&self, data: &mut [Complex64], scratch: &mut [Complex64]) {
        self.apply(&self.inverse, data, scratch);
    }

    /// Axis by axis, every line of an axis in one batched call (rustfft transforms a buffer of
    /// many lines at once, which amortises its per-call cost over the short lines of a
    /// lattice): the last axis is contiguous and transformed in place; the lines of the others
    /// are gathered block by block into contiguous rows and scattered back.
    fn apply(
        &self,
        plans: &[Arc<dyn Fft<f64>>],
        data: &mut [Complex64],
        scratch: &mut [Complex64],
    ) {
        let volume = data.len();
        let (rows, inner) = scratch.split_at_mut(volume);
        let mut stride = 1;
        for mu in (0..self.dims.len()).rev() {
            let n = self.dims[mu];
            let inner = &mut inner[..plans[mu].get_inplace_scratch_len()];
            if n > 1 && stride == 1 {
                plans[mu].process_with_scratch(data, inner);
            } else if n > 1 {
                let block = n * stride;
                let rows = &mut rows[..block];
                // A chunk is n lines of `stride` values: its transpose holds the axis's lines
                // as contiguous rows (cache-blocked transposes from the `transpose` crate).
                for chunk in data.chunks_exact_mut(block) {
                    transpose::transpose(chunk, rows, stride, n);
                    plans[mu].process_with_scratch(rows, inner);
                    transpose::transpose(rows, chunk, n, stride);
                }
            }
            stride *= n;
        }
    }
}

/// `G̃_r(p) = exp(−r² p̂²/2)` for every momentum index: the lattice heat kernel of radius `r`,
/// a normalised, symmetric Gaussian average that the smeared and spin-smeared families share.
pub fn heat_kernel(lat: &Lattice, r: f64) -> Vec<f64> {
    (0..lat.volume())
        .map(|p| (-0.5 * r * r * lattice_momentum_squared(lat, p)).exp())
        .collect()
}

/// `p̂² = Σ_μ 4 sin²(p_μ/2)` for momentum index `p` (row-major like sites): the eigenvalue of
/// `−Δ`, the lattice Laplacian.
pub fn lattice_momentum_squared(lat: &Lattice, p: usize) -> f64 {
    lat.coords(p)
        .iter()
        .zip(lat.dims())
        .map(|(&n, &l)| {
            let s = (std::f64::consts::PI * n as f64 / l as f64).sin();
            4.0 * s * s
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_naive_dft_and_inverts() {
        let lat = Lattice::new(&[3, 4, 2]);
        let v = lat.volume();
        let fft = LatticeFft::new(&lat);
        let mut scratch = vec![Complex64::default(); fft.scratch_len()];
        let phi: Vec<f64> = (0..v).map(|x| ((x * 7 + 3) % 11) as f64 - 5.0).collect();
        let mut data: Vec<Complex64> = phi.iter().map(|&r| Complex64::new(r, 0.0)).collect();
        fft.forward(&mut data, &mut scratch);
        for (p, dp) in data.iter().enumerate() {
            let cp = lat.coords(p);
            let mut acc = Complex64::default();
            for (x, &f) in phi.iter().enumerate() {
                let cx = lat.coords(x);
                let phase: f64 = (0..3)
                    .map(|mu| {
                        2.0 * std::f64::consts::PI * (cp[mu] * cx[mu]) as f64
                            / lat.dims()[mu] as f64
                    })
                    .sum();
                acc += Complex64::from_polar(f, -phase);
            }
            assert!((acc - dp).norm() < 1e-10, "p = {p}");
        }
        fft.inverse(&mut data, &mut scratch);
        for (d, &f) in data.iter().zip(&phi) {
            assert!((d.re / v as f64 - f).abs() < 1e-12 && d.im.abs() < 1e-12);
        }
    }

    /// Two real fields by one transform give each field's own transform.
    #[test]
    fn real_pair_matches_two_transforms() {
        for dims in [&[3, 4, 2][..], &[5, 6], &[7]] {
            let lat = Lattice::new(dims);
            let v = lat.volume();
            let fft = LatticeFft::new(&lat);
            let mut scratch = vec![Complex64::default(); fft.scratch_len()];
            let x: Vec<f64> = (0..v).map(|i| ((i * 7 + 3) % 11) as f64 - 5.0).collect();
            let y: Vec<f64> = (0..v)
                .map(|i| ((i * 5 + 1) % 9) as f64 * 0.3 - 1.0)
                .collect();
            let (mut px, mut py) = (vec![Complex64::default(); v], vec![Complex64::default(); v]);
            fft.forward_real_pair(&x, &y, &mut px, &mut py, &mut scratch);
            for (field, paired) in [(&x, &px), (&y, &py)] {
                let mut alone: Vec<Complex64> =
                    field.iter().map(|&r| Complex64::new(r, 0.0)).collect();
                fft.forward(&mut alone, &mut scratch);
                for (a, b) in alone.iter().zip(paired.iter()) {
                    assert!((a - b).norm() < 1e-12, "{dims:?}: {a} vs {b}");
                }
            }
        }
    }
}
