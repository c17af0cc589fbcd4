//! The output directory, written all-or-nothing: a job works in a staging directory next to
//! `DIR` (which also holds its checkpoints) and renames it into place when complete. Inside
//! it, every file is written under a temporary name and renamed, so a kill never leaves a
//! half-written file, and `--resume` finds only complete checkpoints. In an MPI run only rank 0
//! touches it; the other ranks write nothing (crate::shared).

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{InputError, bad_input};

/// How an existing `DIR` or interrupted run is treated.
#[derive(Clone, Copy, Debug)]
pub struct Policy {
    /// Replace an existing `DIR`, discard an interrupted run.
    pub force: bool,
    /// Continue an interrupted run from its checkpoints.
    pub resume: bool,
}

/// A staging directory that becomes `DIR` on [`OutDir::finish`].
#[derive(Debug)]
pub struct OutDir {
    target: PathBuf,
    stage: PathBuf,
}

impl OutDir {
    /// Checks `out` against `policy` and creates (or reopens) the staging directory, creating
    /// missing parents of `out` as it goes. In an MPI run rank 0 does this and every rank
    /// takes its outcome.
    pub fn open(out: &Path, policy: Policy) -> Result<Self, InputError> {
        let ranks = pirk::ranks();
        if ranks.size() == 1 {
            return Self::open_here(out, policy);
        }
        let verdict = match ranks.is_root().then(|| Self::open_here(out, policy)) {
            Some(Ok(dir)) => [&[0], dir.stage.as_os_str().as_encoded_bytes()].concat(),
            Some(Err(e)) => [&[1], e.to_string().as_bytes()].concat(),
            None => Vec::new(),
        };
        let verdict = ranks.broadcast(verdict);
        let text = String::from_utf8_lossy(&verdict[1..]).into_owned();
        match verdict[0] {
            0 => Ok(Self {
                target: out.to_path_buf(),
                stage: PathBuf::from(text),
            }),
            _ => Err(InputError::new(text)),
        }
    }

    fn open_here(out: &Path, policy: Policy) -> Result<Self, InputError> {
        let Some(name) = out.file_name() else {
            bad_input!("--out: `{}` does not name a directory", out.display());
        };
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let existing = nearest_existing_dir(out, &parent)?;
        let stage = parent.join(format!(".{}.pirk-partial", name.to_string_lossy()));
        if out.is_file() && !policy.force {
            bad_input!(
                "--out: `{}` is a file; pass --force to replace it",
                out.display()
            );
        }
        if out.exists() && !policy.force {
            bad_input!(
                "--out: `{}` already exists; pass --force to replace it",
                out.display()
            );
        }
        if policy.resume {
            if !stage.is_dir() {
                bad_input!(
                    "--resume: no interrupted run for `{}` (`{}` does not exist)",
                    out.display(),
                    stage.display()
                );
            }
        } else if stage.exists() {
            if !policy.force {
                bad_input!(
                    "--out: an interrupted run for `{}` is in `{}`; pass --resume to continue it or --force to start over",
                    out.display(),
                    stage.display()
                );
            }
            fs::remove_dir_all(&stage).map_err(|e| {
                InputError::new(format!("--force: cannot remove `{}`: {e}", stage.display()))
            })?;
        }
        fs::create_dir_all(stage.join(CHECKPOINTS)).map_err(|e| {
            InputError::new(format!(
                "--out: cannot create `{}`: `{}` is not writable ({e})",
                out.display(),
                existing.display()
            ))
        })?;
        Ok(Self {
            target: out.to_path_buf(),
            stage,
        })
    }

    /// Where file `name` of the finished directory is staged.
    pub fn path(&self, name: &str) -> PathBuf {
        self.stage.join(name)
    }

    /// Where checkpoint `name` lives (removed by [`OutDir::finish`]).
    pub fn checkpoint(&self, name: &str) -> PathBuf {
        self.stage.join(CHECKPOINTS).join(name)
    }

    /// Moves the staging directory to `DIR` (replacing an existing one under `--force`).
    pub fn finish(self) -> std::io::Result<PathBuf> {
        if !pirk::ranks().is_root() {
            return Ok(self.target);
        }
        fs::remove_dir_all(self.stage.join(CHECKPOINTS))?;
        if self.target.is_dir() {
            fs::remove_dir_all(&self.target)?;
        } else if self.target.exists() {
            fs::remove_file(&self.target)?;
        }
        fs::rename(&self.stage, &self.target)?;
        Ok(self.target)
    }
}

const CHECKPOINTS: &str = "checkpoints";

/// The nearest ancestor of `out` that exists, starting at `parent`: missing ones are created
/// later, but one that is a file (or unreadable) makes `out` impossible.
fn nearest_existing_dir(out: &Path, parent: &Path) -> Result<PathBuf, InputError> {
    for dir in parent.ancestors().filter(|d| !d.as_os_str().is_empty()) {
        match fs::metadata(dir) {
            Ok(meta) if meta.is_dir() => return Ok(dir.to_path_buf()),
            Ok(_) => bad_input!(
                "--out: cannot create `{}`: `{}` is a file",
                out.display(),
                dir.display()
            ),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
                ) => {}
            Err(e) => bad_input!(
                "--out: cannot create `{}`: cannot read `{}` ({e})",
                out.display(),
                dir.display()
            ),
        }
    }
    Ok(PathBuf::from("."))
}

/// Writes `file` by calling `write` on a temporary sibling (same extension, so format-sniffing
/// writers still work) and renaming it into place. Only rank 0 writes; a write that fails there
/// in an MPI run ends every rank, which would otherwise wait for it.
pub fn write_atomic<E>(
    file: &Path,
    write: impl FnOnce(&Path) -> Result<(), E>,
) -> anyhow::Result<()>
where
    E: Into<anyhow::Error>,
{
    let ranks = pirk::ranks();
    if !ranks.is_root() {
        return Ok(());
    }
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = file.with_file_name(format!(".tmp-{name}"));
    let written = write(&tmp)
        .map_err(Into::into)
        .and_then(|()| Ok(fs::rename(&tmp, file)?));
    if let Err(e) = &written
        && ranks.size() > 1
    {
        eprintln!("error: {e:#}");
        ranks.abort(1);
    }
    written
}

/// Writes `bytes` to `file` atomically.
pub fn write_bytes(file: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    write_atomic(file, |tmp| fs::write(tmp, bytes))
}
