//! Generated code against the reference interpreter of the IR (to 1e-13), and the
//! canonical forms against the declared expressions, on odd lattices and on volumes that
//! leave a partial block of the vector calls (9 × 15 = 2 · 64 + 7, 3 × 5 × 11 = 2 · 64 + 37).

mod theories;

use pirk::{Lattice, Theory};
use pirk_codegen::Kernel;
use pirk_codegen::interp::Env;
use rand::{RngExt, SeedableRng, rngs::StdRng};
use theories::{
    hopping::Phi4Hopping, hopping_neighbours::HoppingNeighbours, links::Links, phi4::Phi4,
    sine_gordon::SineGordon, zero_dim::ZeroDimPhi4,
};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-13 * (1.0 + a.abs().max(b.abs()))
}

fn agree<T: Theory>(theory: T, text: &str, theta: &[f64], seed: u64) {
    let c = theories::compile(text);
    let mut rng = StdRng::seed_from_u64(seed);
    let all: [&[usize]; 6] = [&[5, 4], &[3, 4, 5], &[7], &[], &[9, 15], &[3, 5, 11]];
    for dims in theories::lattices::<T>(&all) {
        let lat = Lattice::new(dims);
        let (v, n) = (lat.volume(), T::COMPONENTS);
        let phi: Vec<f64> = (0..v * n).map(|_| rng.random_range(-2.0..2.0)).collect();
        let env = Env {
            dims,
            theta,
            phi: &phi,
            components: n,
        };
        let name = T::NAME;

        let s = theory.action(&lat, theta, &phi);
        assert!(
            close(s, env.total(&c.derived.action)),
            "{name} action vs interpreter"
        );
        assert!(
            close(s, env.total(&c.model.action)),
            "{name} action vs declared density"
        );

        let mut out = vec![0.0; v * n];
        theory.force(&lat, theta, &phi, &mut out);
        for (i, f) in out.iter().enumerate() {
            let (x, a) = (i / n, i % n);
            assert!(
                close(*f, env.eval(&c.derived.force[a], x)),
                "{name} force at {x}, component {a}"
            );
        }
        theory.quadratic_force(&lat, theta, &phi, &mut out);
        for (i, f) in out.iter().enumerate() {
            let (x, a) = (i / n, i % n);
            assert!(
                close(*f, env.eval(&c.derived.quadratic_force[a], x)),
                "{name} quadratic force at {x}, component {a}"
            );
        }
        let mut grad = vec![0.0; theta.len()];
        theory.param_grad(&lat, theta, &phi, &mut grad);
        for (i, g) in grad.iter().enumerate() {
            assert!(
                close(*g, env.total(&c.derived.param_grads[i])),
                "{name} param_grad {i}"
            );
        }
        let nk = T::KERNELS.len();
        let direction: Vec<f64> = (0..v * n).map(|_| rng.random_range(-1.0..1.0)).collect();
        let mut dots = vec![0.0; nk];
        theory.kernel_dots(&lat, &phi, &direction, &mut dots);
        for (j, fused) in dots.iter().enumerate() {
            theory.kernel(&lat, j, &phi, &mut out);
            // All kernels' products with one vector in one sweep, against each kernel's own.
            let terms = out.iter().zip(&direction).map(|(k, d)| k * d);
            let (dot, scale) = terms.fold((0.0, 0.0), |(s, a), t| (s + t, a + t.abs()));
            assert!(
                (fused - dot).abs() <= 1e-13 * (1.0 + scale),
                "{name} kernel_dots {j}: {fused} vs {dot}"
            );
            for (i, k) in out.iter().enumerate() {
                let (x, a) = (i / n, i % n);
                assert!(
                    close(*k, env.eval(&c.derived.kernels[j][a], x)),
                    "{name} kernel {j} at {x}, component {a}"
                );
                if let Some(declared) = c.model.kernels[j].1.declared() {
                    assert!(
                        close(*k, env.eval(&declared[a], x)),
                        "{name} kernel {j} vs declared"
                    );
                }
            }
            // A gradient kernel against central differences of its density's total.
            let Kernel::Gradient(density) = &c.model.kernels[j].1 else {
                continue;
            };
            for i in (0..v * n).step_by(7) {
                let h = 1e-5;
                let total = |e: f64| {
                    let mut moved = phi.clone();
                    moved[i] += e;
                    Env { phi: &moved, ..env }.total(density)
                };
                let fd = (total(h) - total(-h)) / (2.0 * h);
                assert!(
                    (out[i] - fd).abs() <= 1e-6 * (1.0 + fd.abs()),
                    "{name} gradient kernel {j} at value {i}: {} vs {fd}",
                    out[i]
                );
            }
        }
        if dims.iter().all(|&d| d > c.derived.kernel_span as usize) {
            let mut div = vec![0.0; nk];
            theory.divergence(&lat, &phi, &mut div);
            for (j, d) in div.iter().enumerate() {
                assert!(
                    close(*d, env.total(&c.derived.divergences[j])),
                    "{name} divergence {j}"
                );
            }
            velocity_skips_zero_coefficients(&theory, &c, &env, &lat, &mut rng);
        }
    }
}

