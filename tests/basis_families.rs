//! The runtime kernel families next to the declared kernels — momentum shells, projected
//! kernels `P_q K_j` (ultralocal declared kernels on the lowest-momentum shells), smeared
//! kernels `G_r ∗ tanh(a G_r ∗ φ)` and, for the XY model's angles, spin-smeared kernels
//! `Σ_y G_r(x − y) sin(n(θ_y − θ_x))` — alone and together: the divergence against finite
//! differences of the velocity, the Stein rows against `∇·K − K·∇S` rebuilt from single-kernel
//! velocities, names that rebuild the basis, and the rejection of projections of kernels that
//! read other sites. On an N-component field (O(3) φ⁴) shells and smeared kernels are vector
//! kernels, one family kernel per component under one coefficient.

#[allow(dead_code)]
mod theories;

use pirk::{Basis, Error, Lattice, Theory};
use pirk_theories::{O3Hopping, Xy};
use theories::hopping::Phi4Hopping;

const THETA: [f64; 2] = [0.27, 0.022];

fn basis(lat: &Lattice) -> Basis<Phi4Hopping> {
    Basis::<Phi4Hopping>::new(lat)
        .with_kernels(&["th1", "hop_th"])
        .unwrap()
        .with_shells(true)
        .with_projected(&Phi4Hopping, &["th1", "damped3"], 5)
        .unwrap()
        .with_smeared(&[1.0, 2.5], &[0.5, 2.0])
}

/// Smeared kernels without shells or projections, which then compute the force themselves.
fn smeared_only(lat: &Lattice) -> Basis<Phi4Hopping> {
    Basis::<Phi4Hopping>::new(lat)
        .with_kernels(&["th1"])
        .unwrap()
        .with_smeared(&[1.5], &[1.0, 3.0])
}

/// The XY model's declared kernels and two of them with spin-smeared kernels.
fn spins(lat: &Lattice) -> [Basis<Xy>; 2] {
    let all = Basis::<Xy>::new(lat).with_spins(&[1.0, 2.5], &[1, 2]);
    let some = Basis::<Xy>::new(lat)
        .with_kernels(&["hop", "far"])
        .unwrap()
        .with_spins(&[1.5], &[3]);
    [all, some]
}

/// O(3) φ⁴'s declared kernels with shells and smeared kernels on each component.
fn components(lat: &Lattice) -> Basis<O3Hopping> {
    Basis::<O3Hopping>::new(lat)
        .with_shells(true)
        .with_smeared(&[1.0, 2.5], &[0.5, 2.0])
}

fn field(v: usize) -> Vec<f64> {
    (0..v)
        .map(|x| ((x * 7919 % 97) as f64 / 97.0 - 0.45) * 2.5)
        .collect()
}

/// `Σ_x ∂v_x/∂φ_x` of the velocity with coefficients `k`, by central differences.
fn fd_divergence<T: Theory>(theory: &T, b: &Basis<T>, k: &[f64], phi: &[f64]) -> f64 {
    let v = phi.len();
    let (mut s, mut up, mut down) = (b.scratch(), vec![0.0; v], vec![0.0; v]);
    let h = 1e-5;
    (0..v)
        .map(|x| {
            let mut p = phi.to_vec();
            p[x] += h;
            b.velocity(theory, k, &p, &mut up, &mut s);
            p[x] -= 2.0 * h;
            b.velocity(theory, k, &p, &mut down, &mut s);
            (up[x] - down[x]) / (2.0 * h)
        })
        .sum()
}

