//! Every command's success path on the tiny card, checking the files each one writes.

mod common;

use common::{entries, job, magnetisations, npy, ok, pirk, report, tiny_card, with_card};

#[test]
fn theories_lists_every_builtin_with_couplings_and_kernels() {
    let out = ok(&pirk(&["theories"]));
    for name in ["phi4", "hopping", "phi4-0d", "sine-gordon"] {
        assert!(out.contains(name), "{name} missing from\n{out}");
    }
    assert!(out.contains("couplings: kappa, lambda"));
    assert!(out.contains("kernels:   id, th_q"));
}

/// The Wolff embeddings come from the registration: the hopping form as such, inside
/// hopping-wells where its zero-mode potential is off, xy's planar one and the O(N) ones.
#[test]
fn theories_show_their_wolff_embeddings() {
    let out = ok(&pirk(&["theories"]));
    assert_eq!(out.matches("  wolff:").count(), 5, "{out}");
    assert!(
        out.contains("wolff:     O(2), κ = kappa, λ = lambda\n"),
        "{out}"
    );
    assert!(
        out.contains("wolff:     O(3), κ = kappa, λ = lambda\n"),
        "{out}"
    );
    assert!(out.contains("wolff:     κ = kappa, λ = lambda\n"), "{out}");
    assert!(out.contains("wolff:     O(2), β = beta\n"), "{out}");
    assert!(
        out.contains("wolff:     κ = kappa, λ = lambda where wells = zm_mass = zm_quartic = 0")
    );
}

#[test]
fn expand_prints_the_generated_impl() {
    let out = ok(&pirk(&["expand", "hopping"]));
    assert!(out.contains("impl ::pirk::Theory for Phi4Hopping"));
    assert!(out.contains("fn wegner_row"));
}

