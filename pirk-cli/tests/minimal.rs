//! Minimal cards (`theory`, `lattice`, `seed`, `[target]` and a sample count): the prior from
//! the action's quadratic part, switched off along a path that stays at the target, against
//! exact answers. Statistical smoke tests; every comparison is at 3σ.

mod common;

use common::{job, ok, report, with_card};
use pirk::{GammaMethod, Hopping, Lattice, Metropolis, Wolff, magnetisation, quadrature};
use pirk_theories::ZeroDimPhi4;

/// `(mean, err)` of an observable in a report.
fn observable(r: &serde_json::Value, name: &str) -> (f64, f64) {
    let o = &r["observables"][name];
    (o["mean"].as_f64().unwrap(), o["err"].as_f64().unwrap())
}

/// The one-site double well from a minimal card: the prior is the Gaussian nearest the theory
/// (its quadratic part `m2/2 φ²` is unstable), switched off along the path; ⟨φ²⟩ against
/// quadrature.
#[test]
fn zero_dimensional_double_well_matches_quadrature() {
    let (dir, card) = with_card(
        "theory = \"phi4-0d\"\nlattice = []\nseed = 3\n\n[target]\nm2 = -2.0\nlambda = 0.5\n\n\
         [sample]\ncount = 4000\n",
    );
    let out = dir.path().join("out");
    ok(&job("run", &card, &out, &[]));
    let r = report(&out);
    let start = &r["flow"]["start"];
    assert_eq!(start["prior"], "action");
    assert_eq!(start["quadratic_part"]["mass"].as_f64(), Some(-1.0));
    assert_eq!(start["switched_off"], true);
    let (exact, _) = quadrature(&ZeroDimPhi4, &[-2.0, 0.5], 12.0, &[2]);
    let (mean, err) = observable(&r, "M2");
    assert!(
        (mean - exact[0]).abs() < 3.0 * err,
        "⟨φ²⟩ {mean} ± {err} vs {}",
        exact[0]
    );
}

/// Hopping φ⁴ on 8² at κ = 0.2709 (near κ_c) from a minimal card, against a Wolff run.
/// About 15 minutes in a debug build, so run it optimised:
/// `cargo test --release -p pirk-cli --test minimal -- --ignored`.
#[test]
#[ignore = "slow in a debug build; cargo test --release -p pirk-cli --test minimal -- --ignored"]
fn near_critical_eight_squared_matches_wolff() {
    near_critical_eight_squared("[sample]\ncount = 2000\n", 100_000);
}

/// The same card with smaller training, pilots and ensemble, tuning included: the default
/// suite's statistical smoke test.
#[test]
fn near_critical_eight_squared_smoke() {
    near_critical_eight_squared(
        "[flow]\nsteps = 20\nsamples = 400\n\n[tune]\nsamples = 200\n\n[sample]\ncount = 800\n",
        40_000,
    );
}

/// A minimal 8², κ = 0.2709 card with `settings` appended: ESS above 0.3, ⟨|M|⟩ and ⟨M²⟩
/// within 3σ of a Wolff chain of `updates` updates, and the tuning recorded.
fn near_critical_eight_squared(settings: &str, updates: usize) {
    let (kappa, lambda) = (0.2709, 0.022);
    let (dir, card) = with_card(&format!(
        "theory = \"hopping\"\nlattice = [8, 8]\nseed = 1\n\n[target]\nkappa = {kappa}\n\
         lambda = {lambda}\n\n{settings}"
    ));
    let out = dir.path().join("out");
    ok(&job("run", &card, &out, &[]));
    let r = report(&out);
    assert!(r["ess"].as_f64().unwrap() > 0.3, "ESS {}", r["ess"]);
    assert!(!r["tuning"]["rounds"].as_array().unwrap().is_empty());
    let lat = Lattice::new(&[8, 8]);
    let (mut abs_m, mut m2) = (Vec::new(), Vec::new());
    let mut phi = vec![0.0; lat.volume()];
    Wolff::new()
        .with_updates(updates)
        .unwrap()
        .with_metropolis(Metropolis::new().with_width(1.5).unwrap())
        .with_seed(11)
        .run(&Hopping { kappa, lambda }, &lat, &mut phi, |c| {
            let m = magnetisation(c);
            abs_m.push(m.abs());
            m2.push(m * m);
        });
    let gamma = GammaMethod::new();
    let keep = updates / 10..;
    let wolff_abs_m = gamma.analyse(&abs_m[keep.clone()]).mean;
    let wolff_m2 = gamma.analyse(&m2[keep]).mean;
    for (name, (value, error)) in [
        ("abs_M", (wolff_abs_m.value, wolff_abs_m.error)),
        ("M2", (wolff_m2.value, wolff_m2.error)),
    ] {
        let (mean, err) = observable(&r, name);
        let combined = (err * err + error * error).sqrt();
        assert!(
            (mean - value).abs() < 3.0 * combined,
            "{name}: {mean} ± {err} vs Wolff {value} ± {error}"
        );
    }
}
