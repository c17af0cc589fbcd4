//! Periodic fields end to end: the XY model from the uniform prior against the exact XY ring,
//! its HMC and O(2) Wolff baselines, the helicity modulus, and the card checks that keep
//! non-periodic pieces away from angles.

mod common;

use std::f64::consts::PI;

use common::{assert_valid, command_rejects_card, job, ok, pirk, report, with_card};
use pirk::XyRing;
use serde_json::Value;

fn ring_card(beta: f64) -> String {
    format!(
        "theory = \"xy\"\nlattice = [16]\nseed = 3\n\n[target]\nbeta = {beta}\n\n\
         [flow]\nsamples = 400\nsteps = 20\n\n[sample]\ncount = 1000\nsteps = 20\n\n\
         [hmc]\ntrajectories = 2000\nthermalise = 100\nstep = 0.2\nsteps = 5\n"
    )
}

/// A minimal XY card on a 16-site ring: the flow from the uniform prior with the declared and
/// spin-smeared kernels (the card names no prior and no kernels) gives the exact log Z and,
/// like HMC, the exact link energy, and every angle written is in [−π, π). Measured (seed 3):
/// ESS 0.929, log Z 33.1785 ± 0.0088 against 33.1810, S/V −0.4487 ± 0.0050 against −0.4464.
#[test]
fn xy_ring_matches_the_exact_solution() {
    let beta = 1.0;
    let (dir, card) = with_card(&ring_card(beta));
    let out = dir.path().join("out");
    ok(&job("compare", &card, &out, &[]));
    let r = report(&out);
    assert_eq!(
        r["flow"]["start"]["settings"]["kind"], "uniform",
        "{}",
        r["flow"]["start"]
    );
    assert!(r["ess"].as_f64().unwrap() > 0.5, "ESS {}", r["ess"]);
    let log_z = &r["log_z"];
    let pull = (log_z["value"].as_f64().unwrap() - XyRing::new(16, beta).log_z())
        / log_z["error"].as_f64().unwrap();
    assert!(
        pull.abs() < 4.0,
        "log Z = {log_z} vs exact {}",
        XyRing::new(16, beta).log_z()
    );
    let exact = -beta * XyRing::new(16, beta).link();
    for sampler in ["observables", "hmc_observables"] {
        let e = if sampler == "observables" {
            &r["observables"]["action_density"]
        } else {
            &r["comparison"]["hmc_observables"]["action_density"]
        };
        let pull = (e["mean"].as_f64().unwrap() - exact) / e["err"].as_f64().unwrap();
        assert!(pull.abs() < 4.0, "{sampler}: S/V = {e} vs exact {exact}");
    }
    let theta = common::npy(&out, "ensemble.npy");
    assert!(
        theta.iter().all(|t| (-PI..PI).contains(t)),
        "an angle outside [−π, π)"
    );
    let (lo, hi) = theta
        .iter()
        .fold((0.0f64, 0.0f64), |(a, b), t| (a.min(*t), b.max(*t)));
    assert!(lo < -3.0 && hi > 3.0, "angles fill the circle: {lo} … {hi}");
}

/// An observable of the report's table at `path` (`["observables"]`,
/// `["comparison", "hmc_observables"]`, …) as (mean, err).
fn measured(r: &Value, path: &[&str], name: &str) -> (f64, f64) {
    let table = path.iter().fold(r, |v, key| &v[key]);
    let m = &table[name];
    match (m["mean"].as_f64(), m["err"].as_f64()) {
        (Some(mean), Some(err)) => (mean, err),
        _ => panic!("{path:?}: no {name} in {table}"),
    }
}

/// The observables tables of PIK, HMC and Wolff in a `compare` report.
const SAMPLERS: [&[&str]; 3] = [
    &["observables"],
    &["comparison", "hmc_observables"],
    &["wolff", "observables"],
];