#[test]
fn run_writes_report_ensemble_flow_and_plots() {
    let (dir, card) = with_card(&tiny_card());
    let out = dir.path().join("out");
    let stdout = ok(&job("run", &card, &out, &[]));
    assert!(
        stdout.contains("ESS") && stdout.contains("abs_M"),
        "{stdout}"
    );
    let mut expected = vec![
        "card.toml",
        "ensemble.npy",
        "flow.json",
        "log_weights.npy",
        "magnetisation_histogram.png",
        "magnetisation_histogram.svg",
        "mh_acceptance.png",
        "mh_acceptance.svg",
        "report.json",
        "wegner_residual.png",
        "wegner_residual.svg",
    ];
    expected.sort();
    assert_eq!(entries(&out), expected);
    assert_eq!(
        entries(dir.path()),
        vec!["card.toml", "out"],
        "no staging left behind"
    );
    // The card is kept as read, and listed among the files.
    assert_eq!(
        std::fs::read(out.join("card.toml")).unwrap(),
        std::fs::read(&card).unwrap()
    );
    let r = report(&out);
    let files = r["files"].as_array().unwrap();
    assert!(
        files.iter().any(|f| f["files"][0] == "card.toml"),
        "{files:?}"
    );
    assert_eq!(r["command"], "run");
    assert_eq!(r["sampler"], "pik-mh");
    assert!(r["ess"].as_f64().unwrap() > 0.5, "{}", r["ess"]);
    assert!(r["acceptance"].as_f64().unwrap() > 0.5);
    assert_eq!(r["rejected_non_finite"], 0);
    assert!(r["observables"]["abs_M"]["err"].as_f64().unwrap() > 0.0);
    // The tail diagnostic is the one of the written log-weights, and light for this flow.
    let k = r["pareto_k"].as_f64().unwrap();
    assert_eq!(Some(k), pirk::pareto_k(&npy(&out, "log_weights.npy")));
    assert!(k < 0.7, "Pareto k̂ {k}");
    assert!(stdout.contains(&format!("Pareto k̂ {k:.2}")), "{stdout}");
    // The |M| profile covers every generated configuration in ascending, disjoint bins.
    let profile = &r["sampling"]["log_weight_by_abs_m"];
    let bins = profile["bins"].as_array().unwrap();
    let counts: u64 = bins.iter().map(|b| b["count"].as_u64().unwrap()).sum();
    assert_eq!(
        (bins.len(), counts),
        (8, r["sampling"]["count"].as_u64().unwrap())
    );
    let edges: Vec<f64> = bins
        .iter()
        .flat_map(|b| [b["lo"].as_f64().unwrap(), b["hi"].as_f64().unwrap()])
        .collect();
    assert!(
        edges[0] >= 0.0 && edges.windows(2).all(|e| e[0] <= e[1]),
        "{edges:?}"
    );
    let explained = profile["explained"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&explained), "{explained}");
    // The tilt matches the moments of the stationarity check's moved configurations, as the
    // tuning's does: the written configurations reweighted by e^{−V(μ M² + g M⁴)} have the
    // weighted ⟨M²⟩ after the check's trajectories (`before + change` of its `M2` shift), not
    // their own (`before`).
    let tilt = &r["sampling"]["zero_mode_tilt"];
    assert_eq!(tilt["fit"], "moments", "light weights: the moment fit");
    let check = &r["sampling"]["stationarity"];
    assert_eq!(
        check["configurations"], r["sampling"]["count"],
        "all checked"
    );
    let m2 = (check["shifts"].as_array().unwrap().iter())
        .find(|s| s["name"] == "M2")
        .unwrap();
    let (before, change) = (
        m2["before"].as_f64().unwrap(),
        m2["change"].as_f64().unwrap(),
    );
    let (mu, g) = (
        tilt["zm_mass"].as_f64().unwrap(),
        tilt["zm_quartic"].as_f64().unwrap(),
    );
    let m = magnetisations(&out, 64);
    assert!(npy(&out, "log_weights.npy").iter().all(|w| w.is_finite()));
    let factor: Vec<f64> = (m.iter())
        .map(|m| (-64.0 * (mu * m * m + g * m.powi(4))).exp())
        .collect();
    let tilted =
        m.iter().zip(&factor).map(|(m, f)| f * m * m).sum::<f64>() / factor.iter().sum::<f64>();
    let moved = before + change;
    assert!(
        (tilted - moved).abs() <= 1e-6 * moved,
        "tilted ⟨M²⟩ {tilted} against the moved {moved}"
    );
    assert!(
        (moved - before).abs() > 1e-4 * moved,
        "the check moved ⟨M²⟩ ({before} → {moved}), so the test tells the two apart"
    );
}

/// With smeared kernels too, so that their names survive the flow file.
#[test]
fn train_then_sample_with_the_saved_flow() {
    let smeared = "[kernels.smeared]\nradii = [2]\nslopes = [1]\n\n[flow]\n";
    let (dir, card) = with_card(&tiny_card().replace("[flow]\n", smeared));
    let (trained, sampled) = (dir.path().join("trained"), dir.path().join("sampled"));
    ok(&job("train", &card, &trained, &[]));
    assert!(trained.join("flow.json").exists() && !trained.join("ensemble.npy").exists());
    let kernels = report(&trained)["flow"]["kernels"].clone();
    assert_eq!(kernels.as_array().unwrap().last().unwrap(), "smear(2,1)");
    assert!(
        report(&trained)["flow"]["wegner_residual"]
            .as_array()
            .unwrap()
            .len()
            > 2
    );
    // The trained directory alone suffices: its flow with the card it kept.
    let flow = trained.join("flow.json");
    ok(&job(
        "sample",
        &trained.join("card.toml"),
        &sampled,
        &["--flow", flow.to_str().unwrap()],
    ));
    assert_eq!(
        std::fs::read(&flow).unwrap(),
        std::fs::read(sampled.join("flow.json")).unwrap()
    );
    assert_eq!(report(&sampled)["command"], "sample");
}

