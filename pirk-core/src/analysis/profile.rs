//! Where the log-weight variance of a generated ensemble sits along one collective coordinate:
//! the configurations are split into equal-count bins of a label (`|M|` in pirk's reports) and
//! the share of `var(log w)` carried by the bin means is reported. Near a critical point a
//! flow can fit the fluctuations and still miss the target's magnetisation distribution; the
//! ESS then only says that the weights are poor, the profile says where (docs/physics.md).

use serde::Serialize;

/// The log-weights binned by a label.
#[derive(Clone, Debug, Serialize)]
pub struct LogWeightProfile {
    /// Bins in ascending label order.
    pub bins: Vec<ProfileBin>,
    /// Between-bin share of the variance of the finite log-weights, in `[0, 1]`: 0 when every
    /// bin has the same mean, 1 when the log-weight is a function of the bin.
    pub explained: f64,
}

/// One bin of a [`LogWeightProfile`].
#[derive(Clone, Debug, Serialize)]
pub struct ProfileBin {
    /// Smallest label in the bin.
    pub lo: f64,
    /// Largest label in the bin.
    pub hi: f64,
    /// Configurations in the bin.
    pub count: usize,
    /// Mean log-weight in the bin minus the mean over all bins.
    pub mean: f64,
    /// Standard deviation of the log-weights in the bin.
    pub sd: f64,
}

/// The profile of `log_w` over `bins` equal-count bins of `labels` (fewer when there are fewer
/// finite log-weights); non-finite log-weights (rejected configurations) are left out.
pub fn log_weight_profile(labels: &[f64], log_w: &[f64], bins: usize) -> LogWeightProfile {
    assert_eq!(labels.len(), log_w.len(), "one label per log-weight");
    let mut order: Vec<usize> = (0..log_w.len()).filter(|&i| log_w[i].is_finite()).collect();
    order.sort_by(|&x, &y| labels[x].total_cmp(&labels[y]).then(x.cmp(&y)));
    let n = order.len();
    let bins = bins.min(n);
    if bins == 0 {
        return LogWeightProfile {
            bins: Vec::new(),
            explained: 0.0,
        };
    }
    let mean = order.iter().map(|&i| log_w[i]).sum::<f64>() / n as f64;
    let total: f64 = order.iter().map(|&i| (log_w[i] - mean).powi(2)).sum();
    let bins: Vec<ProfileBin> = (0..bins)
        .map(|q| {
            let members = &order[q * n / bins..(q + 1) * n / bins];
            let count = members.len();
            let bin_mean = members.iter().map(|&i| log_w[i]).sum::<f64>() / count as f64;
            let var = members
                .iter()
                .map(|&i| (log_w[i] - bin_mean).powi(2))
                .sum::<f64>()
                / count as f64;
            ProfileBin {
                lo: labels[members[0]],
                hi: labels[members[count - 1]],
                count,
                mean: bin_mean - mean,
                sd: var.sqrt(),
            }
        })
        .collect();
    let between: f64 = bins.iter().map(|b| b.count as f64 * b.mean * b.mean).sum();
    LogWeightProfile {
        bins,
        explained: if total > 0.0 { between / total } else { 0.0 },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_function_of_the_bin_is_fully_explained() {
        let labels: Vec<f64> = (0..40).map(|i| (i * 7 % 40) as f64).collect();
        let log_w: Vec<f64> = labels.iter().map(|&m| (m / 10.0).floor()).collect();
        let p = log_weight_profile(&labels, &log_w, 4);
        assert!((p.explained - 1.0).abs() < 1e-12, "{}", p.explained);
        let means: Vec<f64> = p.bins.iter().map(|b| b.mean).collect();
        assert_eq!(means, vec![-1.5, -0.5, 0.5, 1.5]);
        assert!(p.bins.iter().all(|b| b.count == 10 && b.sd == 0.0));
        assert_eq!((p.bins[1].lo, p.bins[1].hi), (10.0, 19.0));
    }

    /// Within-bin noise only: nothing explained. The between/within split is exact: total
    /// variance = between + Σ count·sd².
    #[test]
    fn noise_within_bins_is_not_explained_and_the_split_adds_up() {
        let labels: Vec<f64> = (0..60).map(|i| (i / 20) as f64).collect();
        let log_w: Vec<f64> = (0..60)
            .map(|i| if i % 2 == 0 { 1.0 } else { -1.0 })
            .collect();
        assert_eq!(log_weight_profile(&labels, &log_w, 3).explained, 0.0);
        let log_w: Vec<f64> = (0..60)
            .map(|i| (i as f64 * 0.7).sin() + 0.02 * i as f64)
            .collect();
        let p = log_weight_profile(&labels, &log_w, 3);
        let mean = log_w.iter().sum::<f64>() / 60.0;
        let total: f64 = log_w.iter().map(|l| (l - mean).powi(2)).sum();
        let within: f64 = p.bins.iter().map(|b| b.count as f64 * b.sd * b.sd).sum();
        assert!((p.explained - (1.0 - within / total)).abs() < 1e-12);
        assert!(p.explained > 0.0 && p.explained < 1.0);
    }

    #[test]
    fn rejected_configurations_are_left_out() {
        let labels = [0.1, 0.2, 0.3, 0.4, 0.5];
        let log_w = [1.0, f64::NEG_INFINITY, 2.0, f64::NAN, 3.0];
        let p = log_weight_profile(&labels, &log_w, 8);
        assert_eq!(p.bins.len(), 3);
        assert_eq!(p.bins.iter().map(|b| b.count).sum::<usize>(), 3);
        assert!((p.explained - 1.0).abs() < 1e-12);
        assert!(log_weight_profile(&[], &[], 4).bins.is_empty());
    }
}