/// A six-site ring at β = 1.5, where the stiffness is far from 0: every sampler of `compare`
/// (PIK, HMC and the O(2) Wolff clusters) gives the exact link energy, susceptibility and
/// helicity modulus within 4σ, with errors small enough that dropping the current term
/// (Υ would be the link energy, 0.63) or mis-normalising either term would fail.
/// Measured (seed 3), against exact −0.9456, 3.548, 0.3316: PIK −0.949(9), 3.57(4), 0.34(2);
/// HMC −0.931(11), 3.47(5), 0.27(3); Wolff −0.942(14), 3.49(6), 0.32(2).
#[test]
fn xy_ring_samplers_give_the_exact_helicity_modulus() {
    let (l, beta) = (6, 1.5);
    let (dir, card) = with_card(&ring6_card(beta, ""));
    let out = dir.path().join("out");
    let stdout = ok(&job("compare", &card, &out, &[]));
    assert!(
        stdout.contains("Wolff: 4000 updates of O(2) clusters"),
        "{stdout}"
    );
    assert_valid(&out);
    let r = report(&out);
    let exact = [
        ("action_density", -beta * XyRing::new(l, beta).link()),
        ("chi", XyRing::new(l, beta).chi()),
        ("helicity_modulus", XyRing::new(l, beta).helicity_modulus()),
    ];
    for path in SAMPLERS {
        for (name, exact) in exact {
            let (mean, err) = measured(&r, path, name);
            assert!(err < exact.abs() / 5.0, "{path:?} {name}: error {err}");
            assert!(
                (mean - exact).abs() < 4.0 * err,
                "{path:?} {name}: {mean} ± {err} vs exact {exact}"
            );
        }
    }
    let w = &r["wolff"];
    assert_eq!(
        [&w["width"], &w["sweeps"], &w["acceptance"]],
        [&Value::Null; 3],
        "the O(2) update has no Metropolis sweeps: {w}"
    );
    assert_eq!(w["clusters"], 1);
    let fraction = w["cluster_fraction"].as_f64().unwrap();
    assert!(fraction > 0.0 && fraction <= 1.0, "{fraction}");
}

/// The six-site ring card of the Wolff tests, with `extra` appended to `[wolff]`. Its basis
/// is the theory's declared kernels, fixed by the card.
fn ring6_card(beta: f64, extra: &str) -> String {
    format!(
        "theory = \"xy\"\nlattice = [6]\nseed = 3\n\n[target]\nbeta = {beta}\n\n[kernels]\n\n\
         [flow]\nsamples = 400\nsteps = 20\n\n[sample]\ncount = 2000\nsteps = 20\n\n\
         [hmc]\ntrajectories = 4000\nthermalise = 100\nstep = 0.2\nsteps = 5\n\n\
         [wolff]\nupdates = 4000\nthermalise = 100\n{extra}"
    )
}

/// 8² at β = 0.9, on the disordered side of the BKT transition: the flow's ESS is poor there,
/// so `compare` checks the O(2) Wolff chain against HMC (within 4σ on S/V, χ and Υ), and Υ
/// below the BKT jump 2/(πβ). `pirk wolff` on the same card is the same chain.
/// Measured (seed 2): HMC −1.113(7), 28.9(5), 0.467(14); Wolff −1.120(10), 29.2(5), 0.436(14).
#[test]
fn xy_wolff_agrees_with_hmc_on_8x8() {
    let beta = 0.9;
    let text = format!(
        "theory = \"xy\"\nlattice = [8, 8]\nseed = 2\n\n[target]\nbeta = {beta}\n\n[kernels]\n\n\
         [flow]\nsamples = 100\nsteps = 10\n\n[sample]\ncount = 200\nsteps = 10\n\n\
         [hmc]\ntrajectories = 3000\nthermalise = 100\nstep = 0.15\nsteps = 8\n\n\
         [wolff]\nupdates = 3000\nthermalise = 100\n"
    );
    let (dir, card) = with_card(&text);
    let out = dir.path().join("compare");
    ok(&job("compare", &card, &out, &[]));
    assert_valid(&out);
    let r = report(&out);
    for name in ["action_density", "chi", "helicity_modulus"] {
        let (w, w_err) = measured(&r, SAMPLERS[2], name);
        let (h, h_err) = measured(&r, SAMPLERS[1], name);
        let pull = r["wolff"]["pulls"][name].as_f64().unwrap();
        assert!((pull - (w - h) / w_err.hypot(h_err)).abs() < 1e-9);
        assert!(
            pull.abs() < 4.0,
            "{name}: Wolff {w} ± {w_err}, HMC {h} ± {h_err}"
        );
    }
    let (pik, _) = measured(&r, SAMPLERS[0], "helicity_modulus");
    assert!(pik.is_finite());
    let (upsilon, err) = measured(&r, SAMPLERS[2], "helicity_modulus");
    assert!(
        upsilon > 5.0 * err && upsilon + 4.0 * err < 2.0 / (PI * beta),
        "Υ = {upsilon} ± {err}"
    );
    let alone = dir.path().join("wolff");
    let stdout = ok(&job("wolff", &card, &alone, &[]));
    assert!(stdout.contains("helicity_modulus"), "{stdout}");
    assert_valid(&alone);
    let w = report(&alone);
    assert_eq!(w["sampler"], "wolff");
    assert_eq!(w["acceptance"], Value::Null);
    assert_eq!(w["observables"], r["wolff"]["observables"]);
}

