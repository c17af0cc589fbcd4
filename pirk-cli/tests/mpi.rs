//! MPI ranks (docs/cluster.md), built only with the `mpi` feature and run by `.ci/run` as
//! `cargo test -p pirk-cli --features mpi --test mpi`; needs `mpirun` (Open MPI) on the path.
//! Every comparison is against the same job run in this test's own process, which never starts
//! MPI: the run without MPI.
#![cfg(feature = "mpi")]

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{report, tiny_card, with_card};

/// The tiny card with a shorter training, so that the debug build runs it in seconds.
fn small_card() -> String {
    tiny_card()
        .replace("steps = 10\nsamples = 400", "steps = 4\nsamples = 150")
        .replace("count = 400", "count = 250")
}

/// `mpirun -np RANKS pirk ARGS…` (quiet, one thread per rank), from `dir`.
fn mpirun(ranks: usize, dir: &Path, args: &[&str]) -> Output {
    Command::new("mpirun")
        .args(["--allow-run-as-root", "--oversubscribe", "-np"])
        .arg(ranks.to_string())
        .arg(env!("CARGO_BIN_EXE_pirk"))
        .arg("--quiet")
        .args(args)
        .args(["--threads", "1"])
        .current_dir(dir)
        .output()
        .expect("mpirun runs (Open MPI's openmpi-bin)")
}

/// The job in this process, without MPI.
fn plain(args: &[&str]) {
    let code = pirk_cli::App::with_builtins().run_args(["--quiet"].iter().chain(args));
    assert_eq!(code, std::process::ExitCode::SUCCESS, "{args:?}");
}

