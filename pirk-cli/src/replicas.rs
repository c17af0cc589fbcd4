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

/// An estimate from this rank's `count` updates pooled over every rank's: the count-weighted
/// mean of the values, with the error of a weighted mean of independent replicas,
/// `√(Σ n_r² err_r²)/N`.
pub fn pooled_estimate(e: pirk::Estimate, count: usize) -> pirk::Estimate {
    if pirk::ranks().size() == 1 {
        return e;
    }
    let total: usize = lengths(count).iter().sum();
    let p = pooled(vec![e.value, count as f64 * e.error * e.error], count);
    pirk::Estimate {
        value: p[0],
        error: (p[1] / total as f64).sqrt(),
    }
}