/// The refresh takes `[flow] refresh_step`/`refresh_steps` where given and the `[hmc]` ones
/// otherwise, so the HMC baseline can be tuned without changing the flow.
#[test]
fn the_refresh_has_its_own_step_settings() {
    let flow = |extra: &str, hmc_step: &str| {
        let text = tiny_card()
            .replace(
                "samples = 400",
                &format!("samples = 100\nrefresh = 1{extra}"),
            )
            .replace(
                "step = 0.2\nsteps = 5",
                &format!("step = {hmc_step}\nsteps = 5"),
            );
        let (dir, card) = with_card(&text);
        let out = dir.path().join("out");
        ok(&job("train", &card, &out, &[]));
        std::fs::read(out.join("flow.json")).unwrap()
    };
    let default = flow("", "0.2");
    assert_eq!(
        default,
        flow("\nrefresh_step = 0.2\nrefresh_steps = 5", "0.3")
    );
    assert_ne!(default, flow("", "0.3"));
    assert_ne!(default, flow("\nrefresh_steps = 4", "0.2"));
}

#[test]
fn sample_refuses_a_flow_for_another_basis() {
    let (dir, card) = with_card(&tiny_card());
    let trained = dir.path().join("trained");
    ok(&job("train", &card, &trained, &[]));
    let other = tiny_card().replace("shells = true", "shells = false");
    let other_card = dir.path().join("other.toml");
    std::fs::write(&other_card, other).unwrap();
    let out = dir.path().join("sampled");
    let flow = trained.join("flow.json");
    let r = job(
        "sample",
        &other_card,
        &out,
        &["--flow", flow.to_str().unwrap()],
    );
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("kernel names"));
    assert!(!out.exists());
}

#[test]
fn hmc_alone() {
    let (dir, card) = with_card(&tiny_card());
    let out = dir.path().join("out");
    ok(&job("hmc", &card, &out, &[]));
    let r = report(&out);
    assert_eq!(r["sampler"], "hmc");
    assert!(r["ess"].is_null() && r["flow"].is_null());
    assert!(r["observables"]["M"]["tau_int"].as_f64().unwrap() >= 0.5);
    assert!(out.join("ensemble.npy").exists() && !out.join("log_weights.npy").exists());
}

/// The tiny card with a short `[wolff]` section (400 updates).
fn tiny_card_with_wolff() -> String {
    tiny_card().replace(
        "[scan]",
        "[wolff]\nupdates = 400\nthermalise = 50\nwidth = 1.2\n\n[scan]",
    )
}

/// `wolff` runs the cluster chain alone with the card's `[wolff]` settings: its observables
/// are the report's, it tunnels (⟨M⟩ within errors of 0 needs sign changes), and no
/// configurations are kept.
#[test]
fn wolff_alone() {
    let (dir, card) = with_card(&tiny_card_with_wolff());
    let out = dir.path().join("out");
    ok(&job("wolff", &card, &out, &[]));
    let r = report(&out);
    assert_eq!(
        (&r["command"], &r["sampler"]),
        (&"wolff".into(), &"wolff".into())
    );
    assert!(r["ess"].is_null() && r["flow"].is_null() && r["hmc"].is_null());
    assert_eq!(r["wolff"]["updates"], 400);
    assert_eq!(r["wolff"]["observables"], r["observables"]);
    assert!(r["wolff"]["pulls"].as_object().unwrap().is_empty());
    let m = &r["observables"]["M"];
    let (mean, err) = (m["mean"].as_f64().unwrap(), m["err"].as_f64().unwrap());
    assert!(err > 0.0 && mean.abs() < 4.0 * err, "⟨M⟩ = {mean} ± {err}");
    assert!(!out.join("ensemble.npy").exists());
    assert_eq!(
        (&r["wolff"]["sweeps"], &r["wolff"]["clusters"]),
        (&1.into(), &1.into())
    );
    // Another schedule per update is another chain.
    let scheduled =
        tiny_card_with_wolff().replace("width = 1.2", "width = 1.2\nsweeps = 2\nclusters = 3");
    let (dir, card) = with_card(&scheduled);
    let out = dir.path().join("out");
    ok(&job("wolff", &card, &out, &[]));
    let s = report(&out);
    assert_eq!(
        (&s["wolff"]["sweeps"], &s["wolff"]["clusters"]),
        (&2.into(), &3.into())
    );
    assert_ne!(s["observables"]["M2"], r["observables"]["M2"]);
}

