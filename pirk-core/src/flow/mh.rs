//! Independence Metropolis–Hastings with the flow as proposal: accept `φ'` with probability
//! `min(1, w(φ')/w(φ))`. The chain is exact; its proposals are independent.

use rand::RngExt;

use crate::rng::stream_rng;

/// The chain as indices into the proposal ensemble.
#[derive(Clone, Debug)]
pub struct MhChain {
    /// The state after each proposal (repeats on rejection).
    pub indices: Vec<usize>,
    /// Fraction of accepted proposals.
    pub acceptance: f64,
}

impl MhChain {
    /// `obs` along the chain (`obs` indexed like the proposals).
    pub fn series(&self, obs: &[f64]) -> Vec<f64> {
        self.indices.iter().map(|&i| obs[i]).collect()
    }
}

/// Runs the chain over the proposals in order, starting at the first finite log-weight;
/// rejected configurations (non-finite log-weight) are never accepted.
pub fn independence_mh(log_w: &[f64], seed: u64) -> MhChain {
    let Some(start) = log_w.iter().position(|x| x.is_finite()) else {
        return MhChain {
            indices: Vec::new(),
            acceptance: 0.0,
        };
    };
    let mut rng = stream_rng(seed, u64::MAX);
    let mut current = start;
    let mut accepted = 0;
    let mut indices = Vec::with_capacity(log_w.len() - start);
    indices.push(start);
    for (i, &lw) in log_w.iter().enumerate().skip(start + 1) {
        let u: f64 = rng.random();
        if lw.is_finite() && u.ln() < lw - log_w[current] {
            current = i;
            accepted += 1;
        }
        indices.push(current);
    }
    let proposals = (indices.len() - 1).max(1);
    MhChain {
        indices,
        acceptance: accepted as f64 / proposals as f64,
    }
}
