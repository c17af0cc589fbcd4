//! Generated derivatives against finite differences, on odd and non-square lattices and one
//! (9 × 15) whose volume leaves a partial block of the vector calls.

mod theories;

/// The built-in two-well theory, whose action reads `mean(phi)` (a global term in the force).
use pirk::{Lattice, Theory};
use rand::{RngExt, SeedableRng, rngs::StdRng};
use theories::{
    hopping::Phi4Hopping, hopping_neighbours::HoppingNeighbours, phi4::Phi4,
    sine_gordon::SineGordon, zero_dim::ZeroDimPhi4,
};

const LATTICES: [&[usize]; 6] = [&[5, 4], &[3, 4, 5], &[7], &[], &[4, 3], &[9, 15]];

fn random_field(rng: &mut StdRng, n: usize) -> Vec<f64> {
    (0..n).map(|_| rng.random_range(-1.5..1.5)).collect()
}

fn rel_err(a: f64, b: f64) -> f64 {
    (a - b).abs() / (1.0 + a.abs().max(b.abs()))
}

/// Every identity of the `Theory` contract, on a few random configurations.
fn check_theory<T: Theory>(theory: T, theta: &[f64], seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed);
    let h = 1e-5;
    for dims in theories::lattices::<T>(&LATTICES) {
        let lat = Lattice::new(dims);
        // Values in a slice over the field: every identity below is per value, `x * N + a`.
        let v = lat.volume() * T::COMPONENTS;
        let nk = T::KERNELS.len();
        for _ in 0..3 {
            let phi = random_field(&mut rng, v);
            // force vs central differences of the action
            let mut force = vec![0.0; v];
            theory.force(&lat, theta, &phi, &mut force);
            for x in 0..v {
                let (mut p, mut m) = (phi.clone(), phi.clone());
                p[x] += h;
                m[x] -= h;
                let fd =
                    (theory.action(&lat, theta, &p) - theory.action(&lat, theta, &m)) / (2.0 * h);
                assert!(
                    rel_err(force[x], fd) < 1e-6,
                    "{} force at {x} on {dims:?}: {} vs {fd}",
                    T::NAME,
                    force[x]
                );
            }
            // the quadratic part at φ = 0: Hφ vs central differences of the force along φ,
            // and ½ φ·Hφ vs the second difference of the action along φ
            let mut h_phi = vec![0.0; v];
            theory.quadratic_force(&lat, theta, &phi, &mut h_phi);
            let along = |e: f64| phi.iter().map(|p| e * p).collect::<Vec<_>>();
            let (mut fp, mut fm) = (vec![0.0; v], vec![0.0; v]);
            let eps = 1e-4;
            theory.force(&lat, theta, &along(eps), &mut fp);
            theory.force(&lat, theta, &along(-eps), &mut fm);
            for x in 0..v {
                let fd = (fp[x] - fm[x]) / (2.0 * eps);
                assert!(
                    rel_err(h_phi[x], fd) < 1e-6,
                    "{} Hφ at {x} on {dims:?}: {} vs {fd}",
                    T::NAME,
                    h_phi[x]
                );
            }
            // Richardson-extrapolated, so a quartic term leaves no O(ε²) error
            let second = |eps: f64| {
                (theory.action(&lat, theta, &along(eps))
                    - 2.0 * theory.action(&lat, theta, &along(0.0))
                    + theory.action(&lat, theta, &along(-eps)))
                    / (eps * eps)
            };
            let second = (4.0 * second(5e-3) - second(1e-2)) / 3.0;
            let quadratic: f64 = phi.iter().zip(&h_phi).map(|(p, h)| p * h).sum();
            assert!(
                (quadratic - second).abs() < 1e-6 * (1.0 + quadratic.abs()),
                "{} φ·Hφ on {dims:?}: {quadratic} vs {second}",
                T::NAME
            );
            // param_grad vs differences in θ
            let mut grad = vec![0.0; theta.len()];
            theory.param_grad(&lat, theta, &phi, &mut grad);
            for i in 0..theta.len() {
                let (mut tp, mut tm) = (theta.to_vec(), theta.to_vec());
                tp[i] += h;
                tm[i] -= h;
                let fd =
                    (theory.action(&lat, &tp, &phi) - theory.action(&lat, &tm, &phi)) / (2.0 * h);
                assert!(
                    rel_err(grad[i], fd) < 1e-6,
                    "{} ∂S/∂{} on {dims:?}: {} vs {fd}",
                    T::NAME,
                    T::PARAMS[i],
                    grad[i]
                );
            }
            // divergence vs differences of each kernel (only when the divergence is defined)
            if dims.iter().all(|&d| d > 2) {
                let mut div = vec![0.0; nk];
                theory.divergence(&lat, &phi, &mut div);
                let mut kp = vec![0.0; v];
                let mut km = vec![0.0; v];
                for (j, dj) in div.iter().enumerate() {
                    let mut fd = 0.0;
                    for x in 0..v {
                        let (mut p, mut m) = (phi.clone(), phi.clone());
                        p[x] += h;
                        m[x] -= h;
                        theory.kernel(&lat, j, &p, &mut kp);
                        theory.kernel(&lat, j, &m, &mut km);
                        fd += (kp[x] - km[x]) / (2.0 * h);
                    }
                    assert!(
                        rel_err(*dj, fd) < 1e-6,
                        "{} div {} on {dims:?}: {dj} vs {fd}",
                        T::NAME,
                        T::KERNELS[j]
                    );
                }
                // stein = divergence − K·force, and the fused row agrees
                let mut stein = vec![0.0; nk];
                theory.stein(&lat, theta, &phi, &mut stein);
                let mut row = vec![0.0; nk];
                let mut dtheta = vec![0.0; theta.len()];
                theory.wegner_row(&lat, theta, &phi, &mut row, &mut dtheta);
                let mut k = vec![0.0; v];
                for j in 0..nk {
                    theory.kernel(&lat, j, &phi, &mut k);
                    let expected = div[j] - k.iter().zip(&force).map(|(a, b)| a * b).sum::<f64>();
                    assert!(
                        rel_err(stein[j], expected) < 1e-10,
                        "{} stein {}",
                        T::NAME,
                        T::KERNELS[j]
                    );
                    assert!(
                        rel_err(row[j], expected) < 1e-10,
                        "{} wegner row {}",
                        T::NAME,
                        T::KERNELS[j]
                    );
                }
                for i in 0..theta.len() {
                    assert!(
                        rel_err(dtheta[i], grad[i]) < 1e-10,
                        "{} wegner ∂S/∂θ",
                        T::NAME
                    );
                }
                // velocity = Σ k_j K_j, returning Σ k_j ∇·K_j
                let coef: Vec<f64> = (0..nk).map(|_| rng.random_range(-1.0..1.0)).collect();
                let mut vel = vec![0.0; v];
                let vdiv = theory.velocity(&lat, &coef, &phi, &mut vel);
                let mut expected = vec![0.0; v];
                for (j, cj) in coef.iter().enumerate() {
                    theory.kernel(&lat, j, &phi, &mut k);
                    expected
                        .iter_mut()
                        .zip(&k)
                        .for_each(|(e, kj)| *e += cj * kj);
                }
                for x in 0..v {
                    assert!(
                        rel_err(vel[x], expected[x]) < 1e-10,
                        "{} velocity at {x}",
                        T::NAME
                    );
                }
                let expected_div: f64 = coef.iter().zip(&div).map(|(c, d)| c * d).sum();
                assert!(
                    rel_err(vdiv, expected_div) < 1e-10,
                    "{} velocity divergence",
                    T::NAME
                );
            }
        }
    }
}