/// `compare` on the hopping theory runs PIK + MH, HMC and the Wolff cluster baseline with the
/// card's `[wolff]` settings; the two classical chains agree on χ.
#[test]
fn compare_reports_pik_hmc_and_wolff_and_their_cost() {
    let (dir, card) = with_card(&tiny_card_with_wolff());
    let out = dir.path().join("out");
    let stdout = ok(&job("compare", &card, &out, &[]));
    eprintln!("{stdout}");
    assert!(
        [
            "PIK + MH",
            "pull Wolff",
            "s per effective sample",
            "cost / PIK"
        ]
        .iter()
        .all(|s| stdout.contains(s)),
        "{stdout}"
    );
    let r = report(&out);
    let c = &r["comparison"];
    assert!(c["pulls"]["abs_M"].as_f64().is_some());
    assert!(r["timings"]["hmc_over_pik_cost_ratio"].as_f64().is_some());
    assert!(out.join("hmc_ensemble.npy").exists());
    let w = &r["wolff"];
    assert_eq!(
        (&w["updates"], &w["thermalise"], &w["width"]),
        (&400.into(), &50.into(), &1.2.into())
    );
    let (hmc, wolff) = (&c["hmc_observables"]["chi"], &w["observables"]["chi"]);
    let value = |o: &serde_json::Value, k: &str| o[k].as_f64().unwrap();
    let pull =
        (value(wolff, "mean") - value(hmc, "mean")) / value(wolff, "err").hypot(value(hmc, "err"));
    eprintln!("χ: Wolff {wolff}, HMC {hmc}, pull {pull:.2}");
    assert!(pull.abs() < 4.0, "χ: Wolff {wolff} vs HMC {hmc}");
    assert!((w["pulls"]["chi"].as_f64().unwrap() - pull).abs() < 1e-12);
    let acceptance = w["acceptance"].as_f64().unwrap();
    let cluster = w["cluster_fraction"].as_f64().unwrap();
    assert!(
        0.0 < acceptance && acceptance < 1.0 && 0.0 < cluster && cluster <= 1.0,
        "{w}"
    );
    let tau = w["tau_int"].as_f64().unwrap();
    assert!(
        (value(w, "effective_samples") - 400.0 / (2.0 * tau)).abs() < 1e-9,
        "{w}"
    );
    let t = &r["timings"];
    for key in [
        "wolff_seconds",
        "wolff_seconds_per_effective_sample",
        "wolff_over_pik_cost_ratio",
        "pik_seconds_per_independent_chi",
        "hmc_seconds_per_independent_chi",
    ] {
        assert!(t[key].as_f64().is_some_and(|x| x > 0.0), "{key}: {t}");
    }
    // χ's cost uses τ_int(M²): wall time × 2τ / N.
    let m2_tau = r["wolff"]["observables"]["M2"]["tau_int"].as_f64().unwrap();
    let expected = t["wolff_seconds"].as_f64().unwrap() * 2.0 * m2_tau.max(0.5) / 400.0;
    let chi_cost = t["wolff_seconds_per_independent_chi"].as_f64().unwrap();
    assert!(
        (chi_cost - expected).abs() < 1e-9 * expected,
        "{chi_cost} vs {expected}"
    );
    let ratio = t["wolff_seconds_per_effective_sample"].as_f64().unwrap()
        / t["pik_seconds_per_effective_sample"].as_f64().unwrap();
    let reported = t["wolff_over_pik_cost_ratio"].as_f64().unwrap();
    assert!(
        (reported - ratio).abs() < 1e-9 * ratio,
        "{reported} vs {ratio}"
    );
}

