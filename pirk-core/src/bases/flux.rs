//! Flux kernels of a two-dimensional U(1) link field: `K^{(n)} = d† Δ⁻¹ sin(nθ_P)`, the link
//! velocity whose curl is `sin(nθ_P)` minus its lattice mean, on every plaquette at once.
//!
//! In two dimensions the plaquette angles θ_P are independent but for one global constraint,
//! and the Wilson action is a sum of one function of each, so the flow that carries the Haar
//! measure to `e^{β Σ cos θ_P}` moves every plaquette by one odd, periodic function of its own
//! angle, `θ̇_P = g_t(θ_P) = Σ_n k_n(t) sin(nθ_P)`. Links must then move by a `u` with
//! `curl u = g(θ_P)`: `u = d† Δ⁻¹ g`, with `d†` the adjoint of the curl (`(d†h)_{x,0} = h_x −
//! h_{x−1̂}`, `(d†h)_{x,1} = h_{x−0̂} − h_x`) and `Δ = d d†` the Laplacian of the dual lattice.
//! The Green function `Δ⁻¹` is non-local, so no finite sum of local kernels spans this; one
//! flux kernel per harmonic does (up to the torus's global constraint, which removes the mean).
//! The kernels are built from plaquettes alone: gauge invariant, so the flow is gauge covariant.
//!
//! With `G = Δ⁻¹` on the non-constant modes (`G̃(p) = 1/p̂²`, `G̃(0) = 0`), `ΔG = δ − 1/V`
//! gives `∂K_ℓ/∂θ_ℓ = (G(0) − G(ê))(c_{P₁} + c_{P₂})` for the two plaquettes of link `ℓ`, and
//! summed over links `∇·K^{(n)} = (1 − 1/V) n Σ_P cos(nθ_P)`. The action's part of a Stein row
//! is `K·∇S = Σ_P (G ∗ sin nθ)_P (curl ∇S)_P`, a sum over momenta.

use rustfft::num_complex::Complex64;

use super::fourier::lattice_momentum_squared;
use crate::{Lattice, LatticeFft, plaquette_angle, vmath};

/// The flux family on one two-dimensional lattice: one kernel per harmonic.
#[derive(Clone, Debug)]
pub struct Flux {
    lat: Lattice,
    fft: LatticeFft,
    harmonics: Vec<u32>,
    /// `G̃(p) = 1/p̂²`, 0 at `p = 0`.
    green: Vec<f64>,
    names: Vec<String>,
}

/// Per-thread buffers for [`Flux`].
#[derive(Clone, Debug)]
pub struct FluxScratch {
    /// The plaquette angles θ_P.
    plaquettes: Vec<f64>,
    /// A function of the plaquettes, then its transform.
    a: Vec<Complex64>,
    /// The transform of `curl ∇S`.
    b: Vec<Complex64>,
    /// `sin(nθ_P)` and `cos(nθ_P)` of one harmonic.
    sines: Vec<f64>,
    cosines: Vec<f64>,
    /// `Σ_n k_n sin(nθ_P)` (velocity).
    g: Vec<f64>,
    fft: Vec<Complex64>,
}

impl Flux {
    /// Kernels for every harmonic `n ≥ 1`, named `flux(n)`. Two-dimensional lattices only.
    pub fn new(lat: &Lattice, harmonics: &[u32]) -> Self {
        assert_eq!(
            lat.ndim(),
            2,
            "flux kernels live on two-dimensional lattices"
        );
        let green = (0..lat.volume())
            .map(|p| match p {
                0 => 0.0,
                p => 1.0 / lattice_momentum_squared(lat, p),
            })
            .collect();
        Self {
            lat: lat.clone(),
            fft: LatticeFft::new(lat),
            harmonics: harmonics.to_vec(),
            green,
            names: harmonics.iter().map(|n| format!("flux({n})")).collect(),
        }
    }

    /// The harmonic of a kernel name made by [`Flux::new`].
    pub fn parse(name: &str) -> Option<u32> {
        name.strip_prefix("flux(")?.strip_suffix(')')?.parse().ok()
    }

