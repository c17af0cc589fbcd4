//! HMC on the generated hopping φ⁴: reversibility, the ε² scaling of ⟨|ΔH|⟩, and
//! ⟨e^{−ΔH}⟩ = 1 along a chain.

#[allow(dead_code)]
mod theories;

use pirk::{FreeFieldPrior, Hmc, Integrator, Lattice, Prior, hamiltonian, stream_rng};
use theories::hopping::Phi4Hopping;

const THETA: [f64; 2] = [0.21, 0.022];

fn start(lat: &Lattice, seed: u64) -> Vec<f64> {
    let prior = FreeFieldPrior::new(lat, 0.21, 0.16).unwrap();
    let mut phi = vec![0.0; lat.volume()];
    prior.sample(&mut stream_rng(seed, 0), &mut phi);
    phi
}

fn integrators() -> [Integrator; 2] {
    [Integrator::Leapfrog, Integrator::Omelyan { lambda: 0.1932 }]
}

#[test]
fn trajectories_are_reversible() {
    let lat = Lattice::new(&[6, 6]);
    for integrator in integrators() {
        let hmc = Hmc::new()
            .with_integrator(integrator)
            .with_step(0.1)
            .unwrap()
            .with_steps(20)
            .unwrap();
        let phi0 = start(&lat, 1);
        let pi0: Vec<f64> = (0..lat.volume())
            .map(|x| ((x * 7 % 11) as f64 - 5.0) / 5.0)
            .collect();
        let (mut phi, mut pi) = (phi0.clone(), pi0.clone());
        hmc.integrate(&Phi4Hopping, &lat, &THETA, &mut phi, &mut pi);
        pi.iter_mut().for_each(|p| *p = -*p);
        hmc.integrate(&Phi4Hopping, &lat, &THETA, &mut phi, &mut pi);
        let dphi = phi
            .iter()
            .zip(&phi0)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        let dpi = pi
            .iter()
            .zip(&pi0)
            .map(|(a, b)| (a + b).abs())
            .fold(0.0, f64::max);
        assert!(
            dphi < 1e-10 && dpi < 1e-10,
            "{integrator:?}: {dphi:e} {dpi:e}"
        );
    }
}

#[test]
fn energy_violation_scales_as_eps_squared() {
    let lat = Lattice::new(&[6, 6]);
    for integrator in integrators() {
        let mean_dh = |eps: f64| -> f64 {
            // Fixed trajectory length 1, averaged over many starts (|ΔH| per trajectory ∝ ε²).
            let steps = (1.0 / eps).round() as usize;
            let hmc = Hmc::new()
                .with_integrator(integrator)
                .with_step(eps)
                .unwrap()
                .with_steps(steps)
                .unwrap();
            let mut total = 0.0;
            for s in 0..40 {
                let mut phi = start(&lat, 100 + s);
                let mut pi: Vec<f64> = {
                    let q = FreeFieldPrior::new(&lat, 0.0, 0.5).unwrap();
                    let mut p = vec![0.0; lat.volume()];
                    q.sample(&mut stream_rng(200 + s, 0), &mut p);
                    p
                };
                let h0 = hamiltonian(&Phi4Hopping, &lat, &THETA, &phi, &pi);
                hmc.integrate(&Phi4Hopping, &lat, &THETA, &mut phi, &mut pi);
                total += (hamiltonian(&Phi4Hopping, &lat, &THETA, &phi, &pi) - h0).abs();
            }
            total / 40.0
        };
        let (a, b) = (mean_dh(0.2), mean_dh(0.1));
        let ratio = a / b;
        eprintln!("{integrator:?}: <|dH|> {a:.3e} (eps 0.2) {b:.3e} (eps 0.1) ratio {ratio:.3}");
        assert!((3.0..5.5).contains(&ratio), "{integrator:?}: ratio {ratio}");
    }
}

#[test]
fn hmc_chain_accepts_and_conserves_exp_dh() {
    let lat = Lattice::new(&[6, 6]);
    let mut phi = start(&lat, 9);
    let report = Hmc::new()
        .with_step(0.2)
        .unwrap()
        .with_steps(5)
        .unwrap()
        .with_trajectories(400)
        .unwrap()
        .run(&Phi4Hopping, &lat, &THETA, &mut phi, |_| {});
    eprintln!(
        "HMC 6x6: acceptance {:.3}, <exp(-dH)> {}, <dH> {:.2e}",
        report.acceptance, report.exp_dh, report.mean_dh
    );
    assert!(report.acceptance > 0.8);
    assert!((report.exp_dh.value - 1.0).abs() < 4.0 * report.exp_dh.error + 1e-3);
}