#[test]
fn scan_measures_along_the_path() {
    let (dir, card) = with_card(&tiny_card());
    let out = dir.path().join("out");
    ok(&job("scan", &card, &out, &[]));
    let r = report(&out);
    let points = r["scan"].as_array().unwrap();
    assert_eq!(points.len(), 3);
    let lambda = points[0]["couplings"]["lambda"].as_f64().unwrap();
    assert!((lambda - 0.022 / 3.0).abs() < 1e-15, "{lambda}");
    assert_eq!(
        points[2]["ess"], r["ess"],
        "the last point is the target run"
    );
    assert!(out.join("scan_observables.png").exists());
}

/// With `weights = "psis"` as without: the same ensemble (same ESS and k̂), estimates from the
/// smoothed weights that differ from the raw ones and still agree with the exact ⟨φ²⟩.
#[test]
fn zero_dimensional_card_runs_with_reweighting() {
    let card = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/cards/phi4-0d.toml"),
    )
    .unwrap()
    .replace("count = 20000", "count = 500")
    .replace("steps = 100", "steps = 20")
    .replace("samples = 4000", "samples = 500")
    .replace("correction = \"mh\"", "correction = \"reweight\"");
    let (dir, card) = with_card(&card);
    let out = dir.path().join("out");
    ok(&job("run", &card, &out, &[]));
    let r = report(&out);
    assert_eq!(r["sampler"], "pik-reweight");
    assert!(r["acceptance"].is_null());
    assert!(r["ess"].as_f64().unwrap() > 0.9, "{}", r["ess"]);
    let m2 = &r["observables"]["M2"];
    let pull = (m2["mean"].as_f64().unwrap() - 3.40854) / m2["err"].as_f64().unwrap();
    assert!(pull.abs() < 4.0, "⟨φ²⟩ = {m2} vs 3.40854");
    assert_eq!(r["sampling"]["weights"], "raw");

    let smoothed = std::fs::read_to_string(&card)
        .unwrap()
        .replace("[sample]\n", "[sample]\nweights = \"psis\"\n");
    let (dir, card) = with_card(&smoothed);
    let out = dir.path().join("out");
    ok(&job("run", &card, &out, &[]));
    let s = report(&out);
    assert_eq!(s["sampling"]["weights"], "psis");
    assert_eq!((&s["ess"], &s["pareto_k"]), (&r["ess"], &r["pareto_k"]));
    let s2 = &s["observables"]["M2"];
    assert_ne!(s2["mean"], m2["mean"], "smoothing changed no estimate");
    let pull = (s2["mean"].as_f64().unwrap() - 3.40854) / s2["err"].as_f64().unwrap();
    assert!(
        pull.abs() < 4.0,
        "⟨φ²⟩ = {s2} vs 3.40854 with smoothed weights"
    );
}

/// A flow trained on 30 collocation samples for 21 kernels, refined once on 400 fresh ones:
/// measured ESS 0.9953 → 0.9986, mean residual 0.081 → 0.080.
#[test]
fn train_with_refinement_reports_every_round() {
    let card = tiny_card()
        .replace("samples = 400", "samples = 30")
        .replace(
            "[sample]",
            "[refine]\nrounds = 1\nsamples = 400\n\n[sample]",
        );
    let (dir, card) = with_card(&card);
    let out = dir.path().join("out");
    ok(&job("train", &card, &out, &[]));
    let r = report(&out);
    let flow = &r["flow"];
    let rounds = flow["refinement"].as_array().unwrap();
    eprintln!("{rounds:?}");
    assert_eq!(rounds.len(), 2);
    for (i, round) in rounds.iter().enumerate() {
        assert_eq!(round["round"], i);
        let max = round["max_residual"].as_f64().unwrap();
        let mean = round["mean_residual"].as_f64().unwrap();
        assert!(max.is_finite() && 0.0 < mean && mean <= max, "{round}");
        let ess = round["ess"].as_f64().unwrap();
        assert!(ess > 0.0 && ess <= 1.0, "{round}");
    }
    assert!(rounds[1]["ess"].as_f64() > rounds[0]["ess"].as_f64());
    assert_eq!(flow["steps"], 10);
    assert!(r["timings"]["refine_seconds"].as_f64().is_some());
    // flow.json is the refined flow, on the 10-step sampling grid.
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("flow.json")).unwrap()).unwrap();
    assert_eq!(saved["grid"].as_array().unwrap().len(), 11);
    assert_eq!(saved["steps"], 10);
    assert_eq!(flow["wegner_residual"].as_array().unwrap().len(), 11);
}

