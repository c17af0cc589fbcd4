//! A theory that is not built in, registered through the library API: the theory, card and
//! registration `pirk new` writes, run in-process with `App::run_args`.

mod common;

use std::process::ExitCode;

use common::report;

/// The `src/main.rs` `pirk new` writes: `Phi6` and its registration in `app()`.
#[allow(dead_code)]
mod demo {
    include!("../template/src/main.rs");

    /// The written binary's command line.
    pub fn command_line() -> App {
        app()
    }
}

/// The card `pirk new` writes.
fn card(dir: &std::path::Path) -> std::path::PathBuf {
    let card = dir.join("card.toml");
    std::fs::write(&card, include_str!("../template/card.toml")).unwrap();
    card
}

fn run(args: &[&std::ffi::OsStr]) -> ExitCode {
    demo::command_line().run_args([std::ffi::OsStr::new("--quiet")].iter().chain(args))
}

#[test]
fn a_registered_theory_runs_its_card() {
    let dir = tempfile::tempdir().unwrap();
    let (card, out) = (card(dir.path()), dir.path().join("out"));
    let code = run(&[
        "run".as_ref(),
        card.as_ref(),
        "--out".as_ref(),
        out.as_ref(),
    ]);
    assert_eq!(code, ExitCode::SUCCESS);
    let r = report(&out);
    assert_eq!(r["theory"]["name"], "phi6");
    assert_eq!(r["theory"]["type_name"], "Phi6");
    assert_eq!(r["couplings"]["g6"], 0.002);
    assert_eq!(r["sampler"], "pik-mh");
    assert!(r["ess"].as_f64().unwrap() > 0.5, "{}", r["ess"]);
}

/// Its Wolff embedding holds only where the φ⁶ term vanishes: at the card's g6 ≠ 0 `wolff`
/// is bad input, naming the theories it runs on, this one among them.
#[test]
fn wolff_needs_the_registered_embedding_to_hold() {
    let dir = tempfile::tempdir().unwrap();
    let (card, out) = (card(dir.path()), dir.path().join("out"));
    let code = run(&[
        "wolff".as_ref(),
        card.as_ref(),
        "--out".as_ref(),
        out.as_ref(),
    ]);
    assert_eq!(code, ExitCode::from(2));
    assert!(!out.exists());
}

#[test]
fn an_unknown_theory_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let card = dir.path().join("card.toml");
    let text = include_str!("../template/card.toml").replace("\"phi6\"", "\"phi8\"");
    std::fs::write(&card, text).unwrap();
    let out = dir.path().join("out");
    let code = run(&[
        "run".as_ref(),
        card.as_ref(),
        "--out".as_ref(),
        out.as_ref(),
    ]);
    assert_eq!(code, ExitCode::from(2));
}

#[test]
#[should_panic(expected = "theory phi6 has no coupling `kapa`")]
fn an_embedding_must_name_the_theorys_couplings() {
    pirk_cli::App::new()
        .theory::<demo::Phi6>("phi6", "φ⁶")
        .wolff(pirk_cli::WolffEmbedding {
            kappa: "kapa",
            lambda: "lambda",
            extra: &["g6"],
        });
}
