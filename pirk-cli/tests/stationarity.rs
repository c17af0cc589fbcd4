//! The stationarity check: HMC trajectories from every generated configuration, in the report,
//! the summary and (when a weighted observable shifts) a warning. Its calibration on a correct
//! flow over seeds is in `calibration.rs`.

mod common;

use common::{job, ok, report, tiny_card, with_card};

/// 16² hopping φ⁴ at κ = 0.2709 from a free field at κ₀ = 0.24 with twelve declared kernels and
/// the shells, no smeared kernels, no refresh: the flow never reaches the large |M| of the
/// target (χ ≈ 200 in a 20 000-update Wolff run, docs/physics.md) and reports χ ≈ 35.
const MISSES_THE_MODE: &str = r#"theory = "hopping"
lattice = [16, 16]
seed = 1

[target]
kappa = 0.2709
lambda = 0.022

[prior]
kind = "free"
kinetic = 0.24
mass = 0.04

[path]
start = { kappa = 0.24, lambda = 0.0 }

[kernels]
declared = ["th_q", "th_half", "th1", "th2", "d3_1", "d3_4", "hop", "hop_sech", "th_hop", "rat", "zm1", "zm2"]
shells = true

[flow]
steps = 20
samples = 1000

[sample]
count = 1000
"#;

/// The flow that misses the collective mode: HMC moves its configurations' |M| and |M|²
/// outward by many errors, so the job flags it, in the report, the summary and a warning.
#[test]
fn a_flow_that_misses_the_collective_mode_is_flagged() {
    let (dir, card) = with_card(MISSES_THE_MODE);
    let out = dir.path().join("out");
    let run = job("run", &card, &out, &[]);
    let stdout = ok(&run);
    let r = report(&out);
    let chi = r["observables"]["chi"]["mean"].as_f64().unwrap();
    assert!(
        chi < 100.0,
        "the premise: the flow misses the mode, χ = {chi}"
    );
    let c = &r["sampling"]["stationarity"];
    assert_eq!(c["flagged"], true, "{c}");
    assert_eq!(c["configurations"], 1000);
    let shifts = c["shifts"].as_array().unwrap();
    let z = |name: &str| {
        let s = shifts.iter().find(|s| s["name"] == name).unwrap();
        s["z"].as_f64().unwrap()
    };
    assert!(z("abs_M") > 3.0 && z("M2") > 3.0, "{c}");
    assert!(
        stdout.contains("stationarity: 10 HMC trajectories"),
        "{stdout}"
    );
    assert!(stdout.contains("flagged (a shift above 3σ)"), "{stdout}");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("the flow misses mass of the target"),
        "{stderr}"
    );
}

/// The tiny card's flow is right: every configuration was checked, HMC moved them, no shift
/// stands out, and the summary says so; `[sample] hmc_check = 0` skips the check.
#[test]
fn a_correct_flow_passes_and_the_check_can_be_skipped() {
    let (dir, card) = with_card(&tiny_card());
    let out = dir.path().join("out");
    let stdout = ok(&job("run", &card, &out, &[]));
    let c = &report(&out)["sampling"]["stationarity"];
    assert_eq!(c["trajectories"], 10);
    assert_eq!(c["configurations"], 400);
    assert!(c["moved"].as_f64().unwrap() > 0.5, "{c}");
    let names: Vec<&str> = (c["shifts"].as_array().unwrap().iter())
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["abs_M", "M2", "action_density"]);
    for s in c["shifts"].as_array().unwrap() {
        let (change, error) = (s["change"].as_f64().unwrap(), s["error"].as_f64().unwrap());
        assert!(error > 0.0 && (change / error - s["z"].as_f64().unwrap()).abs() < 1e-12);
        assert!(s["z"].as_f64().unwrap().abs() < 3.0, "{s}");
    }
    assert_eq!(c["flagged"], false);
    assert!(stdout.contains("; not flagged"), "{stdout}");

    let skip = dir.path().join("skip.toml");
    std::fs::write(
        &skip,
        tiny_card().replace("chunk = 100", "chunk = 100\nhmc_check = 0"),
    )
    .unwrap();
    let out = dir.path().join("skipped");
    let stdout = ok(&job("run", &skip, &out, &[]));
    assert!(report(&out)["sampling"]["stationarity"].is_null());
    assert!(!stdout.contains("stationarity:"), "{stdout}");
}

/// A scan checks every point with HMC at that point's couplings: each is checked on all its
/// configurations, measured at its couplings and weighted by its own weights (`before` is the
/// point's reweighted ⟨|M|⟩, ⟨M²⟩ and S/V), and
/// none of the tiny card's correct points is flagged (HMC at the target's couplings would move
/// the early points' configurations); the last point is the target's check.
#[test]
fn every_scan_point_is_checked_at_its_couplings() {
    let (dir, card) = with_card(&tiny_card());
    let out = dir.path().join("scan");
    let stdout = ok(&job("scan", &card, &out, &[]));
    let r = report(&out);
    let points = r["scan"].as_array().unwrap();
    assert_eq!(points.len(), 3);
    for p in points {
        let c = &p["stationarity"];
        assert_eq!(c["configurations"], 400, "{p}");
        assert_eq!(c["flagged"], false, "{p}");
        for shift in c["shifts"].as_array().unwrap() {
            let before = shift["before"].as_f64().unwrap();
            let name = shift["name"].as_str().unwrap();
            let mean = p["errors"]["other_observables"][name]["mean"]
                .as_f64()
                .unwrap();
            assert!(
                (before - mean).abs() < 1e-9 * mean.abs(),
                "{name}: {before} vs {mean}"
            );
        }
    }
    assert_eq!(points[2]["stationarity"], r["sampling"]["stationarity"]);
    assert!(stdout.contains("HMC z"), "{stdout}");
}
