//! Spin-smeared kernels `K_x = Σ_y G_r(x − y) sin(n(θ_y − θ_x))`: long-range kernels for an
//! angle field, where the smeared family does not apply (a Fourier mode of an angle is not
//! periodic). Each pulls `θ_x` towards the `n`-th harmonic of the spins around it, averaged over
//! a radius `r`, so it reaches the spin waves that the declared, nearest-neighbour kernels of a
//! theory like `xy` miss.
//!
//! `G_r` is the smeared family's lattice heat kernel, `G̃_r(p) = exp(−r² p̂²/2)`. With
//! `z = e^{inθ}`, `K_x = Im(z̄_x (G_r ∗ z)_x)`: 2π-periodic in every angle and odd under
//! `θ → −θ`. The `y = x` term is `sin 0`, so `∂K_x/∂θ_x = −n Σ_{y≠x} G_r(x − y) cos(n(θ_y − θ_x))`
//! and, by Parseval with `z̃ = FFT(z)`,
//! `∇·K = n Σ_x [G_r(0) − Re(z̄_x (G_r ∗ z)_x)] = n Σ_p G̃_r(p) (1 − |z̃_p|²/V)`.
//!
//! Everything goes through momentum space, so no radius needs a transform of its own. A row
//! costs two FFTs per harmonic, of `z` and of `∇S z`, since
//! `K·∇S = Im (1/V) Σ_p G̃_r(p) conj(FFT(∇S z)_p) z̃_p`, and a sum over momenta per radius. A
//! velocity costs one FFT and one inverse FFT per harmonic: the radii of a harmonic add up to
//! one filter `Σ_r k_{r,n} G̃_r`.

use rustfft::num_complex::Complex64;

use super::basis::{family_args, family_names, live};
use super::fourier::heat_kernel;
use crate::Lattice;
use crate::LatticeFft;
use crate::vmath;

/// The spin-smeared family on one lattice: every radius with every harmonic.
#[derive(Clone, Debug)]
pub struct Spins {
    volume: usize,
    fft: LatticeFft,
    harmonics: Vec<u32>,
    /// `G̃_r(p)` per radius.
    filters: Vec<Vec<f64>>,
    names: Vec<String>,
}

/// Per-thread buffers for [`Spins`].
#[derive(Clone, Debug)]
pub struct SpinsScratch {
    /// `e^{iθ}`, whose powers are the harmonics.
    z1: Vec<Complex64>,
    /// `e^{inθ}` in real space.
    z: Vec<Complex64>,
    /// Its transform, then (velocity) the smeared field `H ∗ z`.
    a: Vec<Complex64>,
    /// The transform of `∇S e^{inθ}`.
    b: Vec<Complex64>,
    /// Per momentum: `1 − |z̃_p|²/V` (rows), or the filter `Σ_r k_{r,n} G̃_r(p)` (velocity);
    /// first, per site, `sin θ` for `z1`.
    power: Vec<f64>,
    /// Per momentum: `Im(conj(b_p) z̃_p)/V` (rows); first, per site, `cos θ` for `z1`.
    cross: Vec<f64>,
    fft: Vec<Complex64>,
}

impl Spins {
    /// Kernels for every radius (outer) and harmonic `n ≥ 1` (inner), named `spin(r,n)`.
    pub fn new(lat: &Lattice, radii: &[f64], harmonics: &[u32]) -> Self {
        let v = lat.volume();
        let filters = radii.iter().map(|&r| heat_kernel(lat, r)).collect();
        let names = family_names("spin", radii, harmonics);
        Self {
            volume: v,
            fft: LatticeFft::new(lat),
            harmonics: harmonics.to_vec(),
            filters,
            names,
        }
    }

    /// The radius and harmonic of a kernel name made by [`Spins::new`].
    pub fn parse(name: &str) -> Option<(f64, u32)> {
        let (r, n) = family_args("spin", name)?;
        Some((r.parse().ok()?, n.parse().ok()?))
    }