    /// Kernel names, one per harmonic.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Fresh buffers.
    pub fn scratch(&self) -> FluxScratch {
        let v = self.lat.volume();
        FluxScratch {
            plaquettes: vec![0.0; v],
            a: vec![Complex64::default(); v],
            b: vec![Complex64::default(); v],
            sines: vec![0.0; v],
            cosines: vec![0.0; v],
            g: vec![0.0; v],
            fft: vec![Complex64::default(); self.fft.scratch_len()],
        }
    }

    fn plaquettes(&self, theta: &[f64], s: &mut FluxScratch) {
        for (x, p) in s.plaquettes.iter_mut().enumerate() {
            *p = plaquette_angle(&self.lat, theta, x, 0, 1);
        }
    }

    /// `sin(nθ_P)` and `cos(nθ_P)` into the scratch (vector math); returns `Σ_P cos(nθ_P)`.
    fn harmonic(n: u32, s: &mut FluxScratch) -> f64 {
        let nf = f64::from(n);
        for (sin, &p) in s.sines.iter_mut().zip(&s.plaquettes) {
            *sin = nf * p;
        }
        vmath::sin_cos(&mut s.sines, &mut s.cosines);
        s.cosines.iter().sum()
    }

    /// `1 − 1/V`: the divergence of `K^{(n)}` per unit of `n Σ_P cos(nθ_P)`.
    fn divergence_factor(&self) -> f64 {
        1.0 - 1.0 / self.lat.volume() as f64
    }

    /// Stein rows `L = ∇·K − K·∇S` into `out`, given `force = ∇S`.
    pub fn stein(&self, theta: &[f64], force: &[f64], out: &mut [f64], s: &mut FluxScratch) {
        self.plaquettes(theta, s);
        let lat = &self.lat;
        for (x, b) in s.b.iter_mut().enumerate() {
            let (up0, up1) = (lat.neighbor(x, 0, true), lat.neighbor(x, 1, true));
            let curl = force[2 * x] + force[2 * up0 + 1] - force[2 * up1] - force[2 * x + 1];
            *b = Complex64::new(curl, 0.0);
        }
        self.fft.forward(&mut s.b, &mut s.fft);
        let inv_v = 1.0 / lat.volume() as f64;
        for (row, &n) in out.iter_mut().zip(&self.harmonics) {
            let nf = f64::from(n);
            let cosines = Self::harmonic(n, s);
            for (a, &sin) in s.a.iter_mut().zip(&s.sines) {
                *a = Complex64::new(sin, 0.0);
            }
            self.fft.forward(&mut s.a, &mut s.fft);
            let dot: f64 = (self.green.iter().zip(&s.a).zip(&s.b))
                .map(|((&g, a), b)| g * (a.conj() * b).re)
                .sum::<f64>()
                * inv_v;
            *row = self.divergence_factor() * nf * cosines - dot;
        }
    }

