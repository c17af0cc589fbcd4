//! The connected two-point function `G(x) = (1/V) Σ_y ⟨φ_y φ_{y+x}⟩ − ⟨M⟩²`, computed per
//! configuration via FFT (`|φ̃_p|²`), its lowest-momentum mode, and the second-moment
//! correlation length.

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

/// `G̃(p₁) = |Σ_x φ_x e^{−i p₁ x₀}|² / V` of one configuration, `p₁ = 2π/L₀` the lowest
/// momentum along axis 0 (0 in zero dimensions): its ensemble mean is the connected
/// correlator's Fourier transform at `p₁`, the input [`second_moment_length`] needs besides χ.
pub fn lowest_mode_power(lat: &Lattice, phi: &[f64]) -> f64 {
    if lat.ndim() == 0 {
        return 0.0;
    }
    let p = 2.0 * std::f64::consts::PI / lat.dims()[0] as f64;
    let stride: usize = lat.dims()[1..].iter().product();
    let (mut re, mut im) = (0.0, 0.0);
    for (x, f) in phi.iter().enumerate() {
        let a = p * (x / stride) as f64;
        re += f * a.cos();
        im -= f * a.sin();
    }
    (re * re + im * im) / phi.len() as f64
}

/// The second-moment correlation length on a lattice of extent `l0` along axis 0, from the
/// connected correlator's Fourier transform at zero momentum (`G̃(0) = χ`) and at the lowest
/// momentum `p₁ = 2π/L₀`: `ξ₂ = √((G̃(0)/G̃(p₁) − 1) / p̂₁²)`, `p̂₁² = 4 sin²(π/L₀)`. `NaN` when
/// the square is negative (`G̃(p₁) > G̃(0)`, which only noise produces).
pub fn second_moment_length(l0: usize, g0: f64, g1: f64) -> f64 {
    let p_hat2 = 4.0 * (std::f64::consts::PI / l0 as f64).sin().powi(2);
    ((g0 / g1 - 1.0) / p_hat2).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A free field's `G̃(p) ∝ 1/(p̂² + m²)` gives `ξ₂ = 1/m` exactly.
    #[test]
    fn free_field_length_is_the_inverse_mass() {
        let (l0, m) = (12, 0.3);
        let p_hat2 = 4.0 * (std::f64::consts::PI / l0 as f64).sin().powi(2);
        let xi = second_moment_length(l0, 2.0 / (m * m), 2.0 / (p_hat2 + m * m));
        assert!((xi - 1.0 / m).abs() < 1e-12, "{xi}");
        assert!(second_moment_length(l0, 1.0, 2.0).is_nan());
    }

    /// `φ_x = cos(p₁ x₀)` puts `V/4` into the lowest mode; a constant field puts none there.
    #[test]
    fn lowest_mode_power_of_a_plane_wave() {
        let lat = Lattice::new(&[8, 3]);
        let p = 2.0 * std::f64::consts::PI / 8.0;
        let wave: Vec<f64> = (0..lat.volume())
            .map(|x| (p * lat.coords(x)[0] as f64).cos())
            .collect();
        let v = lat.volume() as f64;
        assert!((lowest_mode_power(&lat, &wave) - v / 4.0).abs() < 1e-12);
        assert!(lowest_mode_power(&lat, &vec![1.5; lat.volume()]).abs() < 1e-12);
    }
}
