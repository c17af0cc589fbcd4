//! Blocked jackknife for derived quantities `f(⟨a⟩, ⟨b⟩, …)` such as χ or the Binder
//! cumulant, for plain or importance-weighted samples. Contiguous blocks absorb
//! autocorrelations shorter than a block.

use crate::Estimate;
use crate::error::{Result, ensure};

/// Blocked jackknife settings.
#[derive(Clone, Copy, Debug)]
pub struct Jackknife {
    blocks: usize,
}

impl Default for Jackknife {
    fn default() -> Self {
        Self::new()
    }
}

impl Jackknife {
    /// 20 blocks.
    pub fn new() -> Self {
        Self { blocks: 20 }
    }

    /// Sets the number of blocks (at least 2).
    pub fn with_blocks(mut self, blocks: usize) -> Result<Self> {
        ensure(
            blocks >= 2,
            "blocks",
            format!("need at least 2, got {blocks}"),
        )?;
        self.blocks = blocks;
        Ok(self)
    }

    /// `f` of the (weighted) means of `columns`, with its jackknife error. Each column holds
    /// one primary observable per sample; `weights` (non-negative) default to 1.
    pub fn estimate(
        &self,
        columns: &[&[f64]],
        weights: Option<&[f64]>,
        f: impl Fn(&[f64]) -> f64,
    ) -> Estimate {
        let n = columns.first().map_or(0, |c| c.len());
        let blocks = self.blocks.min(n.max(1));
        let weight = |i: usize| weights.map_or(1.0, |w| w[i]);
        // Weighted sums per block and column, and block weight totals.
        let mut sums = vec![vec![0.0; columns.len()]; blocks];
        let mut wsum = vec![0.0; blocks];
        for i in 0..n {
            let b = i * blocks / n;
            let wi = weight(i);
            if wi == 0.0 {
                continue;
            }
            wsum[b] += wi;
            for (s, c) in sums[b].iter_mut().zip(columns) {
                *s += wi * c[i];
            }
        }
        let total: Vec<f64> = (0..columns.len())
            .map(|c| sums.iter().map(|s| s[c]).sum())
            .collect();
        let wtotal: f64 = wsum.iter().sum();
        let value = f(&total.iter().map(|s| s / wtotal).collect::<Vec<_>>());
        let leave_out: Vec<f64> = (0..blocks)
            .map(|b| {
                let w = wtotal - wsum[b];
                let means: Vec<f64> = total
                    .iter()
                    .zip(&sums[b])
                    .map(|(t, s)| (t - s) / w)
                    .collect();
                f(&means)
            })
            .collect();
        let bf = blocks as f64;
        let mean = leave_out.iter().sum::<f64>() / bf;
        let var = leave_out.iter().map(|x| (x - mean).powi(2)).sum::<f64>() * (bf - 1.0) / bf;
        Estimate {
            value,
            error: var.sqrt(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_error_matches_standard_error() {
        let x: Vec<f64> = (0..1000).map(|i| ((i * 37 % 101) as f64) / 101.0).collect();
        let e = Jackknife::new()
            .with_blocks(1000)
            .unwrap()
            .estimate(&[&x], None, |m| m[0]);
        let mean = x.iter().sum::<f64>() / 1000.0;
        let sd = (x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 999.0).sqrt();
        assert!((e.value - mean).abs() < 1e-12);
        assert!((e.error - sd / 1000f64.sqrt()).abs() < 1e-10);
    }
}
