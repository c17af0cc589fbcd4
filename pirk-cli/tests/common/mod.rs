//! Helpers shared by the command-line tests: the built binary, the tiny card, temp dirs.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The shipped tiny card's text.
pub fn tiny_card() -> String {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/cards/tiny.toml");
    std::fs::read_to_string(file).expect("examples/cards/tiny.toml")
}

/// Runs `pirk` with `args` (quiet, so stderr holds only errors).
pub fn pirk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pirk"))
        .arg("--quiet")
        .args(args)
        .output()
        .expect("the pirk binary runs")
}

/// Runs `pirk COMMAND CARD --out OUT EXTRA…`: every job command takes a card and an
/// output directory, so the tests spell only what differs.
pub fn job(command: &str, card: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        command,
        card.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    pirk(&args)
}

/// A fresh temporary directory holding `card.toml` with `text`.
pub fn with_card(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let card = dir.path().join("card.toml");
    std::fs::write(&card, text).expect("write card");
    (dir, card)
}

/// `pirk COMMAND` on a card holding `text` is bad input: exit 2, one line on stderr containing
/// `needle`, and nothing written next to the card.
pub fn command_rejects_card(command: &str, text: &str, needle: &str) {
    let (dir, card) = with_card(text);
    let r = job(command, &card, &dir.path().join("out"), &[]);
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(2), "stderr: {stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains(needle), "`{needle}` not in: {stderr}");
    assert_eq!(entries(dir.path()), vec!["card.toml"], "nothing written");
}

/// Asserts success and returns stdout.
pub fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "pirk failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Names of the entries of `dir`, sorted.
pub fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("readable dir")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The report of an output directory.
pub fn report(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap()
}

/// A `.npy` file of an output directory, flattened.
pub fn npy(dir: &Path, name: &str) -> Vec<f64> {
    use ndarray_npy::ReadNpyExt;
    let file = std::fs::File::open(dir.join(name)).expect("npy file");
    let array = ndarray::ArrayD::<f64>::read_npy(file).expect("f64 npy");
    array.iter().copied().collect()
}

/// The magnetisation of every configuration in `ensemble.npy` of a lattice of `volume` sites.
pub fn magnetisations(dir: &Path, volume: usize) -> Vec<f64> {
    npy(dir, "ensemble.npy")
        .chunks(volume)
        .map(pirk::magnetisation)
        .collect()
}

/// Asserts that `dir`'s report.json satisfies docs/report.schema.json.
pub fn assert_valid(dir: &Path) {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/report.schema.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let instance = report(dir);
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| e.to_string())
        .collect();
    assert!(
        errors.is_empty(),
        "report.json violates its schema: {errors:#?}"
    );
}