/// The velocity with every coefficient, with each kernel alone and with every other kernel
/// off equals `Σ_j k_j K_j` and `Σ_j k_j ∇·K_j` of the interpreter: the coefficients a
/// pruned flow sets to zero remove their kernels exactly.
fn velocity_skips_zero_coefficients<T: Theory>(
    theory: &T,
    c: &pirk_codegen::Compiled,
    env: &Env,
    lat: &Lattice,
    rng: &mut StdRng,
) {
    let nk = T::KERNELS.len();
    let full: Vec<f64> = (0..nk).map(|_| rng.random_range(-1.5..1.5)).collect();
    let masks = std::iter::once(vec![true; nk])
        .chain((0..nk).map(|j| (0..nk).map(|i| i == j).collect()))
        .chain([(0..nk).map(|i| i % 2 == 0).collect()]);
    let n = T::COMPONENTS;
    let mut out = vec![0.0; lat.volume() * n];
    for mask in masks {
        let k: Vec<f64> = full
            .iter()
            .zip(&mask)
            .map(|(&k, &on)| if on { k } else { 0.0 })
            .collect();
        // Sums of up to nk terms: the tolerance scales with the terms' magnitudes.
        let sum_close = |value: f64, terms: Vec<f64>| {
            let scale: f64 = terms.iter().map(|t| t.abs()).sum();
            (value - terms.iter().sum::<f64>()).abs() <= 1e-13 * (1.0 + scale)
        };
        let div = theory.velocity(lat, &k, env.phi, &mut out);
        let terms = (0..nk)
            .map(|j| k[j] * env.total(&c.derived.divergences[j]))
            .collect();
        assert!(
            sum_close(div, terms),
            "{} velocity divergence, {mask:?}",
            T::NAME
        );
        for (i, v) in out.iter().enumerate() {
            let (x, a) = (i / n, i % n);
            let terms = (0..nk)
                .map(|j| k[j] * env.eval(&c.derived.kernels[j][a], x))
                .collect();
            assert!(
                sum_close(*v, terms),
                "{} velocity at {x}, component {a}, {mask:?}",
                T::NAME
            );
        }
    }
}

#[test]
fn phi4_form_a() {
    agree(Phi4, include_str!("theories/phi4.rs"), &[-4.0, 8.0], 11);
}

#[test]
fn phi4_hopping_form() {
    agree(
        Phi4Hopping,
        include_str!("theories/hopping.rs"),
        &[0.27, 0.022],
        12,
    );
}

#[test]
fn zero_dimensional_phi4() {
    agree(
        ZeroDimPhi4,
        include_str!("theories/zero_dim.rs"),
        &[1.0, 0.5],
        13,
    );
}

#[test]
fn sine_gordon() {
    agree(
        SineGordon,
        include_str!("theories/sine_gordon.rs"),
        &[1.3, 0.8],
        14,
    );
}

/// The built-in XY model: a periodic field, harmonics and products of neighbour sines.
#[test]
fn xy_model() {
    agree(
        pirk_theories::Xy,
        pirk_theories::declaration("xy").unwrap(),
        &[1.1],
        16,
    );
}

/// The built-in `hopping-wells`: the zero-mode potential (−log cosh(w M), μ M², g M⁴) makes
/// every site's force and divergence depend on the whole field through M.
#[test]
fn hopping_form_with_the_zero_mode_potential() {
    agree(
        pirk_theories::Phi4HoppingWells,
        pirk_theories::declaration("hopping_wells").unwrap(),
        &[0.27, 0.022, 0.8, -0.03, 0.02],
        15,
    );
}

/// Vectorised `tanh` and `exp` of neighbours, outside and inside (nested) direction loops, in
/// the kernels and, through the bond term, in the force.
#[test]
fn neighbour_dependent_vector_calls() {
    agree(
        HoppingNeighbours,
        include_str!("theories/hopping_neighbours.rs"),
        &[0.27, 0.022, 0.6],
        16,
    );
}

/// The built-in O(2) and O(3) hopping forms: unrolled components, vector kernels (with
/// `mean(phi, a)`) and the force, kernels and velocity at `x * N + a`.
#[test]
fn multi_component_fields() {
    agree(
        pirk_theories::O2Hopping,
        pirk_theories::declaration("o2_hopping").unwrap(),
        &[0.21, 0.4],
        17,
    );
    agree(
        pirk_theories::O3Hopping,
        pirk_theories::declaration("o3_hopping").unwrap(),
        &[0.18, 0.6],
        18,
    );
}

/// Link fields: a non-compact one on three dimensions (free direction indices in shifts,
/// `ordered`, gradient kernels) and the built-in U(1) gauge theory on two.
#[test]
fn link_fields() {
    agree(Links, include_str!("theories/links.rs"), &[1.3, 0.4], 18);
    agree(
        pirk_theories::U1,
        pirk_theories::declaration("u1").unwrap(),
        &[2.3],
        19,
    );
}