/// `[sample] tolerance` switches generation to the adaptive scheme: same card and seed, other
/// log-weights, and still a good ensemble.
#[test]
fn tolerance_selects_adaptive_generation() {
    let (dir, rk4) = with_card(&tiny_card());
    let adaptive = dir.path().join("adaptive.toml");
    std::fs::write(
        &adaptive,
        tiny_card().replace("[sample]\n", "[sample]\ntolerance = 1e-4\n"),
    )
    .unwrap();
    let run = |card: &std::path::Path, name: &str| {
        let out = dir.path().join(name);
        ok(&job("run", card, &out, &[]));
        out
    };
    let (a, b) = (run(&rk4, "rk4"), run(&adaptive, "adaptive"));
    let ess = report(&b)["ess"].as_f64().unwrap();
    assert!(ess > 0.5, "adaptive ESS {ess}");
    assert_ne!(
        std::fs::read(a.join("log_weights.npy")).unwrap(),
        std::fs::read(b.join("log_weights.npy")).unwrap()
    );
}

/// `[sample] steps = "auto"`: the report holds the step study, finest first, compared with
/// nothing, every count at or above the chosen one within the tolerance (1/√count unless the
/// card sets it) and every count below it not, the ensemble is generated at the chosen steps,
/// and the choice is the same at any thread count.
#[test]
fn automatic_generation_steps_are_chosen_by_the_log_weight_change() {
    let card = tiny_card().replace("chunk = 100", "chunk = 100\nsteps = \"auto\"");
    let (dir, card) = with_card(&card);
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    ok(&job("run", &card, &one, &["--threads", "1"]));
    ok(&job("run", &card, &two, &["--threads", "2"]));
    let r = report(&one);
    let choice = &r["sampling"]["step_choice"];
    assert_eq!(choice, &report(&two)["sampling"]["step_choice"]);
    let trials = choice["trials"].as_array().unwrap();
    let tolerance = choice["tolerance"].as_f64().unwrap();
    assert_eq!(tolerance, 1.0 / 400f64.sqrt(), "1/√count");
    assert_eq!(choice["pilot"], 100);
    assert_eq!(choice["converged"], true);
    assert_eq!(trials[0]["steps"], 20, "twice the flow's own steps first");
    assert!(trials[0]["against"].is_null());
    let steps = choice["steps"].as_u64().unwrap();
    assert!(
        steps < 10,
        "the tiny card's flow needs fewer than its 10 steps: {choice}"
    );
    assert_eq!(r["sampling"]["steps"], steps);
    assert_eq!(
        r["sampling"]["ess_along_path"].as_array().unwrap().len() as u64,
        steps + 1
    );
    for (i, t) in trials.iter().enumerate().skip(1) {
        let within = t["rms_log_w_change"].as_f64().unwrap() <= tolerance;
        let kept = t["steps"].as_u64().unwrap() >= steps;
        assert_eq!(within, kept, "trial {i}: {t}");
        assert_eq!(t["against"], 20, "trial {i}: {t}");
        assert_eq!(
            t["evaluations"].as_f64().unwrap(),
            4.0 * t["steps"].as_f64().unwrap()
        );
    }
    assert!(r["timings"]["steps_seconds"].as_f64().unwrap() > 0.0);
    // `relax = "auto"` reads the chosen steps' trial: a flow this good does not relax.
    let chosen = trials.iter().find(|t| t["steps"] == steps).unwrap();
    let relax = &r["sampling"]["relax"];
    assert_eq!(relax["pilot_ess"], chosen["ess"]);
    assert!(chosen["ess"].as_f64().unwrap() >= 0.5, "{chosen}");
    assert_eq!(relax["trajectories"], 0);
}
