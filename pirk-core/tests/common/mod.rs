//! Hand-written theories standing in for `pirk::theory!` output.
#![allow(dead_code)]

use pirk_core::{Lattice, Theory};

/// Site-local kernels: `φ` and `tanh(a φ)` for the listed scales.
const SCALES: [f64; 4] = [0.0, 0.5, 1.0, 2.0];

fn f(j: usize, x: f64) -> f64 {
    if j == 0 { x } else { (SCALES[j] * x).tanh() }
}

fn df(j: usize, x: f64) -> f64 {
    if j == 0 {
        1.0
    } else {
        let t = (SCALES[j] * x).tanh();
        SCALES[j] * (1.0 - t * t)
    }
}

fn local_kernel(j: usize, phi: &[f64], out: &mut [f64]) {
    for (o, &x) in out.iter_mut().zip(phi) {
        *o = f(j, x);
    }
}

fn local_divergence(phi: &[f64], out: &mut [f64]) {
    for (j, o) in out.iter_mut().enumerate() {
        *o = phi.iter().map(|&x| df(j, x)).sum();
    }
}

fn local_stein(phi: &[f64], force: &[f64], out: &mut [f64]) {
    for (j, o) in out.iter_mut().enumerate() {
        *o = phi
            .iter()
            .zip(force)
            .map(|(&x, &g)| df(j, x) - f(j, x) * g)
            .sum();
    }
}

fn local_velocity(k: &[f64], phi: &[f64], out: &mut [f64]) -> f64 {
    let mut div = 0.0;
    for (o, &x) in out.iter_mut().zip(phi) {
        *o = 0.0;
        for (j, &kj) in k.iter().enumerate() {
            *o += kj * f(j, x);
            div += kj * df(j, x);
        }
    }
    div
}

/// 0-d φ⁴: `Ŝ = ½ m2 φ² + λ/4 φ⁴`.
pub struct ZeroDim;

impl Theory for ZeroDim {
    const NAME: &'static str = "phi4_0d";
    const PARAMS: &'static [&'static str] = &["m2", "lambda"];
    const KERNELS: &'static [&'static str] = &["phi", "tanh_half", "tanh", "tanh2"];
    const SOURCE: &'static str = "// hand-written";

    fn action(&self, _: &Lattice, th: &[f64], phi: &[f64]) -> f64 {
        let x = phi[0];
        0.5 * th[0] * x * x + 0.25 * th[1] * x.powi(4)
    }
    fn force(&self, _: &Lattice, th: &[f64], phi: &[f64], out: &mut [f64]) {
        out[0] = th[0] * phi[0] + th[1] * phi[0].powi(3);
    }
    fn param_grad(&self, _: &Lattice, _: &[f64], phi: &[f64], out: &mut [f64]) {
        out[0] = 0.5 * phi[0] * phi[0];
        out[1] = 0.25 * phi[0].powi(4);
    }
    fn kernel(&self, _: &Lattice, j: usize, phi: &[f64], out: &mut [f64]) {
        local_kernel(j, phi, out);
    }
    fn divergence(&self, _: &Lattice, phi: &[f64], out: &mut [f64]) {
        local_divergence(phi, out);
    }
    fn stein(&self, lat: &Lattice, th: &[f64], phi: &[f64], out: &mut [f64]) {
        let mut g = [0.0];
        self.force(lat, th, phi, &mut g);
        local_stein(phi, &g, out);
    }
    fn velocity(&self, _: &Lattice, k: &[f64], phi: &[f64], out: &mut [f64]) -> f64 {
        local_velocity(k, phi, out)
    }
    fn wegner_row(&self, lat: &Lattice, th: &[f64], phi: &[f64], row: &mut [f64], dth: &mut [f64]) {
        self.stein(lat, th, phi, row);
        self.param_grad(lat, th, phi, dth);
    }
}

