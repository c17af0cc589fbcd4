//! `pirk new NAME`: the crate it writes, and what it refuses. Building and running the written
//! crate is CI's job (.ci/run); `custom_theory.rs` runs its theory and card in-process.

mod common;

use common::{entries, pirk};

#[test]
fn new_writes_a_crate_on_the_pirk_sources() {
    let dir = tempfile::tempdir().unwrap();
    let krate = dir.path().join("demo");
    let r = pirk(&["new", krate.to_str().unwrap()]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    assert_eq!(
        entries(&krate),
        ["Cargo.lock", "Cargo.toml", "README.md", "card.toml", "src"]
    );
    let manifest: toml::Table = std::fs::read_to_string(krate.join("Cargo.toml"))
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(manifest["package"]["name"].as_str(), Some("demo"));
    assert!(manifest.contains_key("workspace"), "a workspace of its own");
    let workspace = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap();
    let dependency = |name: &str| {
        std::path::PathBuf::from(manifest["dependencies"][name]["path"].as_str().unwrap())
    };
    assert_eq!(dependency("pirk"), workspace);
    assert_eq!(dependency("pirk-cli"), workspace.join("pirk-cli"));
    for package in [
        "egg",
        "pirk-codegen",
        "pirk-macros",
        "num-bigint",
        "num-rational",
    ] {
        assert_eq!(
            manifest["profile"]["dev"]["package"][package]["opt-level"].as_integer(),
            Some(3),
            "{package}"
        );
    }
    let main = std::fs::read_to_string(krate.join("src/main.rs")).unwrap();
    assert!(main.contains("pub Phi6 {") && main.contains(".theory::<Phi6>(\"phi6\""));
    let card = std::fs::read_to_string(krate.join("card.toml")).unwrap();
    assert!(card.contains("theory = \"phi6\""));
    let readme = std::fs::read_to_string(krate.join("README.md")).unwrap();
    assert!(readme.starts_with("# demo\n"));
}

#[test]
fn new_refuses_an_existing_directory() {
    let dir = tempfile::tempdir().unwrap();
    let krate = dir.path().join("demo");
    std::fs::create_dir(&krate).unwrap();
    let r = pirk(&["new", krate.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains("already exists"), "{stderr}");
    assert!(entries(&krate).is_empty(), "nothing written");
}

#[test]
fn new_refuses_names_that_are_not_crate_names() {
    let dir = tempfile::tempdir().unwrap();
    for (name, needle) in [
        ("9lives", "is not a crate name"),
        ("pirk-core", "one of pirk's own packages"),
    ] {
        let r = pirk(&["new", dir.path().join(name).to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&r.stderr);
        assert_eq!(r.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(needle), "{stderr}");
    }
    assert!(entries(dir.path()).is_empty(), "nothing written");
}
