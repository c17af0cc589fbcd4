//! Smeared kernels `K_{r,a} = G_r ∗ tanh(a G_r ∗ φ)`: bounded nonlinearities of the field
//! averaged over a radius `r`, for the interacting long-wavelength modes near a critical point
//! and in a broken phase, which neither local kernels (radius 0) nor functions of the
//! magnetisation alone (radius ∞) reach.
//!
//! `G_r` is the lattice heat kernel, `G̃_r(p) = exp(−r² p̂²/2)`: a normalised, symmetric
//! Gaussian average of width `r` whose transform is constant on the momentum shells. Each
//! kernel is the gradient of `Σ_x log cosh(a φ_r(x))/a` with `φ_r = G_r ∗ φ`, odd in `φ`, and
//! its divergence is `‖G_r‖² Σ_x a sech²(a φ_r(x))` with `‖G_r‖² = (1/V) Σ_p G̃_r(p)²`.
//!
//! Per configuration a row costs one FFT of `φ + i∇S` and one inverse FFT per radius
//! (`φ_r` and `G_r ∗ ∇S` share it as real and imaginary part); a velocity costs one FFT of `φ`,
//! one inverse FFT and one FFT per pair of radii (two real fields as one complex one), and one
//! inverse FFT, which the shells' velocity shares when the basis has both
//! ([`Smeared::add_velocity`]).

use rustfft::num_complex::Complex64;

use super::basis::{family_args, family_names, live};
use super::fourier::heat_kernel;
use crate::LatticeFft;
use crate::{Lattice, vmath};

/// The smeared family on one lattice: every radius with every slope.
#[derive(Clone, Debug)]
pub struct Smeared {
    volume: usize,
    fft: LatticeFft,
    slopes: Vec<f64>,
    /// `G̃_r(p)` per radius.
    filters: Vec<Vec<f64>>,
    /// `‖G_r‖²` per radius.
    norms: Vec<f64>,
    names: Vec<String>,
}

/// Per-thread buffers for [`Smeared`].
#[derive(Clone, Debug)]
pub struct SmearedScratch {
    phi: Vec<Complex64>,
    force: Vec<Complex64>,
    a: Vec<Complex64>,
    acc: Vec<Complex64>,
    u: Vec<f64>,
    /// `u` of the second radius of a pair.
    u2: Vec<f64>,
    /// `tanh(a φ_r)` for one slope, computed a whole configuration at a time by [`vmath`].
    t: Vec<f64>,
    fft: Vec<Complex64>,
}

impl Smeared {
    /// Kernels for every radius (outer) and slope (inner), named `smear(r,a)`.
    pub fn new(lat: &Lattice, radii: &[f64], slopes: &[f64]) -> Self {
        let v = lat.volume();
        let filters: Vec<Vec<f64>> = radii.iter().map(|&r| heat_kernel(lat, r)).collect();
        let norms = filters
            .iter()
            .map(|g| g.iter().map(|x| x * x).sum::<f64>() / v as f64)
            .collect();
        let names = family_names("smear", radii, slopes);
        Self {
            volume: v,
            fft: LatticeFft::new(lat),
            slopes: slopes.to_vec(),
            filters,
            norms,
            names,
        }
    }

    /// The radius and slope of a kernel name made by [`Smeared::new`].
    pub fn parse(name: &str) -> Option<(f64, f64)> {
        let (r, a) = family_args("smear", name)?;
        Some((r.parse().ok()?, a.parse().ok()?))
    }

    /// Kernel names, radius-major.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Fresh buffers.
    pub fn scratch(&self) -> SmearedScratch {
        let v = self.volume;
        SmearedScratch {
            phi: vec![Complex64::default(); v],
            force: vec![Complex64::default(); v],
            a: vec![Complex64::default(); v],
            acc: vec![Complex64::default(); v],
            u: vec![0.0; v],
            u2: vec![0.0; v],
            t: vec![0.0; v],
            fft: vec![Complex64::default(); self.fft.scratch_len()],
        }
    }

