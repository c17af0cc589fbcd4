//! The hand-written test theories against finite differences, and the prior check.

mod common;

use common::{Hopping, ZeroDim};
use pirk_core::{
    Error, FreeFieldPrior, Lattice, NormalPrior, Prior, Theory, check_prior, stream_rng,
};

fn fd_check<T: Theory>(theory: &T, lat: &Lattice, theta: &[f64], phi: &[f64]) {
    let v = lat.volume();
    let h = 1e-6;
    let mut force = vec![0.0; v];
    theory.force(lat, theta, phi, &mut force);
    for x in 0..v {
        let (mut p, mut m) = (phi.to_vec(), phi.to_vec());
        p[x] += h;
        m[x] -= h;
        let fd = (theory.action(lat, theta, &p) - theory.action(lat, theta, &m)) / (2.0 * h);
        assert!(
            (fd - force[x]).abs() < 1e-6 * (1.0 + fd.abs()),
            "force x={x}: {fd} vs {}",
            force[x]
        );
    }
    let mut grad = vec![0.0; theta.len()];
    theory.param_grad(lat, theta, phi, &mut grad);
    for i in 0..theta.len() {
        let (mut p, mut m) = (theta.to_vec(), theta.to_vec());
        p[i] += h;
        m[i] -= h;
        let fd = (theory.action(lat, &p, phi) - theory.action(lat, &m, phi)) / (2.0 * h);
        assert!(
            (fd - grad[i]).abs() < 1e-6 * (1.0 + fd.abs()),
            "param {i}: {fd} vs {}",
            grad[i]
        );
    }
    let nk = T::KERNELS.len();
    let mut div = vec![0.0; nk];
    theory.divergence(lat, phi, &mut div);
    let mut stein = vec![0.0; nk];
    theory.stein(lat, theta, phi, &mut stein);
    let (mut kp, mut km, mut k0) = (vec![0.0; v], vec![0.0; v], vec![0.0; v]);
    for j in 0..nk {
        let mut fd = 0.0;
        for x in 0..v {
            let (mut p, mut m) = (phi.to_vec(), phi.to_vec());
            p[x] += h;
            m[x] -= h;
            theory.kernel(lat, j, &p, &mut kp);
            theory.kernel(lat, j, &m, &mut km);
            fd += (kp[x] - km[x]) / (2.0 * h);
        }
        assert!(
            (fd - div[j]).abs() < 1e-6 * (1.0 + fd.abs()),
            "div {j}: {fd} vs {}",
            div[j]
        );
        theory.kernel(lat, j, phi, &mut k0);
        let l = div[j] - k0.iter().zip(&force).map(|(a, b)| a * b).sum::<f64>();
        assert!((l - stein[j]).abs() < 1e-10 * (1.0 + l.abs()));
    }
    let k: Vec<f64> = (0..nk).map(|j| 0.3 + j as f64).collect();
    let mut vel = vec![0.0; v];
    let vdiv = theory.velocity(lat, &k, phi, &mut vel);
    let edv: f64 = k.iter().zip(&div).map(|(a, b)| a * b).sum();
    assert!((vdiv - edv).abs() < 1e-10 * (1.0 + edv.abs()));
}

#[test]
fn zero_dim_derivatives_match_finite_differences() {
    let lat = Lattice::new(&[]);
    for phi in [-2.3, 0.1, 1.7] {
        fd_check(&ZeroDim, &lat, &[-0.7, 0.4], &[phi]);
    }
}

#[test]
fn hopping_derivatives_match_finite_differences() {
    let lat = Lattice::new(&[4, 3]);
    let prior = NormalPrior::new(lat.volume());
    let mut phi = vec![0.0; lat.volume()];
    prior.sample(&mut stream_rng(3, 0), &mut phi);
    fd_check(&Hopping, &lat, &[0.21, 0.022], &phi);
}

#[test]
fn prior_check_accepts_matching_and_names_mismatch() {
    let lat = Lattice::new(&[6, 6]);
    let kappa = 0.21;
    let prior = FreeFieldPrior::new(&lat, kappa, 1.0 - 4.0 * kappa).unwrap();
    let c = check_prior(&Hopping, &lat, &[kappa, 0.0], &prior, 1).unwrap();
    assert!(c.abs() < 1e-9);
    let err = check_prior(&Hopping, &lat, &[0.2, 0.0], &prior, 1).unwrap_err();
    assert!(matches!(err, Error::PriorMismatch { .. }), "{err}");
    assert!(err.to_string().contains("prior does not match"));
    let zero = Lattice::new(&[]);
    assert!(check_prior(&ZeroDim, &zero, &[1.0, 0.0], &NormalPrior::new(1), 2).is_ok());
    assert!(check_prior(&ZeroDim, &zero, &[1.0, 0.1], &NormalPrior::new(1), 2).is_err());
}