fn succeeded(out: &Output) {
    assert!(
        out.status.success(),
        "mpirun failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The files every job writes from its ensemble are the same bytes, and the report is the same
/// but for its wall times, which record the rank count.
fn same_outputs(a: &Path, b: &Path, ranks: usize) {
    for file in ["ensemble.npy", "log_weights.npy", "flow.json"] {
        let (x, y) = (a.join(file), b.join(file));
        if x.exists() || y.exists() {
            assert!(
                std::fs::read(&x).unwrap() == std::fs::read(&y).unwrap(),
                "{file} differs at {ranks} ranks"
            );
        }
    }
    let (mut x, mut y) = (report(a), report(b));
    assert_eq!(y["timings"]["ranks"], ranks as f64);
    x.as_object_mut().unwrap().remove("timings");
    y.as_object_mut().unwrap().remove("timings");
    assert_eq!(x, y, "report.json differs at {ranks} ranks");
}

#[test]
fn training_sampling_and_scans_are_the_same_bits_at_one_two_and_three_ranks() {
    let (dir, card) = with_card(&small_card());
    let card = card.to_str().unwrap();
    let at = |name: &str| dir.path().join(name);
    let path = |name: &str| at(name).to_str().unwrap().to_owned();
    plain(&["run", card, "--out", &path("run")]);
    for ranks in [1, 2, 3] {
        let out = path(&format!("run-{ranks}"));
        succeeded(&mpirun(ranks, dir.path(), &["run", card, "--out", &out]));
        same_outputs(&at("run"), &at(&format!("run-{ranks}")), ranks);
    }
    let flow = path("run/flow.json");
    for command in ["sample", "scan"] {
        plain(&[command, card, "--flow", &flow, "--out", &path(command)]);
        let out = path(&format!("{command}-2"));
        let args = [command, card, "--flow", &flow, "--out", &out];
        succeeded(&mpirun(2, dir.path(), &args));
        same_outputs(&at(command), &at(&format!("{command}-2")), 2);
    }
}

/// Tuning rounds fit their tilts on every rank alike (each rank runs the pilot's stationarity
/// check, whose moved configurations the tilt matches), so the tuned job is the same bits at two
/// ranks as without MPI.
#[test]
fn tuning_is_the_same_bits_at_two_ranks() {
    let tuned = small_card().replace(
        "[sample]",
        "[tune]\nrounds = 3\nsamples = 100\ness = 1.0\n\n[sample]",
    );
    let (dir, card) = with_card(&tuned);
    let card = card.to_str().unwrap();
    let at = |name: &str| dir.path().join(name);
    let path = |name: &str| at(name).to_str().unwrap().to_owned();
    plain(&["run", card, "--out", &path("run")]);
    let rounds = report(&at("run"))["tuning"]["rounds"]
        .as_array()
        .unwrap()
        .len();
    assert!(rounds > 1, "a tilted round runs");
    succeeded(&mpirun(
        2,
        dir.path(),
        &["run", card, "--out", &path("run-2")],
    ));
    same_outputs(&at("run"), &at("run-2"), 2);
}

/// Relaxation along the path draws each configuration's trajectories from its own streams, so a
/// relaxed job is the same bits at two ranks as without MPI.
#[test]
fn relaxation_is_the_same_bits_at_two_ranks() {
    let relaxed = small_card().replace("[sample]\n", "[sample]\nrelax = 1\n");
    let (dir, card) = with_card(&relaxed);
    let card = card.to_str().unwrap();
    let at = |name: &str| dir.path().join(name);
    let path = |name: &str| at(name).to_str().unwrap().to_owned();
    plain(&["run", card, "--out", &path("run")]);
    assert_eq!(report(&at("run"))["sampling"]["relax"]["trajectories"], 1);
    succeeded(&mpirun(
        2,
        dir.path(),
        &["run", card, "--out", &path("run-2")],
    ));
    same_outputs(&at("run"), &at("run-2"), 2);
}

/// The baselines run one replica per rank, each its share of the card's updates, analysed
/// together: at two ranks they are other chains than the single one, of the same total length,
/// and agree with it within errors; at one rank under `mpirun` they are the single chain.
#[test]
fn baselines_run_one_replica_per_rank() {
    let (dir, card) = with_card(&small_card());
    let card = card.to_str().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    for command in ["hmc", "wolff"] {
        plain(&[command, card, "--out", &path(command)]);
        let one = path(&format!("{command}-1"));
        succeeded(&mpirun(1, dir.path(), &[command, card, "--out", &one]));
        same_outputs(&dir.path().join(command), Path::new(&one), 1);
        let two = path(&format!("{command}-2"));
        succeeded(&mpirun(2, dir.path(), &[command, card, "--out", &two]));
        let (single, pair) = (report(Path::new(&path(command))), report(Path::new(&two)));
        assert_ne!(
            single["observables"], pair["observables"],
            "{command}: new chains"
        );
        for name in ["M2", "abs_M", "action_density"] {
            let (a, b) = (&single["observables"][name], &pair["observables"][name]);
            let (ea, eb) = (a["err"].as_f64().unwrap(), b["err"].as_f64().unwrap());
            let pull = (a["mean"].as_f64().unwrap() - b["mean"].as_f64().unwrap())
                / (ea * ea + eb * eb).sqrt();
            assert!(pull.abs() < 4.0, "{command} {name}: {a} against {b}");
        }
        if command == "hmc" {
            let values = |d: &str| common::npy(Path::new(d), "ensemble.npy").len();
            assert_eq!(values(&path(command)), 200 * 64, "200 trajectories of 8²");
            assert_eq!(values(&two), 200 * 64, "every replica's configurations");
        }
    }
}

/// Ranks started on different cards stop before anything is written, every one with exit 2,
/// and rank 0 says which ranks differ.
#[test]
fn ranks_that_disagree_on_the_card_write_nothing() {
    let (dir, _) = with_card(&tiny_card());
    for (sub, seed) in [("a", "seed = 1"), ("b", "seed = 2")] {
        std::fs::create_dir(dir.path().join(sub)).unwrap();
        let text = tiny_card().replace("seed = 1", seed);
        std::fs::write(dir.path().join(sub).join("card.toml"), text).unwrap();
    }
    let out = dir.path().join("out");
    let pirk = env!("CARGO_BIN_EXE_pirk");
    let rank = |sub: &str| {
        let wdir = dir.path().join(sub);
        vec![
            "-np".to_string(),
            "1".into(),
            "--wdir".into(),
            wdir.to_str().unwrap().into(),
            pirk.into(),
            "--quiet".into(),
            "run".into(),
            "card.toml".into(),
            "--out".into(),
            out.to_str().unwrap().into(),
        ]
    };
    let status = Command::new("mpirun")
        .args(["--allow-run-as-root", "--oversubscribe"])
        .args(rank("a"))
        .arg(":")
        .args(rank("b"))
        .output()
        .expect("mpirun runs");
    assert_eq!(status.status.code(), Some(2), "{status:?}");
    let stderr = String::from_utf8_lossy(&status.stderr);
    assert!(
        stderr.contains("error: ranks disagree on the card: rank(s) 1 read other bytes"),
        "{stderr}"
    );
    assert!(!out.exists());
    assert!(!dir.path().join(".out.pirk-partial").exists());
}

/// A rank killed in the middle of a two-rank run ends the job: `DIR` never appears, and
/// `--resume` with three ranks on
/// the checkpoints rank 0 wrote gives the bytes of an uninterrupted run without MPI.
#[test]
fn a_rank_that_dies_ends_the_job_and_resume_completes_it() {
    let text = small_card()
        .replace("count = 250", "count = 1500")
        .replace("chunk = 100", "chunk = 50");
    let (dir, card) = with_card(&text);
    let card = card.to_str().unwrap();
    let out = dir.path().join("out");
    let out = out.to_str().unwrap();
    let pirk = env!("CARGO_BIN_EXE_pirk");
    // Rank 1 dies once rank 0 has checkpointed a chunk of samples (not after a fixed time,
    // which a fast build may outlast), so the resumed job has a checkpoint to continue from.
    let first_chunk = dir
        .path()
        .join(".out.pirk-partial/checkpoints/chunk-00000-logw.npy");
    let first_chunk = first_chunk.to_str().unwrap();
    let killed = Command::new("mpirun")
        .args(["--allow-run-as-root", "--oversubscribe", "-np", "1", pirk])
        .args(["--quiet", "run", card, "--out", out])
        .args([":", "-np", "1", "sh", "-c"])
        .arg(format!(
            "{pirk} --quiet run {card} --out {out} & \
             until [ -e {first_chunk} ] || ! kill -0 $! 2>/dev/null; do sleep 0.05; done; \
             kill -9 $!; wait"
        ))
        .output()
        .expect("mpirun runs");
    assert!(!killed.status.success(), "{killed:?}");
    assert!(!Path::new(out).exists(), "a killed run left {out}");
    let resumed = mpirun(3, dir.path(), &["run", card, "--out", out, "--resume"]);
    succeeded(&resumed);
    let whole = dir.path().join("whole");
    plain(&["run", card, "--out", whole.to_str().unwrap()]);
    same_outputs(&whole, Path::new(out), 3);
}
