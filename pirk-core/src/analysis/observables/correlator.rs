//! The connected two-point function `G(x) = (1/V) Σ_y ⟨φ_y φ_{y+x}⟩ − ⟨M⟩²`, computed per
//! configuration via FFT (`|φ̃_p|²`), and the second-moment correlation length.

use rustfft::num_complex::Complex64;

use crate::Lattice;
use crate::LatticeFft;
use crate::{Estimate, Jackknife};

/// `C(x) = (1/V) Σ_y φ_y φ_{y+x}` of one configuration into `out`.
pub fn two_point(fft: &LatticeFft, phi: &[f64], out: &mut [f64]) {
    let v = phi.len() as f64;
    let mut data: Vec<Complex64> = phi.iter().map(|&x| Complex64::new(x, 0.0)).collect();
    let mut scratch = vec![Complex64::default(); fft.scratch_len()];
    fft.forward(&mut data, &mut scratch);
    data.iter_mut()
        .for_each(|d| *d = Complex64::new(d.norm_sqr(), 0.0));
    fft.inverse(&mut data, &mut scratch);
    for (o, d) in out.iter_mut().zip(&data) {
        *o = d.re / (v * v);
    }
}

/// Connected `G(x)` for every `x` from the flat ensemble `phi` (`n × V`), each with a blocked
/// jackknife error (weights optional, e.g. importance weights).
pub fn connected_correlator(
    lat: &Lattice,
    phi: &[f64],
    weights: Option<&[f64]>,
    jk: &Jackknife,
) -> Vec<Estimate> {
    let v = lat.volume();
    let n = phi.len() / v;
    let fft = LatticeFft::new(lat);
    let mut c = vec![vec![0.0; n]; v];
    let mut m = vec![0.0; n];
    let mut buf = vec![0.0; v];
    for (i, config) in phi.chunks(v).enumerate() {
        two_point(&fft, config, &mut buf);
        for (x, b) in buf.iter().enumerate() {
            c[x][i] = *b;
        }
        m[i] = config.iter().sum::<f64>() / v as f64;
    }
    c.iter()
        .map(|cx| jk.estimate(&[cx, &m], weights, |a| a[0] - a[1] * a[1]))
        .collect()
}

/// Second-moment correlation length from `G(x)` along axis 0:
/// `ξ² = (G̃(0)/G̃(p_min) − 1) / (4 sin²(π/L_0))`.
pub fn second_moment_length(lat: &Lattice, g: &[f64]) -> f64 {
    let l0 = lat.dims()[0] as f64;
    let p = 2.0 * std::f64::consts::PI / l0;
    let (mut g0, mut g1) = (0.0, 0.0);
    for (x, gx) in g.iter().enumerate() {
        g0 += gx;
        g1 += gx * (p * lat.coords(x)[0] as f64).cos();
    }
    (g0 / g1 - 1.0) / (4.0 * (p / 2.0).sin().powi(2))
}
