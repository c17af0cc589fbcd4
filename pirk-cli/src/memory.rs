//! Refusing a card whose working set cannot fit in this machine's memory, before anything is
//! allocated: an allocation failure aborts the process (exit 134) with no word on which
//! setting asked for too much. The estimate counts what a job holds at once — the lattice's
//! neighbour tables plus the largest of the collocation ensemble with its Wegner matrix, a
//! generation chunk, and the HMC chain's configurations — and leaves out per-thread buffers of
//! a few configurations.

use crate::card::Card;
use crate::error::{InputError, bad_input};

/// Lattice sites of `card`, refusing a product that overflows.
pub fn volume(card: &Card) -> Result<usize, InputError> {
    match card
        .lattice
        .iter()
        .try_fold(1usize, |v, &l| v.checked_mul(l))
    {
        Some(v) => Ok(v),
        None => bad_input!(
            "lattice: {:?} has more sites than this machine can address",
            card.lattice
        ),
    }
}

/// Refuses `card` when its largest stage, with a basis of `kernels` kernels, needs more than
/// the machine's memory (`/proc/meminfo`; no check where that cannot be read), for a field of
/// `components` values per site.
pub fn check(
    card: &Card,
    volume: usize,
    components: usize,
    kernels: usize,
) -> Result<(), InputError> {
    let Some(total) = machine_bytes() else {
        return Ok(());
    };
    let f64s = 8u128;
    let tables = 2 * volume as u128 * card.lattice.len() as u128 * 8;
    // One configuration's values.
    let v = volume as u128 * components as u128;
    let collocation = card.flow.samples.max(card.refine_samples()) as u128;
    let stages = [
        (
            format!(
                "{collocation} collocation samples of {volume} sites{}",
                match kernels {
                    0 => String::new(),
                    k => format!(" and {k} kernels"),
                }
            ),
            collocation * (v + 2 * kernels as u128) * f64s,
        ),
        (
            format!("generation chunks of {} configurations", card.sample.chunk),
            2 * card.sample.chunk as u128 * v * f64s,
        ),
        (
            format!("{} HMC configurations", card.hmc.trajectories),
            card.hmc.trajectories as u128 * v * f64s,
        ),
    ];
    let (what, largest) = stages
        .iter()
        .max_by_key(|(_, bytes)| *bytes)
        .expect("three stages");
    let need = tables + largest;
    if need > total {
        bad_input!(
            "lattice {:?}: needs about {} of memory ({what}), but this machine has {}",
            card.lattice,
            gib(need),
            gib(total)
        );
    }
    Ok(())
}

fn gib(bytes: u128) -> String {
    format!("{:.1} GiB", bytes as f64 / (1u128 << 30) as f64)
}

/// `MemTotal` of `/proc/meminfo` in bytes.
fn machine_bytes() -> Option<u128> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: u128 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
