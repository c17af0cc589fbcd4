//! Minimal cards (`theory`, `lattice`, `seed`, `[target]` and a sample count): the prior from
//! the action's quadratic part, switched off along a path that stays at the target, against
//! exact answers. Statistical smoke tests; every comparison is at 3σ.

mod common;

use common::{job, ok, report, with_card};
use pirk::{
    GammaMethod, Hopping, Jackknife, Lattice, Metropolis, Wolff, binder, magnetisation, quadrature,
    susceptibility,
};
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
    matches_wolff(8, 0.2709, "[sample]\ncount = 2000\n", 100_000);
}

/// The same card with smaller training, pilots and ensemble, tuning included: the default
/// suite's statistical smoke test.
#[test]
fn near_critical_eight_squared_smoke() {
    matches_wolff(
        8,
        0.2709,
        "[flow]\nsteps = 20\nsamples = 400\n\n[tune]\nsamples = 200\n\n[sample]\ncount = 800\n",
        40_000,
    );
}

/// docs/physics.md's 16² table of minimal cards (`[sample] count = 2000`) at every κ from the
/// symmetric phase through κ_c to the broken phase, each against its own Wolff chain. About
/// 10 minutes optimised: `cargo test --release -p pirk-cli --test minimal -- --ignored`.
#[test]
#[ignore = "about 10 minutes optimised; cargo test --release -p pirk-cli --test minimal -- --ignored"]
fn sixteen_squared_table_matches_wolff() {
    for kappa in [0.21, 0.25, 0.26, 0.27, 0.2709, 0.28, 0.29, 0.5] {
        matches_wolff(16, kappa, "[sample]\ncount = 2000\n", 200_000);
    }
}

/// A minimal `side`² hopping card at `kappa` (λ = 0.022) with `settings` appended: ESS above
/// 0.3, ⟨|M|⟩, ⟨M²⟩, χ and U within 3σ of a Wolff chain of `updates` updates (the first tenth
/// discarded), and the tuning recorded.
fn matches_wolff(side: usize, kappa: f64, settings: &str, updates: usize) {
    let lambda = 0.022;
    let (dir, card) = with_card(&format!(
        "theory = \"hopping\"\nlattice = [{side}, {side}]\nseed = 1\n\n[target]\nkappa = {kappa}\n\
         lambda = {lambda}\n\n{settings}"
    ));
    let out = dir.path().join("out");
    ok(&job("run", &card, &out, &[]));
    let r = report(&out);
    assert!(
        r["ess"].as_f64().unwrap() > 0.3,
        "κ = {kappa}: ESS {}",
        r["ess"]
    );
    assert!(!r["tuning"]["rounds"].as_array().unwrap().is_empty());
    let lat = Lattice::new(&[side, side]);
    let mut m = Vec::new();
    let mut phi = vec![0.0; lat.volume()];
    Wolff::new()
        .with_updates(updates)
        .unwrap()
        .with_metropolis(Metropolis::new().with_width(1.5).unwrap())
        .with_seed(11)
        .run(&Hopping { kappa, lambda }, &lat, &mut phi, |c| {
            m.push(magnetisation(c))
        });
    let m = &m[updates / 10..];
    let gamma = GammaMethod::new();
    let mean = |f: fn(f64) -> f64| {
        let a = gamma
            .analyse(&m.iter().map(|&x| f(x)).collect::<Vec<_>>())
            .mean;
        (a.value, a.error)
    };
    let jk = Jackknife::new();
    let chi = susceptibility(m, lat.volume(), None, &jk);
    let u = binder(m, None, &jk);
    for (name, (value, error)) in [
        ("abs_M", mean(f64::abs)),
        ("M2", mean(|x| x * x)),
        ("chi", (chi.value, chi.error)),
        ("binder", (u.value, u.error)),
    ] {
        let (mean, err) = observable(&r, name);
        let combined = (err * err + error * error).sqrt();
        assert!(
            (mean - value).abs() < 3.0 * combined,
            "κ = {kappa}, {name}: {mean} ± {err} vs Wolff {value} ± {error}"
        );
    }
}
