//! Link fields end to end: two-dimensional U(1) gauge theory (`u1`) from the Haar prior with
//! its declared and flux kernels against the exact torus ([`pirk::U1Torus`]) and HMC, the charge
//! histogram, and the card checks that keep site-field pieces away from links.

mod common;

use std::f64::consts::PI;

use common::{assert_valid, command_rejects_card, job, ok, report, with_card};
use pirk::U1Torus;
use serde_json::Value;

fn u1_card(l: usize, beta: f64, extra: &str) -> String {
    format!(
        "theory = \"u1\"\nlattice = [{l}, {l}]\nseed = 5\n\n[target]\nbeta = {beta}\n\n\
         [flow]\nsamples = 600\nsteps = 24\n\n[sample]\ncount = 1200\nsteps = 24\n\n\
         [hmc]\ntrajectories = 3000\nthermalise = 200\nstep = 0.2\nsteps = 10\n{extra}"
    )
}

/// `(mean, err)` of an observable in the report's table at `path`.
fn measured(r: &Value, path: &[&str], name: &str) -> (f64, f64) {
    let m = &path.iter().fold(r, |v, key| &v[key])[name];
    match (m["mean"].as_f64(), m["err"].as_f64()) {
        (Some(mean), Some(err)) => (mean, err),
        _ => panic!("{path:?}: no {name} in {m}"),
    }
}

/// A minimal `u1` card (no prior, no kernels) on 8² at β = 2: the flow from the uniform links
/// with the declared and flux kernels, and HMC, both give the exact plaquette and ⟨Q²⟩; the
/// report names no magnetisation, the histogram is of the charge, and every link angle written
/// is in [−π, π). Measured (seed 5): ESS 0.72; pulls against the exact values −1.9 (plaquette)
/// and −0.2 (⟨Q²⟩) for PIK, −2.1 and +1.2 for HMC.
#[test]
fn u1_minimal_card_matches_the_exact_torus() {
    let beta = 2.0;
    let (dir, card) = with_card(&u1_card(8, beta, ""));
    let out = dir.path().join("out");
    ok(&job("compare", &card, &out, &[]));
    assert_valid(&out);
    let r = report(&out);
    let kernels: Vec<&str> = (r["flow"]["kernels"].as_array().unwrap().iter())
        .map(|k| k.as_str().unwrap())
        .collect();
    assert!(
        kernels.contains(&"plaq") && kernels.contains(&"flux(1)"),
        "{kernels:?}"
    );
    assert!(r["ess"].as_f64().unwrap() > 0.3, "ESS {}", r["ess"]);
    let exact = U1Torus::new(64, beta);
    for path in [&["observables"][..], &["comparison", "hmc_observables"]] {
        for (name, value) in [("plaquette", exact.plaquette()), ("q2", exact.q2())] {
            let (mean, err) = measured(&r, path, name);
            let pull = (mean - value) / err;
            assert!(
                pull.abs() < 4.0,
                "{path:?} {name} = {mean} ± {err} vs exact {value}"
            );
        }
        let (chi_t, _) = measured(&r, path, "chi_t");
        let (q2, _) = measured(&r, path, "q2");
        assert!((chi_t - q2 / 64.0).abs() < 1e-12, "χ_t = ⟨Q²⟩/V");
    }
    assert!(
        r["observables"].get("abs_M").is_none(),
        "{}",
        r["observables"]
    );
    assert!(out.join("charge_histogram.png").exists());
    for sampler in ["PIK", "HMC"] {
        let sectors = r["charge_sectors"][sampler].as_array().unwrap();
        let total: f64 = sectors
            .iter()
            .map(|s| s["fraction"].as_f64().unwrap())
            .sum();
        assert!((total - 1.0).abs() < 1e-12, "{sampler}: {total}");
        assert!(
            sectors.len() >= 3,
            "{sampler} visits Q = 0, ±1: {sectors:?}"
        );
    }
    let theta = common::npy(&out, "ensemble.npy");
    assert_eq!(theta.len(), 1200 * 64 * 2, "two links per site");
    assert!(
        theta.iter().all(|t| (-PI..PI).contains(t)),
        "an angle outside [−π, π)"
    );
}

/// Site-field pieces on a link field, flux kernels elsewhere and the wrong dimension are bad
/// input: one line, exit 2, nothing written.
#[test]
fn link_card_checks() {
    command_rejects_card(
        "run",
        &u1_card(8, 2.0, "").replace("[8, 8]", "[8, 8, 8]"),
        "lattice: theory u1 needs 2 dimensions, the card gives 3",
    );
    command_rejects_card(
        "run",
        &u1_card(
            8,
            2.0,
            "\n[kernels.spins]\nradii = [1.0]\nharmonics = [1]\n",
        ),
        "kernels.spins: theory u1 has a link field",
    );
    command_rejects_card(
        "run",
        "theory = \"xy\"\nlattice = [8, 8]\nseed = 1\n\n[target]\nbeta = 1.0\n\n\
         [kernels]\nflux = [1, 2]\n",
        "kernels.flux: flux kernels are for link fields on two dimensions, and theory xy has none",
    );
    command_rejects_card(
        "run",
        &u1_card(8, 2.0, "\n[kernels]\nflux = [0]\n"),
        "kernels.flux: harmonics must be integers ≥ 1, got 0",
    );
}

/// The acceptance table: minimal cards (seed 1, 2000 samples) on 8² and 16² at β = 1, 2, 4, 6
/// give the exact plaquette and ⟨Q²⟩ within 3σ.
/// `cargo test --release -p pirk-cli --test gauge -- --ignored`
#[test]
#[ignore = "about 5 minutes optimised; cargo test --release -p pirk-cli --test gauge -- --ignored"]
fn u1_matches_the_exact_torus_at_every_point() {
    for l in [8usize, 16] {
        for beta in [1.0, 2.0, 4.0, 6.0] {
            let text = format!(
                "theory = \"u1\"\nlattice = [{l}, {l}]\nseed = 1\n\n[target]\nbeta = {beta}\n\n\
                 [sample]\ncount = 2000\n"
            );
            let (dir, card) = with_card(&text);
            let out = dir.path().join("out");
            ok(&job("run", &card, &out, &[]));
            let r = report(&out);
            let exact = U1Torus::new(l * l, beta);
            for (name, value) in [("plaquette", exact.plaquette()), ("q2", exact.q2())] {
                let (mean, err) = measured(&r, &["observables"], name);
                let pull = (mean - value) / err;
                eprintln!(
                    "L = {l}, β = {beta}: {name} {mean} ± {err} vs {value}, pull {pull:.2}, ESS {}",
                    r["ess"]
                );
                assert!(
                    pull.abs() < 3.0,
                    "L = {l}, β = {beta}: {name} = {mean} ± {err} vs exact {value}"
                );
            }
        }
    }
}