    /// Adds `Σ_n k_n K^{(n)}(θ)` to `out`; returns its divergence. Costs nothing when every
    /// coefficient is zero.
    pub fn add_velocity(
        &self,
        k: &[f64],
        theta: &[f64],
        out: &mut [f64],
        s: &mut FluxScratch,
    ) -> f64 {
        if k.iter().all(|&x| x == 0.0) {
            return 0.0;
        }
        self.plaquettes(theta, s);
        let mut cosines = 0.0;
        s.g.iter_mut().for_each(|g| *g = 0.0);
        for (&kn, &n) in k.iter().zip(&self.harmonics).filter(|(kn, _)| **kn != 0.0) {
            cosines += kn * f64::from(n) * Self::harmonic(n, s);
            s.g.iter_mut()
                .zip(&s.sines)
                .for_each(|(g, sin)| *g += kn * sin);
        }
        for (a, &g) in s.a.iter_mut().zip(&s.g) {
            *a = Complex64::new(g, 0.0);
        }
        self.fft.forward(&mut s.a, &mut s.fft);
        s.a.iter_mut().zip(&self.green).for_each(|(a, &g)| *a *= g);
        self.fft.inverse(&mut s.a, &mut s.fft);
        let lat = &self.lat;
        let inv_v = 1.0 / lat.volume() as f64;
        let h = |x: usize| s.a[x].re * inv_v;
        for x in 0..lat.volume() {
            let (down0, down1) = (lat.neighbor(x, 0, false), lat.neighbor(x, 1, false));
            out[2 * x] += h(x) - h(down1);
            out[2 * x + 1] += h(down0) - h(x);
        }
        self.divergence_factor() * cosines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(lat: &Lattice, seed: u64) -> Vec<f64> {
        let mut state = seed;
        (0..2 * lat.volume())
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((state >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * 7.0
            })
            .collect()
    }

    fn velocity(flux: &Flux, k: &[f64], theta: &[f64]) -> (Vec<f64>, f64) {
        let mut out = vec![0.0; theta.len()];
        let div = flux.add_velocity(k, theta, &mut out, &mut flux.scratch());
        (out, div)
    }

    /// The velocity's curl is `Σ_n k_n sin(nθ_P)` minus its mean, on every plaquette.
    #[test]
    fn curl_is_the_plaquette_function() {
        let lat = Lattice::new(&[6, 5]);
        let flux = Flux::new(&lat, &[1, 3]);
        let theta = links(&lat, 1);
        let k = [0.7, -0.2];
        let (u, _) = velocity(&flux, &k, &theta);
        let g: Vec<f64> = (0..lat.volume())
            .map(|x| {
                let p = plaquette_angle(&lat, &theta, x, 0, 1);
                0.7 * p.sin() - 0.2 * (3.0 * p).sin()
            })
            .collect();
        let mean = g.iter().sum::<f64>() / g.len() as f64;
        for (x, gx) in g.iter().enumerate() {
            let curl = plaquette_angle(&lat, &u, x, 0, 1);
            assert!(
                (curl - (gx - mean)).abs() < 1e-12,
                "{curl} vs {}",
                gx - mean
            );
        }
    }

    /// The divergence against central differences of the velocity, and the Stein row against
    /// the divergence minus the velocity's product with a force.
    #[test]
    fn divergence_and_stein_rows() {
        let lat = Lattice::new(&[4, 6]);
        let flux = Flux::new(&lat, &[1, 2]);
        let theta = links(&lat, 5);
        let force = links(&lat, 8);
        let mut rows = vec![0.0; 2];
        flux.stein(&theta, &force, &mut rows, &mut flux.scratch());
        for (j, k) in [[1.0, 0.0], [0.0, 1.0]].iter().enumerate() {
            let (u, div) = velocity(&flux, k, &theta);
            let h = 1e-5;
            let fd: f64 = (0..theta.len())
                .map(|l| {
                    let mut moved = theta.clone();
                    moved[l] += h;
                    let up = velocity(&flux, k, &moved).0[l];
                    moved[l] -= 2.0 * h;
                    let down = velocity(&flux, k, &moved).0[l];
                    (up - down) / (2.0 * h)
                })
                .sum();
            assert!((fd - div).abs() < 1e-7 * (1.0 + div.abs()), "{fd} vs {div}");
            let dot: f64 = u.iter().zip(&force).map(|(a, b)| a * b).sum();
            assert!((rows[j] - (div - dot)).abs() < 1e-10, "row {j}");
        }
    }

    /// A gauge transformation leaves the velocity unchanged.
    #[test]
    fn gauge_invariant() {
        let lat = Lattice::new(&[5, 4]);
        let flux = Flux::new(&lat, &[1, 2]);
        let theta = links(&lat, 2);
        let alpha = links(&lat, 3);
        let mut g = theta.clone();
        for x in 0..lat.volume() {
            for mu in 0..2 {
                g[2 * x + mu] += alpha[x] - alpha[lat.neighbor(x, mu, true)];
            }
        }
        let (a, da) = velocity(&flux, &[0.3, 0.9], &theta);
        let (b, db) = velocity(&flux, &[0.3, 0.9], &g);
        assert!((da - db).abs() < 1e-10);
        assert!(a.iter().zip(&b).all(|(a, b)| (a - b).abs() < 1e-12));
    }
}