    /// Stein rows `L = ‖G_r‖² Σ_x a sech²(a φ_r) − Σ_x tanh(a φ_r) (G_r ∗ ∇S)` into `out`,
    /// given `force = ∇S`.
    pub fn stein(&self, phi: &[f64], force: &[f64], out: &mut [f64], s: &mut SmearedScratch) {
        self.transform(phi, force, s);
        let inv_v = 1.0 / self.volume as f64;
        let n = self.slopes.len();
        for ((g, &norm), rows) in self.filters.iter().zip(&self.norms).zip(out.chunks_mut(n)) {
            for ((a, &gp), (&f, &df)) in s.a.iter_mut().zip(g).zip(s.phi.iter().zip(&s.force)) {
                *a = (f + Complex64::i() * df) * gp;
            }
            self.fft.inverse(&mut s.a, &mut s.fft);
            let mut held = None;
            for (row, &slope) in rows.iter_mut().zip(&self.slopes) {
                slope_tanh(&mut s.t, &mut held, slope, &s.a, Part::Re, inv_v);
                let (mut div, mut dot) = (0.0, 0.0);
                for (&t, z) in s.t.iter().zip(&s.a) {
                    div += 1.0 - t * t;
                    dot += t * z.im * inv_v;
                }
                *row = norm * slope * div - dot;
            }
        }
    }

    /// Adds `Σ k_{r,a} K_{r,a}(φ)` to `out`; returns its divergence. Kernels with a zero
    /// coefficient are skipped: a slope's `tanh`, a radius's two FFTs when all its slopes are
    /// zero, everything when all are. `shells`, a multiplier of `φ̃` ([`crate::Shells::filter`]),
    /// adds that linear velocity too, through the same forward and inverse transform (its
    /// divergence is the caller's).
    pub fn add_velocity(
        &self,
        k: &[f64],
        phi: &[f64],
        shells: Option<&[f64]>,
        out: &mut [f64],
        s: &mut SmearedScratch,
    ) -> f64 {
        vmath::Level::best().vectorize(AddVelocity {
            smeared: self,
            k,
            phi,
            shells,
            out,
            s,
        })
    }

    /// [`Smeared::add_velocity`], inlined into code compiled for the chosen level, whose site
    /// loops (the slopes' doublings above all) then use its vector instructions; the
    /// arithmetic and its order, hence the bits, are the same at every level.
    #[inline(always)]
    fn add_velocity_inline(
        &self,
        k: &[f64],
        phi: &[f64],
        shells: Option<&[f64]>,
        out: &mut [f64],
        s: &mut SmearedScratch,
    ) -> f64 {
        if !live(k) && shells.is_none() {
            return 0.0;
        }
        for (a, &f) in s.phi.iter_mut().zip(phi) {
            *a = Complex64::new(f, 0.0);
        }
        self.fft.forward(&mut s.phi, &mut s.fft);
        match shells {
            Some(h) => {
                for ((acc, &f), &hp) in s.acc.iter_mut().zip(&s.phi).zip(h) {
                    *acc = f * hp;
                }
            }
            None => s.acc.iter_mut().for_each(|z| *z = Complex64::default()),
        }
        let inv_v = 1.0 / self.volume as f64;
        let n = self.slopes.len();
        let mut div = 0.0;
        // Radii with a live slope, two per pair of FFTs: `φ_r1 + i φ_r2` is one inverse
        // transform (both smearings are real), `u_1 + i u_2` one forward transform whose
        // halves the symmetry Z(−p) = conj(Z(p)) of real fields separates.
        let mut radii = (0..self.filters.len()).filter(|&r| live(&k[r * n..(r + 1) * n]));
        while let Some(r1) = radii.next() {
            let (g1, k1) = (&self.filters[r1], &k[r1 * n..(r1 + 1) * n]);
            let Some(r2) = radii.next() else {
                for ((a, &gp), &f) in s.a.iter_mut().zip(g1).zip(&s.phi) {
                    *a = f * gp;
                }
                self.fft.inverse(&mut s.a, &mut s.fft);
                let sech2 = self.radius_sum(k1, &s.a, Part::Re, &mut s.u, &mut s.t, inv_v);
                div += self.norms[r1] * sech2;
                for (a, &u) in s.a.iter_mut().zip(&s.u) {
                    *a = Complex64::new(u, 0.0);
                }
                self.fft.forward(&mut s.a, &mut s.fft);
                for ((acc, a), &gp) in s.acc.iter_mut().zip(&s.a).zip(g1) {
                    *acc += a * gp;
                }
                break;
            };
            let (g2, k2) = (&self.filters[r2], &k[r2 * n..(r2 + 1) * n]);
            for (((a, &gp1), &gp2), &f) in s.a.iter_mut().zip(g1).zip(g2).zip(&s.phi) {
                *a = f * Complex64::new(gp1, gp2);
            }
            self.fft.inverse(&mut s.a, &mut s.fft);
            let sech2 = self.radius_sum(k1, &s.a, Part::Re, &mut s.u, &mut s.t, inv_v);
            div += self.norms[r1] * sech2;
            let sech2 = self.radius_sum(k2, &s.a, Part::Im, &mut s.u2, &mut s.t, inv_v);
            div += self.norms[r2] * sech2;
            for ((a, &u1), &u2) in s.a.iter_mut().zip(&s.u).zip(&s.u2) {
                *a = Complex64::new(u1, u2);
            }
            self.fft.forward(&mut s.a, &mut s.fft);
            for (p, acc) in s.acc.iter_mut().enumerate() {
                let (u1, u2) = self.fft.split(&s.a, p);
                *acc += u1 * g1[p] + u2 * g2[p];
            }
        }
        self.fft.inverse(&mut s.acc, &mut s.fft);
        for (o, z) in out.iter_mut().zip(&s.acc) {
            *o += z.re * inv_v;
        }
        div
    }