    /// Kernel names, radius-major.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Fresh buffers.
    pub fn scratch(&self) -> SpinsScratch {
        let v = self.volume;
        SpinsScratch {
            z1: vec![Complex64::default(); v],
            z: vec![Complex64::default(); v],
            a: vec![Complex64::default(); v],
            b: vec![Complex64::default(); v],
            power: vec![0.0; v],
            cross: vec![0.0; v],
            fft: vec![Complex64::default(); self.fft.scratch_len()],
        }
    }

    /// Stein rows `L = ∇·K − K·∇S` into `out`, given `force = ∇S`.
    pub fn stein(&self, theta: &[f64], force: &[f64], out: &mut [f64], s: &mut SpinsScratch) {
        unit_spins(theta, &mut s.z1, &mut s.power, &mut s.cross);
        let inv_v = 1.0 / self.volume as f64;
        let h = self.harmonics.len();
        for (i, &n) in self.harmonics.iter().enumerate() {
            for (((z, a), b), (&z1, &f)) in
                (s.z.iter_mut().zip(&mut s.a).zip(&mut s.b)).zip(s.z1.iter().zip(force))
            {
                *z = z1.powu(n);
                *a = *z;
                *b = *z * f;
            }
            self.fft.forward(&mut s.a, &mut s.fft);
            self.fft.forward(&mut s.b, &mut s.fft);
            for ((w, c), (a, b)) in (s.power.iter_mut().zip(&mut s.cross)).zip(s.a.iter().zip(&s.b))
            {
                *w = 1.0 - a.norm_sqr() * inv_v;
                *c = (b.conj() * a).im * inv_v;
            }
            for (g, row) in self.filters.iter().zip(out.iter_mut().skip(i).step_by(h)) {
                let (mut div, mut dot) = (0.0, 0.0);
                for ((&gp, &w), &c) in g.iter().zip(&s.power).zip(&s.cross) {
                    div += gp * w;
                    dot += gp * c;
                }
                *row = f64::from(n) * div - dot;
            }
        }
    }

    /// Adds `Σ k_{r,n} K_{r,n}(θ)` to `out`; returns its divergence. A harmonic whose
    /// coefficients are all zero costs nothing, nor does a radius with a zero coefficient.
    pub fn add_velocity(
        &self,
        k: &[f64],
        theta: &[f64],
        out: &mut [f64],
        s: &mut SpinsScratch,
    ) -> f64 {
        if !live(k) {
            return 0.0;
        }
        unit_spins(theta, &mut s.z1, &mut s.power, &mut s.cross);
        let inv_v = 1.0 / self.volume as f64;
        let h = self.harmonics.len();
        let mut div = 0.0;
        for (i, &n) in self.harmonics.iter().enumerate() {
            let kn = k.iter().skip(i).step_by(h);
            if !kn.clone().any(|&x| x != 0.0) {
                continue;
            }
            let filter = &mut s.power;
            filter.iter_mut().for_each(|x| *x = 0.0);
            for (g, &kj) in self.filters.iter().zip(kn).filter(|(_, kj)| **kj != 0.0) {
                filter.iter_mut().zip(g).for_each(|(x, &gp)| *x += kj * gp);
            }
            for ((z, a), &z1) in s.z.iter_mut().zip(&mut s.a).zip(&s.z1) {
                *z = z1.powu(n);
                *a = *z;
            }
            self.fft.forward(&mut s.a, &mut s.fft);
            let mut sum = 0.0;
            for (a, &hp) in s.a.iter_mut().zip(filter.iter()) {
                sum += hp * (1.0 - a.norm_sqr() * inv_v);
                *a *= hp;
            }
            div += f64::from(n) * sum;
            self.fft.inverse(&mut s.a, &mut s.fft);
            for ((o, z), a) in out.iter_mut().zip(&s.z).zip(&s.a) {
                *o += (z.conj() * a).im * inv_v;
            }
        }
        div
    }
}