/// Relaxing along the path (`[sample] relax`): on 6² at β = 1, where the declared kernels'
/// flow alone has a poor ESS, `relax = "auto"` finds that on its pilot and takes one HMC
/// trajectory per grid time (the `[hmc]` settings); that raises the ESS severalfold, the
/// weighted S/V, χ and Υ agree with HMC within 4σ, and the ensemble is the one `relax = 1`
/// gives, on one thread as on two. Its grid times are balanced by a relaxed pilot
/// (`grid = "even"` keeps them even). Measured (seed 2): ESS 0.023 alone, 0.093 relaxed on the
/// even grid, 0.176 on the balanced one.
#[test]
fn relaxing_along_the_path_keeps_estimates_exact_and_raises_the_ess() {
    let text = |relax: &str| {
        format!(
            "theory = \"xy\"\nlattice = [6, 6]\nseed = 2\n\n[target]\nbeta = 1.0\n\n[kernels]\n\n\
             [flow]\nsamples = 200\nsteps = 20\n\n[sample]\ncount = 1000\nsteps = 20\n{relax}\n\
             [hmc]\ntrajectories = 3000\nthermalise = 100\nstep = 0.2\nsteps = 5\n"
        )
    };
    let (dir, plain) = with_card(&text("relax = 0\n"));
    let alone = dir.path().join("alone");
    ok(&job("run", &plain, &alone, &[]));
    let alone = report(&alone);
    assert_eq!(alone["sampling"]["relax"]["trajectories"], 0);
    assert_eq!(alone["sampling"]["relax"]["pilot_ess"], Value::Null);
    let auto_card = dir.path().join("auto.toml");
    std::fs::write(&auto_card, text("")).unwrap();
    let out = dir.path().join("auto");
    let stdout = ok(&job("compare", &auto_card, &out, &["--threads", "2"]));
    assert_valid(&out);
    let r = report(&out);
    let relax = &r["sampling"]["relax"];
    let pilot_ess = relax["pilot_ess"].as_f64().unwrap();
    assert!(pilot_ess < 0.5, "{relax}");
    assert_eq!(
        relax,
        &serde_json::json!({
            "trajectories": 1, "step": 0.2, "steps": 5, "pilot_ess": pilot_ess, "grid": "balanced"
        })
    );
    assert!(
        stdout.contains(
            "relaxation: 1 HMC trajectory of 0.2 × 5 per configuration at each of the 19 balanced grid times"
        ),
        "{stdout}"
    );
    let (ess, ess_alone) = (r["ess"].as_f64().unwrap(), alone["ess"].as_f64().unwrap());
    assert!(
        ess > 3.0 * ess_alone,
        "ESS {ess} relaxed, {ess_alone} alone"
    );
    for name in ["action_density", "chi", "helicity_modulus"] {
        let (p, p_err) = measured(&r, SAMPLERS[0], name);
        let (h, h_err) = measured(&r, SAMPLERS[1], name);
        assert!(
            (p - h).abs() < 4.0 * p_err.hypot(h_err),
            "{name}: relaxed PIK {p} ± {p_err}, HMC {h} ± {h_err}"
        );
    }
    let one_card = dir.path().join("one.toml");
    std::fs::write(&one_card, text("relax = 1\n")).unwrap();
    let one = dir.path().join("one");
    ok(&job("run", &one_card, &one, &["--threads", "1"]));
    assert_eq!(report(&one)["sampling"]["relax"]["pilot_ess"], Value::Null);
    assert_eq!(
        std::fs::read(one.join("ensemble.npy")).unwrap(),
        std::fs::read(out.join("ensemble.npy")).unwrap()
    );
    // The balanced grid's times, from the relaxed pilot; `grid = "even"` keeps them even.
    let times = |r: &Value| -> Vec<f64> {
        r["sampling"]["ess_along_path"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["t"].as_f64().unwrap())
            .collect()
    };
    let balanced = times(&r);
    assert_eq!((balanced.len(), balanced[0], balanced[20]), (21, 0.0, 1.0));
    assert!(balanced.windows(2).all(|w| w[1] > w[0]), "{balanced:?}");
    assert!(
        (0..=20).any(|m| (balanced[m] - m as f64 / 20.0).abs() > 0.01),
        "{balanced:?}"
    );
    let even_card = dir.path().join("even.toml");
    std::fs::write(&even_card, text("relax = 1\ngrid = \"even\"\n")).unwrap();
    let even = dir.path().join("even");
    ok(&job("run", &even_card, &even, &[]));
    let even = report(&even);
    assert_eq!(even["sampling"]["relax"]["grid"], "even");
    for (m, t) in times(&even).iter().enumerate() {
        assert!((t - m as f64 / 20.0).abs() < 1e-12, "{m}: {t}");
    }
    let ess_even = even["ess"].as_f64().unwrap();
    assert!(ess > ess_even, "ESS {ess} balanced, {ess_even} even");
}

