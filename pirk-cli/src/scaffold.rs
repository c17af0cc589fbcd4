//! `pirk new NAME`: a crate whose binary is this command line plus a theory of its own (φ⁶ to
//! start from), with a run card and a README. It depends on the pirk sources this binary was
//! built from, so it builds and runs as written.

use std::path::Path;

use anyhow::Context;

use crate::error::{InputError, bad_input};
use crate::progress::Progress;

/// The crate's files; `{name}`, `{pirk}` and `{pirk_cli}` are filled in.
const TEMPLATE: [(&str, &str); 4] = [
    ("Cargo.toml", include_str!("../template/Cargo.toml.in")),
    ("src/main.rs", include_str!("../template/src/main.rs")),
    ("card.toml", include_str!("../template/card.toml")),
    ("README.md", include_str!("../template/README.md")),
];

/// pirk's packages: a crate of the same name cannot depend on them.
const PIRK_PACKAGES: [&str; 5] = [
    "pirk",
    "pirk-cli",
    "pirk-core",
    "pirk-codegen",
    "pirk-macros",
];

/// Writes the crate into the new directory `dir`, whose last component names it.
pub fn write(dir: &Path, progress: &Progress) -> anyhow::Result<()> {
    let name = crate_name(dir)?;
    if dir.symlink_metadata().is_ok() {
        bad_input!("new: {} already exists", dir.display());
    }
    let cli = Path::new(env!("CARGO_MANIFEST_DIR"));
    let workspace = cli.parent().unwrap_or(cli);
    if !workspace.join("Cargo.toml").is_file() {
        anyhow::bail!(
            "new: the pirk sources this binary was built from are no longer in {}",
            workspace.display()
        );
    }
    let path = |p: &Path| -> anyhow::Result<String> {
        let text = p
            .to_str()
            .context("new: the pirk sources' path is not UTF-8")?;
        Ok(toml::Value::String(text.into()).to_string())
    };
    let (pirk, pirk_cli) = (path(workspace)?, path(cli)?);
    std::fs::create_dir_all(dir.join("src"))
        .map_err(|e| InputError::new(format!("new: cannot create {}: {e}", dir.display())))?;
    for (file, text) in TEMPLATE {
        let text = text
            .replace("{name}", name)
            .replace("{pirk}", &pirk)
            .replace("{pirk_cli}", &pirk_cli);
        std::fs::write(dir.join(file), text)
            .with_context(|| format!("new: cannot write {}", dir.join(file).display()))?;
    }
    // pirk's lock file pins the versions pirk was tested with; cargo drops what is unused.
    let lock = workspace.join("Cargo.lock");
    if lock.is_file() {
        std::fs::copy(&lock, dir.join("Cargo.lock"))
            .with_context(|| format!("new: cannot copy {}", lock.display()))?;
    }
    progress.log(format!("wrote {}", dir.display()));
    progress.print(format_args!(
        "cd {} && cargo run --release -- run card.toml --out out\n",
        dir.display()
    ));
    Ok(())
}

/// The crate name `dir` gives: ASCII letters, digits, `-` and `_`, not starting with a digit or
/// `-`, and not one of pirk's own packages.
fn crate_name(dir: &Path) -> Result<&str, InputError> {
    let Some(name) = dir.file_name().and_then(|n| n.to_str()) else {
        bad_input!("new: {} does not end in a crate name", dir.display());
    };
    let valid = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !valid {
        bad_input!(
            "new: `{name}` is not a crate name (ASCII letters, digits, `-` and `_`, starting with a letter or `_`)"
        );
    }
    if PIRK_PACKAGES.contains(&name) {
        bad_input!("new: `{name}` is the name of one of pirk's own packages");
    }
    Ok(name)
}
