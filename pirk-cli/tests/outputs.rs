//! Output files: report.json against its JSON Schema, .npy shapes (and numpy when present),
//! and bit-identical results after `--resume` and at any thread count.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{assert_valid, entries, job, ok, report, tiny_card, with_card};

/// Reads the `.npy` header's shape.
fn npy_shape(file: &Path) -> Vec<usize> {
    let bytes = std::fs::read(file).unwrap();
    assert_eq!(&bytes[..6], b"\x93NUMPY");
    let len = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
    let header = String::from_utf8_lossy(&bytes[10..10 + len]).into_owned();
    assert!(header.contains("'descr': '<f8'"), "{header}");
    let shape = &header[header.find("'shape': (").unwrap() + 10..];
    shape[..shape.find(')').unwrap()]
        .split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|s| s.trim().parse().unwrap())
        .collect()
}

fn numpy_available() -> bool {
    Command::new("python3")
        .args(["-c", "import numpy"])
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn compare_and_scan_reports_validate_and_npy_shapes_are_right() {
    let (dir, card) = with_card(&tiny_card().replace("points = 3", "points = 2"));
    for command in ["compare", "scan"] {
        let out = dir.path().join(command);
        ok(&job(command, &card, &out, &[]));
        assert_valid(&out);
        let r = report(&out);
        if command == "compare" {
            // The tiny card has no [wolff]: Wolff runs with [hmc]'s counts.
            let w = &r["wolff"];
            assert_eq!(
                (&w["updates"], &w["thermalise"]),
                (&200.into(), &100.into())
            );
            assert!(w["observables"]["chi"]["mean"].as_f64().is_some(), "{w}");
        } else {
            assert!(r["wolff"].is_null());
        }
        let n = r["sampling"]["count"].as_u64().unwrap() as usize;
        assert_eq!(npy_shape(&out.join("ensemble.npy")), vec![n, 8, 8]);
        assert_eq!(npy_shape(&out.join("log_weights.npy")), vec![n]);
        if numpy_available() {
            let script = format!(
                "import numpy as np; e = np.load('{0}/ensemble.npy'); w = np.load('{0}/log_weights.npy'); \
                 assert e.shape == ({1}, 8, 8) and e.dtype == np.float64 and w.shape == ({1},)",
                out.display(),
                n
            );
            let status = Command::new("python3")
                .args(["-c", &script])
                .status()
                .unwrap();
            assert!(status.success(), "numpy could not read the .npy files");
        }
    }
    let hmc = dir.path().join("hmc");
    ok(&job("hmc", &card, &hmc, &[]));
    assert_valid(&hmc);
    assert_eq!(npy_shape(&hmc.join("ensemble.npy")), vec![200, 8, 8]);
    let wolff = dir.path().join("wolff");
    ok(&job("wolff", &card, &wolff, &[]));
    assert_valid(&wolff);
}

/// Every file's bytes, with report.json's `timings` (wall clock) removed.
fn contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
    entries(dir)
        .into_iter()
        .map(|name| {
            let mut bytes = std::fs::read(dir.join(&name)).unwrap();
            if name == "report.json" {
                let mut r: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                r.as_object_mut().unwrap().remove("timings");
                bytes = serde_json::to_vec(&r).unwrap();
            }
            (name, bytes)
        })
        .collect()
}

/// Runs `card_text` whole on two threads, then on one thread stopped after `chunks` chunks and
/// resumed: the interrupted run leaves nothing, a plain rerun refuses it, and the resumed
/// output equals the whole run's. Returns the whole run's directory.
fn resumes_to_identical_bytes(card_text: &str, chunks: &str) -> (tempfile::TempDir, PathBuf) {
    let (dir, card) = with_card(card_text);
    let whole = dir.path().join("whole");
    ok(&job("run", &card, &whole, &["--threads", "2"]));
    let resumed = dir.path().join("resumed");
    let killed = job(
        "run",
        &card,
        &resumed,
        &["--threads", "1", "--stop-after-chunks", chunks],
    );
    assert_eq!(killed.status.code(), Some(1));
    assert!(
        !resumed.exists(),
        "an interrupted run leaves no output directory"
    );
    let again = job("run", &card, &resumed, &["--threads", "1"]);
    assert_eq!(
        again.status.code(),
        Some(2),
        "a plain rerun refuses the interrupted one"
    );
    ok(&job(
        "run",
        &card,
        &resumed,
        &["--threads", "1", "--resume"],
    ));
    assert_eq!(contents(&whole), contents(&resumed));
    (dir, whole)
}

#[test]
fn resumed_run_is_identical_to_an_uninterrupted_one_at_any_thread_count() {
    resumes_to_identical_bytes(&tiny_card(), "2");
}

/// A relaxed run places its grid times from a pilot; on resume the pilot is drawn again from
/// the same seeds, so the resumed ensemble and report are the uninterrupted run's, at any thread
/// count.
#[test]
fn a_relaxed_run_on_a_balanced_grid_resumes_to_identical_bytes() {
    let relaxed = tiny_card().replace("[sample]\n", "[sample]\nrelax = 1\n");
    let (_dir, whole) = resumes_to_identical_bytes(&relaxed, "1");
    assert_eq!(report(&whole)["sampling"]["relax"]["grid"], "balanced");
}