/// `e^{iθ_x}` for every site, from one vector `sin_cos` into the two work buffers.
fn unit_spins(theta: &[f64], z1: &mut [Complex64], sines: &mut [f64], cosines: &mut [f64]) {
    sines.copy_from_slice(theta);
    vmath::sin_cos(sines, cosines);
    for ((z, &sin), &cos) in z1.iter_mut().zip(sines.iter()).zip(cosines.iter()) {
        *z = Complex64::new(cos, sin);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    /// `G_r(x − y)` in real space by the naive inverse transform, independent of the FFT.
    fn real_space_kernel(lat: &Lattice, r: f64) -> Vec<Vec<f64>> {
        let v = lat.volume();
        let g = heat_kernel(lat, r);
        (0..v)
            .map(|x| {
                (0..v)
                    .map(|y| {
                        let (cx, cy) = (lat.coords(x), lat.coords(y));
                        (0..v)
                            .map(|p| {
                                let cp = lat.coords(p);
                                let phase: f64 = (0..lat.ndim())
                                    .map(|mu| {
                                        let d = cx[mu] as f64 - cy[mu] as f64;
                                        2.0 * PI * cp[mu] as f64 * d / lat.dims()[mu] as f64
                                    })
                                    .sum();
                                g[p] * phase.cos()
                            })
                            .sum::<f64>()
                            / v as f64
                    })
                    .collect()
            })
            .collect()
    }

    /// `K_x = Σ_y G(x − y) sin(n(θ_y − θ_x))`, term by term.
    fn kernel(g: &[Vec<f64>], n: u32, theta: &[f64]) -> Vec<f64> {
        let n = f64::from(n);
        (0..theta.len())
            .map(|x| {
                (0..theta.len())
                    .map(|y| g[x][y] * (n * (theta[y] - theta[x])).sin())
                    .sum()
            })
            .collect()
    }

    /// `Σ_x ∂K_x/∂θ_x` by central differences.
    fn fd_divergence(g: &[Vec<f64>], n: u32, theta: &[f64]) -> f64 {
        let h = 1e-5;
        (0..theta.len())
            .map(|x| {
                let (mut up, mut down) = (theta.to_vec(), theta.to_vec());
                up[x] += h;
                down[x] -= h;
                (kernel(g, n, &up)[x] - kernel(g, n, &down)[x]) / (2.0 * h)
            })
            .sum()
    }

    /// Angles spread over several periods, so that nothing relies on `[−π, π)`.
    fn angles(v: usize) -> Vec<f64> {
        (0..v)
            .map(|x| ((x * 7919 % 101) as f64 / 101.0 - 0.5) * 9.0)
            .collect()
    }

    #[test]
    fn rows_velocity_and_divergence_match_real_space_and_finite_differences() {
        for dims in [[4, 5], [6, 6]] {
            let lat = Lattice::new(&dims);
            let v = lat.volume();
            let (radii, harmonics) = ([0.6, 1.5, 3.0], [1, 2, 3]);
            let family = Spins::new(&lat, &radii, &harmonics);
            let mut s = family.scratch();
            let theta = angles(v);
            let force: Vec<f64> = (0..v).map(|x| ((x * 3 + 2) % 5) as f64 - 1.7).collect();
            let mut rows = vec![0.0; family.names().len()];
            family.stein(&theta, &force, &mut rows, &mut s);
            // Harmonic 2 is dropped entirely, radius 1.5 of harmonic 3 alone.
            let k = [0.3, 0.0, -0.8, 0.45, 0.0, 0.0, -0.6, 0.0, 0.9];
            let mut vel = vec![0.0; v];
            let div = family.add_velocity(&k, &theta, &mut vel, &mut s);
            let (mut expect_vel, mut expect_div) = (vec![0.0; v], 0.0);
            let mut j = 0;
            for &r in &radii {
                let g = real_space_kernel(&lat, r);
                for &n in &harmonics {
                    let kj = kernel(&g, n, &theta);
                    let fd = fd_divergence(&g, n, &theta);
                    // The closed form n Σ_x [G(0) − Σ_y G(x − y) cos(n(θ_y − θ_x))].
                    let closed: f64 = (0..v)
                        .map(|x| {
                            let c: f64 = (0..v)
                                .map(|y| g[x][y] * (f64::from(n) * (theta[y] - theta[x])).cos())
                                .sum();
                            f64::from(n) * (g[x][x] - c)
                        })
                        .sum();
                    assert!(
                        (fd - closed).abs() < 1e-7,
                        "{dims:?} r {r} n {n}: {fd} vs {closed}"
                    );
                    let dot: f64 = kj.iter().zip(&force).map(|(a, b)| a * b).sum();
                    assert!(
                        (rows[j] - (fd - dot)).abs() < 1e-7,
                        "{dims:?} {}: {} vs {}",
                        family.names()[j],
                        rows[j],
                        fd - dot
                    );
                    for (e, x) in expect_vel.iter_mut().zip(&kj) {
                        *e += k[j] * x;
                    }
                    expect_div += k[j] * closed;
                    j += 1;
                }
            }
            for (a, b) in vel.iter().zip(&expect_vel) {
                assert!((a - b).abs() < 1e-12, "{dims:?}: {a} vs {b}");
            }
            assert!((div - expect_div).abs() < 1e-10, "{div} vs {expect_div}");
            assert!(vel.iter().any(|x| x.abs() > 0.1));
        }
    }

    #[test]
    fn names_parse_back() {
        let lat = Lattice::new(&[4, 5]);
        let family = Spins::new(&lat, &[1.0, 2.5], &[1, 3]);
        assert_eq!(
            family.names(),
            ["spin(1,1)", "spin(1,3)", "spin(2.5,1)", "spin(2.5,3)"]
        );
        assert_eq!(Spins::parse("spin(2.5,3)"), Some((2.5, 3)));
        assert_eq!(Spins::parse("spin(2.5,1.5)"), None);
        assert_eq!(Spins::parse("smear(2.5,3)"), None);
    }

    /// The velocity, its divergence and the rows do not see a whole turn of one spin.
    #[test]
    fn kernels_are_periodic_in_every_angle() {
        let lat = Lattice::new(&[6, 6]);
        let v = lat.volume();
        let family = Spins::new(&lat, &[1.0, 2.0], &[1, 2]);
        let mut s = family.scratch();
        let theta = angles(v);
        let force: Vec<f64> = (0..v).map(|x| (x as f64 * 0.7).sin()).collect();
        let k = [0.7, -0.4, 0.2, 1.1];
        let (mut before, mut rows_before) = (vec![0.0; v], vec![0.0; 4]);
        let d_before = family.add_velocity(&k, &theta, &mut before, &mut s);
        family.stein(&theta, &force, &mut rows_before, &mut s);
        for y in [0, 13, 35] {
            for turn in [2.0 * PI, -4.0 * PI] {
                let mut moved = theta.clone();
                moved[y] += turn;
                let (mut after, mut rows_after) = (vec![0.0; v], vec![0.0; 4]);
                let d_after = family.add_velocity(&k, &moved, &mut after, &mut s);
                family.stein(&moved, &force, &mut rows_after, &mut s);
                for (a, b) in before.iter().zip(&after) {
                    assert!((a - b).abs() < 1e-12, "site {y}: {a} vs {b}");
                }
                assert!((d_before - d_after).abs() < 1e-11);
                for (a, b) in rows_before.iter().zip(&rows_after) {
                    assert!((a - b).abs() < 1e-11);
                }
            }
        }
    }

    #[test]
    fn kernels_are_odd_in_the_angles() {
        let lat = Lattice::new(&[4, 5]);
        let v = lat.volume();
        let family = Spins::new(&lat, &[0.8, 2.0], &[1, 2]);
        let mut s = family.scratch();
        let theta = angles(v);
        let minus: Vec<f64> = theta.iter().map(|x| -x).collect();
        let (mut up, mut down) = (vec![0.0; v], vec![0.0; v]);
        let k = [0.7, -0.4, 0.3, 0.5];
        let d_up = family.add_velocity(&k, &theta, &mut up, &mut s);
        let d_down = family.add_velocity(&k, &minus, &mut down, &mut s);
        assert!(up.iter().zip(&down).all(|(a, b)| (a + b).abs() < 1e-12));
        assert!(up.iter().any(|x| x.abs() > 0.1));
        assert!((d_up - d_down).abs() < 1e-11);
    }
}
