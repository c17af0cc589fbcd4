//! A path that switches its prior off at run time against one whose theory declares the
//! switched-off terms as couplings: hopping φ⁴ from the zero-mode prior with the runtime's
//! offset, and `hopping-wells`, whose `zm_mass`, `zm_quartic` couplings go linearly to zero, have
//! the same actions `S_t`, so their Wegner systems must agree to rounding.

use std::sync::Arc;

use pirk::{Basis, Lattice, Path, Prior, PriorOffset, WegnerSolver, ZeroModePrior, stream_rng};
use pirk_theories::{Phi4Hopping, Phi4HoppingWells};

#[test]
fn runtime_offset_equals_declared_zero_mode_couplings() {
    let lat = Lattice::new(&[6, 5]);
    let (kappa0, mu, g) = (0.24, -0.3, 0.2);
    let prior = ZeroModePrior::new(&lat, kappa0, 1.0 - 4.0 * kappa0, mu, g).unwrap();
    let kernels = ["th_q", "th1", "d3_1", "hop_sech", "zm1", "zm_d3"];
    let declared = Path::linear(&[kappa0, 0.0, 0.0, mu, g], &[0.27, 0.022, 0.0, 0.0, 0.0]).unwrap();
    let switched = Path::linear(&[kappa0, 0.0], &[0.27, 0.022]).unwrap();
    let wells = Basis::<Phi4HoppingWells>::new(&lat)
        .with_kernels(&kernels)
        .unwrap()
        .with_shells(true)
        .with_smeared(&[1.0, 2.0], &[0.5, 1.0]);
    let offset = PriorOffset::new(Phi4Hopping, prior.clone(), &lat, switched.start());
    let hopping = Basis::<Phi4Hopping>::new(&lat)
        .with_kernels(&kernels)
        .unwrap()
        .with_shells(true)
        .with_smeared(&[1.0, 2.0], &[0.5, 1.0])
        .with_offset(Arc::new(offset));
    assert_eq!(wells.names(), hopping.names());
    let v = lat.volume();
    let mut phi = vec![0.0; 40 * v];
    for (i, c) in phi.chunks_mut(v).enumerate() {
        prior.sample(&mut stream_rng(3, i as u64), c);
    }
    let solver = WegnerSolver::new();
    for t in [0.0, 0.3, 0.75, 1.0] {
        let (a1, b1) = solver.assemble(&Phi4HoppingWells, &wells, &declared, t, &phi);
        let (a2, b2) = solver.assemble(&Phi4Hopping, &hopping, &switched, t, &phi);
        for (x, y) in a1.iter().zip(&a2).chain(b1.iter().zip(&b2)) {
            assert!(
                (x - y).abs() < 1e-10 * (1.0 + x.abs()),
                "t = {t}: {x} vs {y}"
            );
        }
    }
}