/// Scan points measure Υ at their own β: along the ring's path from β = 0, the point at β = 1
/// (t = 2/3) matches the exact modulus there, which Υ at the target's β = 1.5 would miss by 9σ.
/// So do they when the ensemble relaxes on a balanced grid, which each scan point cuts at its
/// own time.
#[test]
fn scan_points_measure_the_helicity_modulus_at_their_coupling() {
    for sample in ["", "relax = 1\ngrid = \"balanced\"\n"] {
        let text = ring6_card(1.5, "")
            .replace(
                "[flow]\n",
                "[path]\nstart = { beta = 0.0 }\n\n[scan]\npoints = 3\n\n[flow]\n",
            )
            .replace(
                "steps = 20\n\n[hmc]",
                &format!("steps = 20\n{sample}\n[hmc]"),
            );
        let (dir, card) = with_card(&text);
        let out = dir.path().join("out");
        ok(&job("scan", &card, &out, &[]));
        let r = report(&out);
        let points = r["scan"].as_array().unwrap();
        assert_eq!(points.len(), 3);
        for point in points {
            let beta = point["couplings"]["beta"].as_f64().unwrap();
            let (mean, err) = measured(point, &["observables"], "helicity_modulus");
            let exact = XyRing::new(6, beta).helicity_modulus();
            assert!(
                (mean - exact).abs() < 4.0 * err,
                "{sample}β = {beta}: {mean} ± {err} vs exact {exact}"
            );
        }
    }
}

/// `pirk theories` shows the planar embedding that the registration of `xy` gives.
#[test]
fn theories_show_the_planar_embedding() {
    let out = ok(&pirk(&["theories"]));
    let xy = out
        .split("\n\n")
        .find(|block| block.starts_with("xy "))
        .unwrap_or_else(|| panic!("no xy in\n{out}"));
    assert!(xy.contains("\n  wolff:     O(2), β = beta"), "{xy}");
}

