//! What the ranks of an MPI run share (docs/cluster.md). Every rank runs the same job on the
//! same data, so they stay in step without coordination; only rank 0 touches the output
//! directory and prints. What rank 0 reads from a file it sends to the others, so they need
//! not see the same filesystem, and the one input every rank reads itself, the card, is
//! checked to be the same everywhere before anything starts. With one rank all of this is a
//! plain file read.

use std::path::Path;

use crate::error::InputError;

/// `file`'s bytes if it exists (`None` if not), read by rank 0 and sent to every rank.
pub fn read(file: &Path) -> anyhow::Result<Option<Vec<u8>>> {
    let ranks = pirk::ranks();
    let mut message = Vec::new();
    if ranks.is_root() {
        match std::fs::read(file) {
            Ok(bytes) => {
                message.push(PRESENT);
                message.extend(bytes);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => message.push(ABSENT),
            Err(e) => {
                message.push(FAILED);
                message.extend(format!("cannot read {}: {e}", file.display()).into_bytes());
            }
        }
    }
    let mut message = ranks.broadcast(message);
    let body = message.split_off(1);
    match message[0] {
        PRESENT => Ok(Some(body)),
        ABSENT => Ok(None),
        _ => Err(anyhow::anyhow!(String::from_utf8_lossy(&body).into_owned())),
    }
}

const ABSENT: u8 = 0;
const PRESENT: u8 = 1;
const FAILED: u8 = 2;

/// Fails on every rank, with the same message, unless every rank read the same bytes from
/// `file` as rank 0: ranks started on other cards (or other copies of one) would train and
/// sample different things and gather them as if they were one.
pub fn agree_on_card(file: &Path) -> Result<(), InputError> {
    let ranks = pirk::ranks();
    if ranks.size() == 1 {
        return Ok(());
    }
    let root = match read(file) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => {
            return Err(InputError::new(format!(
                "cannot read card {}: no such file on rank 0",
                file.display()
            )));
        }
        Err(e) => return Err(InputError::new(format!("card: {e:#}"))),
    };
    let same = std::fs::read(file).is_ok_and(|own| own == root);
    let differ: Vec<String> = (ranks.all_gather(vec![f64::from(u8::from(same))]).iter())
        .enumerate()
        .filter(|&(_, &same)| same == 0.0)
        .map(|(rank, _)| rank.to_string())
        .collect();
    if differ.is_empty() {
        return Ok(());
    }
    Err(InputError::new(format!(
        "ranks disagree on the card: rank(s) {} read other bytes from `{}` than rank 0 (or none); \
         every rank must see the same card",
        differ.join(", "),
        file.display()
    )))
}