    /// One radius's `u = Σ_a k_a tanh(a φ_r)` into `u`, with `φ_r` the `part` of `z / V`;
    /// returns `Σ_a k_a a Σ_x sech²(a φ_r)`.
    #[inline(always)]
    fn radius_sum(
        &self,
        kr: &[f64],
        z: &[Complex64],
        part: Part,
        u: &mut [f64],
        t: &mut [f64],
        inv_v: f64,
    ) -> f64 {
        let mut sech2 = 0.0;
        u.iter_mut().for_each(|u| *u = 0.0);
        let mut held = None;
        for (&kj, &slope) in kr.iter().zip(&self.slopes) {
            if kj == 0.0 {
                continue;
            }
            slope_tanh(t, &mut held, slope, z, part, inv_v);
            let mut sum = 0.0;
            for (u, &t) in u.iter_mut().zip(t.iter()) {
                *u += kj * t;
                sum += 1.0 - t * t;
            }
            sech2 += kj * slope * sum;
        }
        sech2
    }

    /// `φ̃` and `∇S̃` into `s`, by one transform.
    fn transform(&self, phi: &[f64], force: &[f64], s: &mut SmearedScratch) {
        self.fft
            .forward_real_pair(phi, force, &mut s.phi, &mut s.force, &mut s.fft);
    }
}

/// [`Smeared::add_velocity`] as a pulp operation.
struct AddVelocity<'a> {
    smeared: &'a Smeared,
    k: &'a [f64],
    phi: &'a [f64],
    shells: Option<&'a [f64]>,
    out: &'a mut [f64],
    s: &'a mut SmearedScratch,
}

impl vmath::WithSimd for AddVelocity<'_> {
    type Output = f64;

    #[inline(always)]
    fn with_simd<S: vmath::Simd>(self, _: S) -> f64 {
        let AddVelocity {
            smeared,
            k,
            phi,
            shells,
            out,
            s,
        } = self;
        smeared.add_velocity_inline(k, phi, shells, out, s)
    }
}

/// Most doublings between two slopes whose `tanh` is shared (factor 16).
const MAX_DOUBLINGS: i32 = 4;

/// Which part of a complex buffer holds a real field.
#[derive(Clone, Copy)]
enum Part {
    Re,
    Im,
}

impl Part {
    #[inline(always)]
    fn of(self, z: &Complex64) -> f64 {
        match self {
            Part::Re => z.re,
            Part::Im => z.im,
        }
    }
}

