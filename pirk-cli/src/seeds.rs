//! Independent seeds for the parts of a job, derived from the card's one seed. Generation
//! chunk `c` gets its own seed, so a resumed run regenerates exactly the missing chunks.
//! Training's collocation ensemble uses the card seed itself (streams `0..samples`).

/// Generation chunk `c` of the target run.
pub fn chunk(seed: u64, c: usize) -> u64 {
    derive(seed, 0x1_0000 + c as u64)
}

/// Generation at scan point `p`.
pub fn scan_point(seed: u64, p: usize) -> u64 {
    derive(seed, 0x2_0000 + p as u64)
}

/// The pilot ensemble that chooses generation steps (`[sample] steps = "auto"`).
pub fn step_pilot(seed: u64) -> u64 {
    derive(seed, 6)
}

/// The pilot ensemble of tuning round `r` (`[tune]`).
pub fn tune_pilot(seed: u64, r: usize) -> u64 {
    derive(seed, 0x3_0000 + r as u64)
}

/// The draws that fit the prior's mass when the card gives no prior (`pirk::nearest_mass`).
pub fn nearest_gaussian(seed: u64) -> u64 {
    derive(seed, 7)
}

/// The HMC chain the stationarity check runs from configuration `i`.
pub fn stationarity(seed: u64, i: usize) -> u64 {
    derive(seed, 0x1_0000_0000 + i as u64)
}

/// The independence-MH accept/reject stream.
pub fn mh(seed: u64) -> u64 {
    derive(seed, 1)
}

/// HMC thermalisation trajectories.
pub fn hmc_thermalise(seed: u64) -> u64 {
    derive(seed, 2)
}

/// Measured HMC trajectories.
pub fn hmc(seed: u64) -> u64 {
    derive(seed, 3)
}

/// Wolff thermalisation updates.
pub fn wolff_thermalise(seed: u64) -> u64 {
    derive(seed, 4)
}

/// Measured Wolff updates.
pub fn wolff(seed: u64) -> u64 {
    derive(seed, 5)
}

/// A seed for `domain`: the runtime hashes it again per stream, so an odd-multiplier mix
/// is enough to keep domains apart.
fn derive(seed: u64, domain: u64) -> u64 {
    seed ^ domain.wrapping_mul(0x9e37_79b9_7f4a_7c15)
}
