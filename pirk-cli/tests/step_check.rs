//! The step check: the log-weights of the first configurations regenerated at twice the
//! generation steps, in the report, the summary and (when not converged) a warning.

mod common;

use common::{job, ok, report, tiny_card, with_card};

/// The tiny card's 10 steps are converged. Moved to κ = 0.26 with 1600 configurations and one
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
    assert!(stdout.contains("steps: 10 RK4 steps"), "{stdout}");

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