/// Lattice φ⁴ in hopping form, params `[kappa, lambda]`.
pub struct Hopping;

impl Theory for Hopping {
    const NAME: &'static str = "phi4_hopping";
    const PARAMS: &'static [&'static str] = &["kappa", "lambda"];
    const KERNELS: &'static [&'static str] = &["phi", "tanh_half", "tanh", "tanh2"];
    const SOURCE: &'static str = "// hand-written";

    fn action(&self, lat: &Lattice, th: &[f64], phi: &[f64]) -> f64 {
        let (kappa, lambda) = (th[0], th[1]);
        (0..lat.volume())
            .map(|x| {
                let hop: f64 = (0..lat.ndim())
                    .map(|mu| phi[lat.neighbor(x, mu, true)])
                    .sum();
                let p2 = phi[x] * phi[x];
                -2.0 * kappa * phi[x] * hop + (1.0 - 2.0 * lambda) * p2 + lambda * p2 * p2
            })
            .sum()
    }
    fn force(&self, lat: &Lattice, th: &[f64], phi: &[f64], out: &mut [f64]) {
        let (kappa, lambda) = (th[0], th[1]);
        for (x, o) in out.iter_mut().enumerate() {
            let nn: f64 = (0..lat.ndim())
                .map(|mu| phi[lat.neighbor(x, mu, true)] + phi[lat.neighbor(x, mu, false)])
                .sum();
            *o = -2.0 * kappa * nn
                + 2.0 * (1.0 - 2.0 * lambda) * phi[x]
                + 4.0 * lambda * phi[x].powi(3);
        }
    }
    fn param_grad(&self, lat: &Lattice, _: &[f64], phi: &[f64], out: &mut [f64]) {
        out[0] = (0..lat.volume())
            .map(|x| {
                -2.0 * phi[x]
                    * (0..lat.ndim())
                        .map(|mu| phi[lat.neighbor(x, mu, true)])
                        .sum::<f64>()
            })
            .sum();
        out[1] = phi.iter().map(|p| -2.0 * p * p + p.powi(4)).sum();
    }
    fn kernel(&self, _: &Lattice, j: usize, phi: &[f64], out: &mut [f64]) {
        local_kernel(j, phi, out);
    }
    fn divergence(&self, _: &Lattice, phi: &[f64], out: &mut [f64]) {
        local_divergence(phi, out);
    }
    fn stein(&self, lat: &Lattice, th: &[f64], phi: &[f64], out: &mut [f64]) {
        let mut g = vec![0.0; phi.len()];
        self.force(lat, th, phi, &mut g);
        local_stein(phi, &g, out);
    }
    fn velocity(&self, _: &Lattice, k: &[f64], phi: &[f64], out: &mut [f64]) -> f64 {
        local_velocity(k, phi, out)
    }
    fn wegner_row(&self, lat: &Lattice, th: &[f64], phi: &[f64], row: &mut [f64], dth: &mut [f64]) {
        self.stein(lat, th, phi, row);
        self.param_grad(lat, th, phi, dth);
    }
}

/// `∫ φ^k e^{−Ŝ} dφ / ∫ e^{−Ŝ}` and `log ∫ e^{−Ŝ}` for 0-d φ⁴ by the trapezoid rule.
pub fn quadrature(m2: f64, lambda: f64) -> (f64, f64, f64) {
    let (a, n) = (12.0, 240_000);
    let h = 2.0 * a / n as f64;
    let (mut z, mut m2s, mut m4s) = (0.0, 0.0, 0.0);
    for i in 0..=n {
        let x = -a + i as f64 * h;
        let w = if i == 0 || i == n { 0.5 } else { 1.0 }
            * (-(0.5 * m2 * x * x + 0.25 * lambda * x.powi(4))).exp();
        z += w;
        m2s += w * x * x;
        m4s += w * x.powi(4);
    }
    (m2s / z, m4s / z, (z * h).ln())
}
