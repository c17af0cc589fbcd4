//! `App::execute_args`, the entry point of host programs: the error as a value with the
//! command line's message, and cancellation.

mod common;

use common::{entries, tiny_card, with_card};
use pirk_cli::{App, Cancel};

/// `--quiet run CARD --out OUT`.
fn quiet_run<'a>(card: &'a std::path::Path, out: &'a std::path::Path) -> [&'a str; 5] {
    let path = |p: &'a std::path::Path| p.to_str().unwrap();
    ["--quiet", "run", path(card), "--out", path(out)]
}

#[test]
fn bad_input_comes_back_as_the_command_lines_message() {
    let (dir, card) = with_card(&tiny_card().replace("\"hopping\"", "\"ising\""));
    let out = dir.path().join("out");
    let e = App::with_builtins()
        .execute_args(quiet_run(&card, &out), &Cancel::new())
        .unwrap_err();
    assert!(e.bad_input && e.exit_code() == 2);
    assert!(
        e.message.starts_with("unknown theory `ising` (theories: "),
        "{e}"
    );
    assert_eq!(entries(dir.path()), vec!["card.toml"], "nothing written");
}

#[test]
fn a_rejected_command_line_is_bad_input() {
    let e = App::with_builtins()
        .execute_args(["run"], &Cancel::new())
        .unwrap_err();
    assert!(e.bad_input);
    assert!(
        e.message.starts_with("the following required arguments"),
        "{e}"
    );
}

#[test]
fn a_cancelled_job_stops_with_interrupted_and_leaves_no_output() {
    let (dir, card) = with_card(&tiny_card());
    let out = dir.path().join("out");
    let cancel = Cancel::new();
    cancel.cancel();
    let e = App::with_builtins()
        .execute_args(quiet_run(&card, &out), &cancel)
        .unwrap_err();
    assert!(!e.bad_input && e.exit_code() == 1);
    assert_eq!(e.message, "interrupted");
    assert!(!out.exists());
    assert_eq!(entries(dir.path()), vec![".out.pirk-partial", "card.toml"]);
}