/// `t ← tanh(a φ_r)` with `φ_r` the `part` of `z / V`. When `t` holds `tanh(h φ_r)` (`held = Some(h)`)
/// and `a = 2^k h`, by `k` doublings `t ← 2t/(1 + t²)`, as generated code shares `tanh`
/// (`pirk-codegen/src/lower/families.rs`, which documents the error); else by one vector
/// `tanh`. Slopes ½, 1, 2 cost one `tanh` per site.
#[inline(always)]
fn slope_tanh(
    t: &mut [f64],
    held: &mut Option<f64>,
    a: f64,
    z: &[Complex64],
    part: Part,
    inv_v: f64,
) {
    let doublings = held.and_then(|h| (1..=MAX_DOUBLINGS).find(|&k| h * 2f64.powi(k) == a));
    match doublings {
        Some(k) => {
            for _ in 0..k {
                t.iter_mut().for_each(|x| *x = 2.0 * *x / (1.0 + *x * *x));
            }
        }
        None => {
            for (x, z) in t.iter_mut().zip(z) {
                *x = a * part.of(z) * inv_v;
            }
            vmath::tanh(t);
        }
    }
    *held = Some(a);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `G_r ∗ f` in real space, by the sum over the image of the heat kernel.
    fn smear(lat: &Lattice, r: f64, f: &[f64]) -> Vec<f64> {
        let v = lat.volume();
        let g = heat_kernel(lat, r);
        // G(x) = (1/V) Σ_p G̃(p) cos(p·x): naive and independent of the FFT.
        let kernel = |x: usize, y: usize| -> f64 {
            let (cx, cy) = (lat.coords(x), lat.coords(y));
            (0..v)
                .map(|p| {
                    let cp = lat.coords(p);
                    let phase: f64 = (0..lat.dims().len())
                        .map(|mu| {
                            let d = cx[mu] as f64 - cy[mu] as f64;
                            2.0 * std::f64::consts::PI * cp[mu] as f64 * d / lat.dims()[mu] as f64
                        })
                        .sum();
                    g[p] * phase.cos()
                })
                .sum::<f64>()
                / v as f64
        };
        (0..v)
            .map(|x| (0..v).map(|y| kernel(x, y) * f[y]).sum())
            .collect()
    }

    fn kernel(lat: &Lattice, r: f64, a: f64, phi: &[f64]) -> Vec<f64> {
        let t: Vec<f64> = smear(lat, r, phi).iter().map(|u| (a * u).tanh()).collect();
        smear(lat, r, &t)
    }

    #[test]
    fn rows_velocity_and_divergence_match_real_space_and_finite_differences() {
        let lat = Lattice::new(&[4, 6]);
        let v = lat.volume();
        // Slopes 1 and 2 are doublings of ½, and of ½ twice where slope 1's coefficient is
        // zero; 3 is not a doubling.
        // Radii 0.7 and 2 share their FFTs as a pair, 1.3 is left over.
        let (radii, slopes) = ([0.7, 2.0, 1.3], [0.5, 1.0, 2.0, 3.0]);
        let family = Smeared::new(&lat, &radii, &slopes);
        assert_eq!(family.names()[1], "smear(0.7,1)");
        assert_eq!(Smeared::parse("smear(0.7,1.5)"), Some((0.7, 1.5)));
        let mut s = family.scratch();
        let phi: Vec<f64> = (0..v)
            .map(|x| ((x * 5 + 1) % 7) as f64 * 0.4 - 1.2)
            .collect();
        let force: Vec<f64> = (0..v).map(|x| ((x * 3 + 2) % 5) as f64 - 1.5).collect();
        let mut rows = vec![0.0; family.names().len()];
        family.stein(&phi, &force, &mut rows, &mut s);
        let k = [
            0.3, -1.1, 0.8, 0.45, 0.2, 0.0, 0.6, -0.7, -0.25, 0.5, 0.0, 0.9,
        ];
        let mut vel = vec![0.0; v];
        let div = family.add_velocity(&k, &phi, None, &mut vel, &mut s);
        // With radius 2's coefficients zero, radii 0.7 and 1.3 make the pair.
        let mut pruned = k;
        pruned[4..8].fill(0.0);
        let mut vel_pruned = vec![0.0; v];
        let div_pruned = family.add_velocity(&pruned, &phi, None, &mut vel_pruned, &mut s);
        let (mut expect_vel, mut expect_pruned) = (vec![0.0; v], vec![0.0; v]);
        let (mut expect_div, mut expect_div_pruned) = (0.0, 0.0);
        let h = 1e-5;
        let pairs = radii
            .iter()
            .flat_map(|&r| slopes.iter().map(move |&a| (r, a)));
        for (j, (r, a)) in pairs.enumerate() {
            let kj = kernel(&lat, r, a, &phi);
            let mut kdiv = 0.0;
            for x in 0..v {
                let (mut up, mut down) = (phi.clone(), phi.clone());
                up[x] += h;
                down[x] -= h;
                kdiv += (kernel(&lat, r, a, &up)[x] - kernel(&lat, r, a, &down)[x]) / (2.0 * h);
            }
            let dot: f64 = kj.iter().zip(&force).map(|(a, b)| a * b).sum();
            assert!((rows[j] - (kdiv - dot)).abs() < 1e-7, "row {j}");
            for ((e, p), x) in expect_vel.iter_mut().zip(&mut expect_pruned).zip(&kj) {
                *e += k[j] * x;
                *p += pruned[j] * x;
            }
            expect_div += k[j] * kdiv;
            expect_div_pruned += pruned[j] * kdiv;
        }
        for (a, b) in vel.iter().zip(&expect_vel) {
            assert!((a - b).abs() < 1e-10);
        }
        assert!((div - expect_div).abs() < 1e-7);
        for (a, b) in vel_pruned.iter().zip(&expect_pruned) {
            assert!((a - b).abs() < 1e-10);
        }
        assert!((div_pruned - expect_div_pruned).abs() < 1e-7);
    }

    /// The shells' velocity carried through the smeared kernels' transforms equals the two
    /// families' velocities added separately, also when every smeared coefficient is zero.
    #[test]
    fn shells_ride_along_the_smeared_transforms() {
        let lat = Lattice::new(&[6, 5]);
        let v = lat.volume();
        let family = Smeared::new(&lat, &[0.8, 1.7, 3.0], &[0.5, 1.0]);
        let shells = crate::Shells::new(&lat);
        let (mut s, mut ss) = (family.scratch(), shells.scratch());
        let phi: Vec<f64> = (0..v)
            .map(|x| ((x * 11 + 4) % 13) as f64 * 0.25 - 1.4)
            .collect();
        let ks: Vec<f64> = (0..shells.len()).map(|q| 0.3 - 0.17 * q as f64).collect();
        let mut h = vec![0.0; v];
        let shells_div = shells.filter(&ks, &mut h);
        for k in [[0.4, -0.9, 0.0, 0.7, 0.2, -0.3], [0.0; 6]] {
            let (mut apart, mut together) = (vec![0.0; v], vec![0.0; v]);
            let div = shells.add_velocity(&ks, &phi, &mut apart, &mut ss)
                + family.add_velocity(&k, &phi, None, &mut apart, &mut s);
            let div_together =
                shells_div + family.add_velocity(&k, &phi, Some(&h), &mut together, &mut s);
            for (a, b) in apart.iter().zip(&together) {
                assert!((a - b).abs() < 1e-13, "{a} vs {b}, k = {k:?}");
            }
            assert!((div - div_together).abs() < 1e-12 * div.abs().max(1.0));
            assert!(apart.iter().any(|x| x.abs() > 0.1));
        }
    }

    #[test]
    fn kernels_are_odd_in_the_field() {
        let lat = Lattice::new(&[6, 4]);
        let v = lat.volume();
        let family = Smeared::new(&lat, &[1.0, 3.0], &[1.0]);
        let mut s = family.scratch();
        let phi: Vec<f64> = (0..v)
            .map(|x| ((x * 7 + 2) % 9) as f64 * 0.3 - 1.0)
            .collect();
        let minus: Vec<f64> = phi.iter().map(|x| -x).collect();
        let (mut up, mut down) = (vec![0.0; v], vec![0.0; v]);
        let k = [0.7, -0.4];
        let d_up = family.add_velocity(&k, &phi, None, &mut up, &mut s);
        let d_down = family.add_velocity(&k, &minus, None, &mut down, &mut s);
        assert!(up.iter().zip(&down).all(|(a, b)| (a + b).abs() < 1e-12));
        assert!((d_up - d_down).abs() < 1e-12);
    }
}
