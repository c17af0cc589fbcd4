//! The baselines over MPI ranks: every rank runs its own replica of the card's chain (its share
//! of the measured updates, seeds of its own: `ChainSchedule::replica`), and what they measured
//! is gathered in rank order and analysed together (the Γ-method over replicas). With one rank
//! every function here returns its input, so the chain is the single chain of a run without MPI.

/// The lengths of every rank's replica, in rank order, given this rank's.
pub fn lengths(own: usize) -> Vec<usize> {
    (pirk::ranks().all_gather(vec![own as f64]).iter())
        .map(|&n| n as usize)
        .collect()
}

/// The means `values` over every rank's `count` updates, weighted by their counts.
pub fn pooled(values: Vec<f64>, count: usize) -> Vec<f64> {
    let ranks = pirk::ranks();
    if ranks.size() == 1 {
        return values;
    }
    let k = values.len();
    let all = ranks.all_gather([vec![count as f64], values].concat());
    let total: f64 = all.chunks(k + 1).map(|r| r[0]).sum();
    (0..k)
        .map(|j| all.chunks(k + 1).map(|r| r[0] * r[1 + j]).sum::<f64>() / total)
        .collect()
}
