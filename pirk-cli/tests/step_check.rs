//! The step check: the log-weights of the first configurations regenerated at twice the
//! generation steps, in the report, the summary and (when not converged) a warning.

mod common;

use common::{job, ok, report, tiny_card, with_card};

/// The tiny card's 10 steps are converged (the default step choice keeps them, see
/// `default_steps_are_raised_until_the_log_weights_converge`). Moved to κ = 0.26 with 1600 configurations and one
/// step, the target's log-weights change by more than 1/√(ESS·n) and the job says so; the scan
/// points before it, on short stretches of the path, stay converged.
#[test]
fn a_coarse_grid_is_flagged_and_a_fine_one_is_not() {
    let (dir, card) = with_card(&tiny_card());
    let fine = dir.path().join("fine");
    let stdout = ok(&job("run", &card, &fine, &[]));
    let c = &report(&fine)["sampling"]["step_check"];
    assert_eq!(c["steps"], 10);
    assert_eq!(c["pilot"], 100, "the first chunk");
    assert_eq!(c["converged"], true, "{c}");
    let rms = c["rms_log_w_change"].as_f64().unwrap();
    assert!(rms > 0.0 && rms < c["tolerance"].as_f64().unwrap(), "{c}");
    assert!(stdout.contains("; 10 RK4 steps; at twice"), "{stdout}");

    let coarse_card = dir.path().join("coarse.toml");
    let text = tiny_card()
        .replace("[target]\nkappa = 0.21", "[target]\nkappa = 0.26")
        .replace("count = 400", "count = 1600")
        .replace("chunk = 100", "chunk = 100\nsteps = 1");
    std::fs::write(&coarse_card, text).unwrap();
    let coarse = dir.path().join("coarse");
    let out = job("scan", &coarse_card, &coarse, &[]);
    ok(&out);
    let r = report(&coarse);
    let c = &r["sampling"]["step_check"];
    assert_eq!(c["steps"], 1);
    assert_eq!(c["converged"], false, "{c}");
    let points = r["scan"].as_array().unwrap();
    assert_eq!(points.last().unwrap()["step_check"], *c);
    for point in &points[..points.len() - 1] {
        assert_eq!(point["step_check"]["converged"], true, "{point}");
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("at the target the log-weights change by"),
        "{stderr}"
    );
}

/// Without `[sample] steps`, generation keeps the training steps where a pilot at twice them
/// changes its log-weights by at most 1/√count, and then the ensemble is the one a fixed count
/// gives, bit for bit. With a tolerance below that change the steps are doubled (the change
/// falls 16-fold per doubling for RK4, so once suffices here) and generation, the scan's
/// last point and the step check run at the raised count.
#[test]
fn default_steps_are_raised_until_the_log_weights_converge() {
    let (dir, card) = with_card(&tiny_card());
    let default = dir.path().join("default");
    ok(&job("run", &card, &default, &[]));
    let r = report(&default);
    let choice = &r["sampling"]["step_choice"];
    assert_eq!(choice["steps"], 10, "{choice}");
    assert_eq!(choice["converged"], true);
    assert_eq!(choice["tolerance"], 1.0 / 400f64.sqrt());
    let trials = choice["trials"].as_array().unwrap();
    assert_eq!(trials.len(), 2, "no halving without \"auto\": {choice}");
    assert_eq!(
        (&trials[0]["steps"], &trials[1]["steps"]),
        (&20.into(), &10.into())
    );
    let change = trials[1]["rms_log_w_change"].as_f64().unwrap();
    assert!(change > 0.0 && change <= 0.05, "{choice}");

    let fixed_card = dir.path().join("fixed.toml");
    std::fs::write(
        &fixed_card,
        tiny_card().replace("chunk = 100", "chunk = 100\nsteps = 10"),
    )
    .unwrap();
    let fixed = dir.path().join("fixed");
    ok(&job("run", &fixed_card, &fixed, &[]));
    assert!(report(&fixed)["sampling"]["step_choice"].is_null());
    for file in ["ensemble.npy", "log_weights.npy"] {
        assert_eq!(
            std::fs::read(default.join(file)).unwrap(),
            std::fs::read(fixed.join(file)).unwrap(),
            "{file}"
        );
    }

    let strict_card = dir.path().join("strict.toml");
    std::fs::write(
        &strict_card,
        tiny_card().replace(
            "chunk = 100",
            &format!("chunk = 100\nstep_tolerance = {}", change / 2.0),
        ),
    )
    .unwrap();
    let strict = dir.path().join("strict");
    let stdout = ok(&job("scan", &strict_card, &strict, &[]));
    let r = report(&strict);
    let choice = &r["sampling"]["step_choice"];
    let tried: Vec<u64> = choice["trials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["steps"].as_u64().unwrap())
        .collect();
    assert_eq!(tried, [40, 20, 10], "{choice}");
    assert_eq!(
        (&choice["steps"], &choice["converged"]),
        (&20.into(), &true.into())
    );
    assert_eq!(r["sampling"]["steps"], 20);
    assert_eq!(
        r["sampling"]["ess_along_path"].as_array().unwrap().len(),
        21
    );
    assert_eq!(r["sampling"]["step_check"]["steps"], 20);
    let last = r["scan"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        last["step_check"], r["sampling"]["step_check"],
        "the scan's last point"
    );
    assert!(
        stdout.contains("chosen from 40, 20, 10 at RMS tolerance"),
        "{stdout}"
    );
}