#[test]
fn families_have_the_right_names() {
    let lat = Lattice::new(&[4, 6]);
    let b = basis(&lat);
    let shells = b.names().iter().filter(|n| n.starts_with("shell(")).count();
    assert_eq!(b.len(), 2 + shells + 2 * 5 + 4);
    assert_eq!(b.names()[2 + shells], "th1@shell(0,0)");
    assert!(b.names()[2 + shells + 9].starts_with("damped3@shell("));
    assert_eq!(
        &b.names()[b.len() - 4..],
        [
            "smear(1,0.5)",
            "smear(1,2)",
            "smear(2.5,0.5)",
            "smear(2.5,2)"
        ]
    );
    assert_eq!(
        smeared_only(&lat).names(),
        ["th1", "smear(1.5,1)", "smear(1.5,3)"]
    );
    assert_eq!(spins(&lat)[1].names(), ["hop", "far", "spin(1.5,3)"]);
}

#[test]
fn every_family_has_the_right_divergence_and_rows() {
    let lat = Lattice::new(&[4, 6]);
    check_divergence_and_rows(&Phi4Hopping, &THETA, &basis(&lat), &lat);
    check_divergence_and_rows(&Phi4Hopping, &THETA, &smeared_only(&lat), &lat);
    for b in spins(&lat) {
        check_divergence_and_rows(&Xy, &[0.9], &b, &lat);
    }
    check_divergence_and_rows(&O3Hopping, &THETA, &components(&lat), &lat);
}

/// Projected kernels need a one-component field: the divergence relation they rest on is per
/// site, and a vector kernel's is summed over components.
#[test]
fn components_refuse_projected_kernels() {
    let lat = Lattice::new(&[4, 6]);
    let name = O3Hopping::KERNELS[0];
    assert!(matches!(
        Basis::<O3Hopping>::new(&lat).with_projected(&O3Hopping, &[name], 3),
        Err(Error::InvalidSetting {
            name: "projected",
            ..
        })
    ));
}

fn check_divergence_and_rows<T: Theory>(theory: &T, theta: &[f64], b: &Basis<T>, lat: &Lattice) {
    let v = T::field_len(lat);
    let phi = field(v);
    let mut s = b.scratch();

    let k: Vec<f64> = (0..b.len()).map(|i| 0.3 + 0.1 * (i as f64).sin()).collect();
    let mut out = vec![0.0; v];
    let div = b.velocity(theory, &k, &phi, &mut out, &mut s);
    let fd = fd_divergence(theory, b, &k, &phi);
    assert!((div - fd).abs() < 1e-6 * (1.0 + fd.abs()), "{div} vs {fd}");

    let mut row = vec![0.0; b.len()];
    let theta_dot = vec![0.0; theta.len()];
    b.row(theory, 1.0, theta, &theta_dot, &phi, &mut row, &mut s);
    let mut force = vec![0.0; v];
    theory.force(lat, theta, &phi, &mut force);
    for (i, r) in row.iter().enumerate() {
        let mut unit = vec![0.0; b.len()];
        unit[i] = 1.0;
        let div_i = b.velocity(theory, &unit, &phi, &mut out, &mut s);
        let stein = div_i - out.iter().zip(&force).map(|(a, f)| a * f).sum::<f64>();
        assert!(
            (r - stein).abs() < 1e-9 * (1.0 + stein.abs()),
            "{}: row {r} vs {stein}",
            b.names()[i]
        );
    }
}

#[test]
fn kernels_that_read_other_sites_are_not_projected() {
    let lat = Lattice::new(&[4, 6]);
    for name in ["hop_th", "zm"] {
        let err = Basis::<Phi4Hopping>::new(&lat)
            .with_projected(&Phi4Hopping, &[name], 3)
            .unwrap_err();
        assert!(
            matches!(err, Error::NotUltralocal(ref n) if n == name),
            "{err}"
        );
    }
}

#[test]
fn a_basis_is_rebuilt_from_its_names() {
    let lat = Lattice::new(&[4, 6]);
    for b in [basis(&lat), smeared_only(&lat)] {
        let again = Basis::from_names(&Phi4Hopping, &lat, b.names()).unwrap();
        assert_eq!(again.names(), b.names());
    }
    for b in spins(&lat) {
        let again = Basis::from_names(&Xy, &lat, b.names()).unwrap();
        assert_eq!(again.names(), b.names());
    }
}