#[test]
fn phi4_form_a() {
    check_theory(Phi4, &[-4.0, 8.0], 1);
}

#[test]
fn phi4_hopping_form() {
    check_theory(Phi4Hopping, &[0.21, 0.022], 2);
}

#[test]
fn phi4_hopping_form_with_wells() {
    check_theory(
        pirk_theories::Phi4HoppingWells,
        &[0.3, 0.022, 1.7, -0.04, 0.3],
        5,
    );
}

#[test]
fn neighbour_dependent_vector_calls() {
    check_theory(HoppingNeighbours, &[0.27, 0.022, 0.6], 6);
}

#[test]
fn zero_dimensional_phi4() {
    check_theory(ZeroDimPhi4, &[-2.0, 0.5], 3);
}

#[test]
fn sine_gordon() {
    check_theory(SineGordon, &[1.3, 0.8], 4);
}

/// The built-in XY model: a periodic field, sines of whole-number angle differences.
#[test]
fn xy_model() {
    check_theory(pirk_theories::Xy, &[1.1], 16);
}

/// Multi-component fields: the force and the divergence `Σ_a ∂K_{x,a}/∂φ_{x,a}` per value.
#[test]
fn o2_and_o3_models() {
    check_theory(pirk_theories::O2Hopping, &[0.21, 0.4], 17);
    check_theory(pirk_theories::O3Hopping, &[0.18, 0.6], 18);
}

/// Link fields: per value `x · D + μ`, on their own dimension only.
#[test]
fn link_fields() {
    check_theory(theories::links::Links, &[1.3, 0.4], 19);
    check_theory(pirk_theories::U1, &[2.3], 20);
}
