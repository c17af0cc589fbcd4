//! Reference values from the Wolff cluster + Metropolis sampler, shared by the statistical
//! tests that check a flow against a Markov chain.

use pirk::{Estimate, GammaMethod, Hopping, Lattice, Metropolis, Wolff, magnetisation};

/// ⟨f(M)⟩ of a Wolff run of `updates` on `l²` hopping φ⁴ at `couplings`, with the first 10 %
/// discarded and a Γ-method error.
pub fn wolff_mean(
    l: usize,
    couplings: Hopping,
    updates: usize,
    f: impl Fn(f64) -> f64,
) -> Estimate {
    let lat = Lattice::new(&[l, l]);
    let mut phi = vec![0.0; lat.volume()];
    let mut series = Vec::new();
    Wolff::new()
        .with_updates(updates)
        .unwrap()
        .with_metropolis(Metropolis::new().with_width(1.5).unwrap())
        .with_seed(5)
        .run(&couplings, &lat, &mut phi, |c| {
            series.push(f(magnetisation(c)))
        });
    GammaMethod::new().analyse(&series[updates / 10..]).mean
}