/// The O(2) update has neither Metropolis sweeps nor their width, is ferromagnetic only at
/// β ≥ 0, and does not refresh training: each is one line of bad input, nothing written.
#[test]
fn the_planar_wolff_refuses_what_it_does_not_have() {
    for (key, value) in [("sweeps", "2"), ("width", "1.0")] {
        rejects(
            &ring6_card(1.0, &format!("{key} = {value}\n")),
            &format!(
                "wolff.{key}: theory xy's Wolff update reflects O(2) clusters without \
                 Metropolis sweeps"
            ),
        );
    }
    let negative = "wolff: the Wolff cluster needs target beta >= 0, got -0.5";
    rejects(&ring6_card(-0.5, ""), negative);
    command_rejects_card("wolff", &ring_card(-0.5), negative);
    rejects(
        &ring_card(1.0).replace(
            "[flow]\n",
            "[flow]\nrefresh = 2\nrefresh_with = \"wolff\"\n",
        ),
        "flow.refresh_with: the Wolff refresh updates the hopping form (theory = \"hopping\"); \
         theory xy's Wolff embedding is O(2)",
    );
}

fn rejects(card: &str, needle: &str) {
    command_rejects_card("run", card, needle);
}

#[test]
fn a_periodic_field_refuses_gaussian_priors_fourier_kernels_and_tuning() {
    let card = ring_card(1.0);
    rejects(
        &format!("{card}\n[prior]\nkind = \"normal\"\nvariance = 1.0\n"),
        "prior.kind: theory xy has a periodic field",
    );
    rejects(
        &format!("{card}\n[kernels]\nshells = true\n"),
        "kernels.shells: theory xy has a periodic field",
    );
    rejects(
        &format!("{card}\n[kernels]\nsmeared = {{ radii = [1.0], slopes = [1.0] }}\n"),
        "kernels.smeared: theory xy has a periodic field",
    );
    rejects(&format!("{card}\n[tune]\nrounds = 2\n"), "tune.rounds");
}

#[test]
fn spin_kernels_need_radii_and_whole_harmonics() {
    let card = ring_card(1.0);
    let spins = |table: &str| format!("{card}\n[kernels]\nspins = {{ {table} }}\n");
    for (table, needle) in [
        ("radii = [], harmonics = [1]", "kernels.spins.radii: empty"),
        (
            "radii = [1.0, -2.0], harmonics = [1]",
            "kernels.spins.radii: must be finite and positive, got -2",
        ),
        (
            "radii = [nan], harmonics = [1]",
            "kernels.spins.radii: must be finite and positive, got NaN",
        ),
        (
            "radii = [1.0], harmonics = []",
            "kernels.spins.harmonics: empty",
        ),
        (
            "radii = [1.0], harmonics = [1, 0]",
            "kernels.spins.harmonics: must be integers ≥ 1, got 0",
        ),
        ("radii = [1.0], harmonics = [1.5]", "expected u32"),
        ("radii = [1.0], harmonics = [-1]", "expected u32"),
        ("radii = [1.0]", "missing field `harmonics`"),
        (
            "radii = [1.0], harmonics = [1], slopes = [1]",
            "unknown field `slopes`",
        ),
    ] {
        rejects(&spins(table), needle);
    }
}

/// Spin-smeared kernels of a field that is not an angle are refused, in the card's words.
#[test]
fn spin_kernels_are_for_periodic_fields() {
    let card = common::tiny_card().replace(
        "[flow]\n",
        "[kernels.spins]\nradii = [1]\nharmonics = [1]\n\n[flow]\n",
    );
    rejects(
        &card,
        "kernels.spins: spin-smeared kernels are for periodic fields, and theory hopping's is not",
    );
}

#[test]
fn the_uniform_prior_is_only_for_periodic_fields() {
    let card = common::tiny_card().replace(
        "[prior]\nkind = \"free\"\nkinetic = 0.21\nmass = 0.16\n",
        "[prior]\nkind = \"uniform\"\n",
    );
    rejects(
        &card,
        "prior.kind: the uniform prior is for periodic fields",
    );
}
