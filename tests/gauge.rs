//! Gauge covariance of a trained U(1) flow: every kernel of the built-in `u1` (gradients of
//! plaquette functionals) and every flux kernel is gauge invariant, so flowing a gauge-transformed
//! configuration gives the gauge-transformed result and the same log q.

use pirk::{Basis, Lattice, Path, Theory, Trainer, UniformAnglePrior};
use pirk_theories::U1;
use rand::{RngExt, SeedableRng, rngs::StdRng};

/// RK4 along the flow's coefficients: the final links and `∫ ∇·v dt` (log q is the prior's,
/// uniform, minus this).
fn flowed(basis: &Basis<U1>, flow: &pirk::Flow, theta: &[f64], steps: usize) -> (Vec<f64>, f64) {
    let mut s = basis.scratch();
    let mut k = vec![0.0; basis.len()];
    let n = theta.len();
    let mut velocity = |t: f64, phi: &[f64], out: &mut [f64]| -> f64 {
        flow.coefficients(t, &mut k);
        basis.velocity(&U1, &k, phi, out, &mut s)
    };
    let (mut phi, mut integral) = (theta.to_vec(), 0.0);
    let h = 1.0 / steps as f64;
    let (mut k1, mut k2, mut k3, mut k4) = (vec![0.0; n], vec![0.0; n], vec![0.0; n], vec![0.0; n]);
    let moved = |base: &[f64], dir: &[f64], by: f64| -> Vec<f64> {
        base.iter().zip(dir).map(|(b, d)| b + by * d).collect()
    };
    for i in 0..steps {
        let t = i as f64 * h;
        let d1 = velocity(t, &phi, &mut k1);
        let d2 = velocity(t + h / 2.0, &moved(&phi, &k1, h / 2.0), &mut k2);
        let d3 = velocity(t + h / 2.0, &moved(&phi, &k2, h / 2.0), &mut k3);
        let d4 = velocity(t + h, &moved(&phi, &k3, h), &mut k4);
        integral += h / 6.0 * (d1 + 2.0 * d2 + 2.0 * d3 + d4);
        for (j, p) in phi.iter_mut().enumerate() {
            *p += h / 6.0 * (k1[j] + 2.0 * k2[j] + 2.0 * k3[j] + k4[j]);
        }
    }
    (phi, integral)
}

/// A flow trained from the Haar measure to β = 3 on 6×6, with every declared kernel and the
/// flux kernels: a configuration θ and its gauge transform θ_{x,μ} + α_x − α_{x+μ} end at links
/// that differ by the same transform (to 1e-12) with the same divergence integral.
#[test]
fn flowing_commutes_with_gauge_transformations() {
    let lat = Lattice::new(&[6, 6]);
    let basis = Basis::<U1>::new(&lat).with_flux(&[1, 2, 3]).unwrap();
    let path = Path::linear(&[0.0], &[3.0]).unwrap();
    let values = U1::field_len(&lat);
    let (flow, _) = Trainer::new()
        .with_samples(300)
        .unwrap()
        .with_steps(20)
        .unwrap()
        .train(&U1, &UniformAnglePrior::new(values), &basis, &path)
        .unwrap();
    let mut rng = StdRng::seed_from_u64(4);
    let theta: Vec<f64> = (0..values).map(|_| rng.random_range(-3.1..3.1)).collect();
    let alpha: Vec<f64> = (0..lat.volume())
        .map(|_| rng.random_range(-3.0..3.0))
        .collect();
    let gauge = |links: &[f64]| -> Vec<f64> {
        let mut out = links.to_vec();
        for x in 0..lat.volume() {
            for mu in 0..2 {
                out[2 * x + mu] += alpha[x] - alpha[lat.neighbor(x, mu, true)];
            }
        }
        out
    };
    let (end, div) = flowed(&basis, &flow, &theta, 40);
    let (end_of_transformed, div_of_transformed) = flowed(&basis, &flow, &gauge(&theta), 40);
    let moved: f64 = end.iter().zip(&theta).map(|(a, b)| (a - b).abs()).sum();
    assert!(moved > 1.0, "the flow moves the links ({moved})");
    for (a, b) in gauge(&end).iter().zip(&end_of_transformed) {
        assert!((a - b).abs() < 1e-12, "{a} vs {b}");
    }
    assert!(
        (div - div_of_transformed).abs() < 1e-12,
        "{div} vs {div_of_transformed}"
    );
}
