//! Lean bases: kernels that carry nothing along the path are dropped after training and every
//! grid slice is re-solved without them, so generation never evaluates them.
//!
//! What a kernel carries is what the fit loses without it: the increase of the Wegner
//! least-squares residual when the kernel is removed and the slice re-solved, summed over the
//! grid slices (the path's residual, `RSS = Σ_t ‖A_t k_t − b_t‖²` over the collocation
//! samples). That sees through collinearity: near-critical bases spread the velocity over
//! kernels with large cancelling coefficients, so a kernel's own term `k_j A_j` says nothing
//! about what it adds, while a redundant kernel costs nothing to remove. [`eliminate`] removes,
//! one at a time, the kernel whose removal raises the path's RSS least, while the residual
//! added in quadrature stays within `τ` of the right-hand side, `RSS_lean − RSS ≤ τ² Σ_t ‖b_t‖²`.
//! Since the log-weights' variance grows with the path's residual, `τ` well below the flow's
//! own relative residual keeps the ESS.
//!
//! No second pass over the ensembles is needed: a slice is kept as the triangular factor `R̄`
//! of its centred system `[A b] = Q R̄`. Since `Q` is orthogonal, least squares on any subset
//! of `A`'s columns gives the same coefficients, residual and condition from the `n + 1` rows
//! of `R̄` as from the samples' rows ([`WegnerSolver::solve_reduced`]); the cost of removing
//! column `j` is `x_j² / ((R⁻¹R⁻ᵀ)_jj)`.

use faer::Mat;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::wegner::Centred;
use crate::error::Result;
use crate::{SliceSolution, WegnerSolver};

/// How much residual the dropped kernels may add over the path.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PruneRule {
    /// Within `τ` of the right-hand side: `RSS_lean − RSS ≤ τ² Σ_t ‖b_t‖²`.
    Absolute(f64),
    /// Within `ρ` of the flow's own residual, `RSS_lean − RSS ≤ ρ² RSS`: the same share of
    /// the log-weights' spread on every card, whatever its fit quality (which differs by 10×
    /// between cards, so no one absolute `τ` suits them all).
    Relative(f64),
}

/// What pruning did, stored with the flow.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pruning {
    /// The tolerance `τ` on the residual the dropped kernels add, relative to `‖b‖` (for a
    /// relative rule, `ρ` times the flow's own relative path residual).
    pub tolerance: f64,
    /// `ρ` of a relative rule (absent for an absolute one, and in older files).
    #[serde(default)]
    pub relative: Option<f64>,
    /// The residual they added over the path, `((RSS_lean − RSS) / Σ_t ‖b_t‖²)^½ ≤ τ`.
    pub added_residual: f64,
    /// Names of the dropped kernels, in basis order; their coefficients are zero.
    pub dropped: Vec<String>,
    /// The largest increase of a slice's relative residual caused by the re-solve.
    pub residual_increase: f64,
}

impl Pruning {
    /// Indices of the kernels of `names` that were kept.
    pub fn kept(&self, names: &[String]) -> Vec<usize> {
        (0..names.len())
            .filter(|&j| !self.dropped.contains(&names[j]))
            .collect()
    }
}

/// One slice as the triangular factor of its centred system `[A b]`.
#[derive(Clone, Debug)]
pub(super) struct Reduced {
    t: f64,
    r: Mat<f64>,
    dropped: usize,
}

impl WegnerSolver {
    /// Reduces the row-major system `a` (`rows × n`), `b` to its triangular factor, after the
    /// row filtering and centring of [`WegnerSolver::solve_system`].
    pub(super) fn reduce(&self, t: f64, n: usize, a: Vec<f64>, b: Vec<f64>) -> Result<Reduced> {
        let Centred { mat, rhs, dropped } = self.centre(t, n, a, b, None)?;
        let joined = Mat::from_fn(mat.nrows(), n + 1, |r, c| {
            if c < n { mat[(r, c)] } else { rhs[(r, 0)] }
        });
        Ok(Reduced {
            t,
            r: joined.qr().thin_R().to_owned(),
            dropped,
        })
    }

    /// Least squares on the columns `keep` of a reduced slice; the other coefficients are 0.
    pub(super) fn solve_reduced(&self, s: &Reduced, keep: &[usize]) -> Result<SliceSolution> {
        let n = s.r.ncols() - 1;
        let centred = Centred {
            mat: Mat::from_fn(s.r.nrows(), keep.len(), |r, c| s.r[(r, keep[c])]),
            rhs: Mat::from_fn(s.r.nrows(), 1, |r, _| s.r[(r, n)]),
            dropped: s.dropped,
        };
        Ok(self.solve_centred(s.t, centred)?.scattered(n, keep))
    }
}

impl SliceSolution {
    /// The solution on the columns `keep` as coefficients of all `n` kernels (0 elsewhere).
    pub(super) fn scattered(mut self, n: usize, keep: &[usize]) -> Self {
        let mut coeffs = vec![0.0; n];
        for (&j, &k) in keep.iter().zip(&self.coeffs) {
            coeffs[j] = k;
        }
        self.coeffs = coeffs;
        self
    }
}

/// The columns `keep` of the row-major matrix `a` with `n` columns.
pub(super) fn columns(a: &[f64], n: usize, keep: &[usize]) -> Vec<f64> {
    a.chunks(n)
        .flat_map(|row| keep.iter().map(move |&j| row[j]))
        .collect()
}

/// What [`eliminate`] decided.
pub(super) struct Elimination {
    /// Per kernel: kept.
    pub keep: Vec<bool>,
    /// The residual the dropped ones add, relative to `‖b‖`.
    pub added: f64,
    /// The rule's tolerance relative to `‖b‖`.
    pub tolerance: f64,
}

/// Backward elimination on the reduced slices (see the module): which kernels to keep, and the
/// residual the dropped ones add. At least one kernel is kept.
pub(super) fn eliminate(slices: &[Reduced], rule: PruneRule) -> Elimination {
    let n = slices.first().map_or(0, |s| s.r.ncols() - 1);
    let scale: f64 = slices.iter().map(|s| s.r.col(n).squared_norm_l2()).sum();
    let relative = |rss: f64| {
        if scale > 0.0 {
            (rss / scale).sqrt()
        } else {
            0.0
        }
    };
    // Columns scaled to unit norm (the costs do not depend on it; the conditioning does).
    let mut systems: Vec<Mat<f64>> = slices
        .iter()
        .map(|s| {
            Mat::from_fn(s.r.nrows(), n + 1, |r, c| {
                let norm = s.r.col(c).norm_l2();
                if c < n && norm > 0.0 {
                    s.r[(r, c)] / norm
                } else {
                    s.r[(r, c)]
                }
            })
        })
        .collect();
    let rss = |systems: &[Mat<f64>]| -> f64 {
        systems
            .iter()
            .map(|m| m[(m.ncols() - 1, m.ncols() - 1)].powi(2))
            .sum()
    };
    let mut kept: Vec<usize> = (0..n).collect();
    // A column in the span of the ones before it (the identity kernel and the shells that sum
    // to it, say) carries nothing, and leaves `R` singular, where neither the removal costs nor
    // the last diagonal entry as the residual mean anything: such columns go first, at no cost.
    while kept.len() > 1 {
        let Some(c) =
            (0..kept.len()).find(|&c| systems.iter().any(|m| m[(c, c)].abs() <= DEPENDENT))
        else {
            break;
        };
        kept.remove(c);
        systems = without_column(&systems, c);
    }
    let full = rss(&systems);
    let tolerance = match rule {
        PruneRule::Absolute(tau) => tau,
        PruneRule::Relative(rho) => rho * relative(full),
    };
    let budget = tolerance * tolerance * scale;
    let mut added = 0.0;
    while kept.len() > 1 {
        let per_slice: Vec<Vec<f64>> = systems.par_iter().map(removal_costs).collect();
        let cost = |c: usize| per_slice.iter().map(|v| v[c]).sum::<f64>();
        let c = (0..kept.len())
            .min_by(|&a, &b| cost(a).total_cmp(&cost(b)).then(a.cmp(&b)))
            .expect("kernels left");
        if added + cost(c) > budget {
            break;
        }
        kept.remove(c);
        systems = without_column(&systems, c);
        added = (rss(&systems) - full).max(0.0);
    }
    Elimination {
        keep: (0..n).map(|j| kept.contains(&j)).collect(),
        added: relative(added),
        tolerance,
    }
}

/// A unit-norm column whose diagonal entry in `R` is this small lies in the span of the
/// columns before it to rounding: the fit's smallest singular value is then below it too, far
/// under the solver's cut-off (`rcond`, 10⁻⁶ by default), so the fit never used that direction.
const DEPENDENT: f64 = 1e-10;

/// The triangular factors of `systems` with column `c` removed.
fn without_column(systems: &[Mat<f64>], c: usize) -> Vec<Mat<f64>> {
    systems
        .par_iter()
        .map(|m| {
            let without = Mat::from_fn(m.nrows(), m.ncols() - 1, |r, j| {
                m[(r, if j < c { j } else { j + 1 })]
            });
            without.qr().thin_R().to_owned()
        })
        .collect()
}

/// For the triangular factor `[R c; 0 ρ]` of one slice, the increase of its RSS when each
/// column is removed and the rest re-solved: `x_j² / ‖row j of R⁻¹‖²` with `x = R⁻¹c`;
/// infinite where `R` is singular, so such a slice never lets a kernel go by accident.
fn removal_costs(m: &Mat<f64>) -> Vec<f64> {
    let k = m.ncols() - 1;
    // W = R⁻¹ (upper triangular), column by column by back substitution.
    let mut w = Mat::<f64>::zeros(k, k);
    for col in 0..k {
        for row in (0..=col).rev() {
            let rhs = if row == col { 1.0 } else { 0.0 };
            let sum: f64 = (row + 1..=col).map(|i| m[(row, i)] * w[(i, col)]).sum();
            w[(row, col)] = (rhs - sum) / m[(row, row)];
        }
    }
    (0..k)
        .map(|j| {
            let x: f64 = (j..k).map(|i| w[(j, i)] * m[(i, k)]).sum();
            let norm: f64 = (j..k).map(|i| w[(j, i)].powi(2)).sum();
            let cost = x * x / norm;
            if cost.is_finite() {
                cost
            } else {
                f64::INFINITY
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A system `b = 2 x0 − 3 x1 + noise` with a third column that is `x0` plus a tiny
    /// perturbation and a fourth that is unrelated to `b`.
    fn system() -> (usize, Vec<f64>, Vec<f64>) {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for i in 0..200 {
            let (x0, x1) = ((i as f64 * 0.37).sin(), (i as f64 * 0.91).cos());
            let x3 = (i as f64 * 2.3).sin() * (i as f64 * 0.13).cos();
            a.extend([x0, x1, x0 + 1e-3 * (i as f64 * 1.7).cos(), x3]);
            b.push(2.0 * x0 - 3.0 * x1 + 0.1 * (i as f64 * 1.1).sin());
        }
        (4, a, b)
    }

    /// The reduced solve equals the direct one, on all columns and on a subset.
    #[test]
    fn reduced_solve_equals_direct_solve() {
        let (n, a, b) = system();
        let solver = WegnerSolver::new();
        let reduced = solver.reduce(0.5, n, a.clone(), b.clone()).unwrap();
        for keep in [vec![0, 1, 2, 3], vec![0, 1], vec![1, 3]] {
            let direct = solver
                .solve_system(0.5, keep.len(), columns(&a, n, &keep), b.clone())
                .unwrap()
                .scattered(n, &keep);
            let small = solver.solve_reduced(&reduced, &keep).unwrap();
            for (x, y) in direct.coeffs.iter().zip(&small.coeffs) {
                assert!(
                    (x - y).abs() < 1e-9 * (1.0 + x.abs()),
                    "{keep:?}: {x} vs {y}"
                );
            }
            assert!((direct.residual - small.residual).abs() < 1e-10);
            assert!((direct.condition / small.condition - 1.0).abs() < 1e-6);
        }
    }

    /// A column that duplicates another up to 1e-3 and one unrelated to `b` cost almost
    /// nothing to remove, `x1` a lot: elimination drops the cheap ones within the tolerance and
    /// the re-solve adds what it reports.
    #[test]
    fn elimination_drops_what_costs_nothing() {
        let (n, a, b) = system();
        let solver = WegnerSolver::new();
        let reduced = solver.reduce(0.5, n, a, b).unwrap();
        let slices = std::slice::from_ref(&reduced);
        let full = solver.solve_reduced(&reduced, &[0, 1, 2, 3]).unwrap();
        let Elimination {
            keep,
            added,
            tolerance,
        } = eliminate(slices, PruneRule::Absolute(0.02));
        assert_eq!(tolerance, 0.02);
        assert_eq!(keep.iter().filter(|&&k| k).count(), 2, "{keep:?}");
        assert!(keep[1] && !keep[3] && keep[0] != keep[2], "{keep:?}");
        let kept: Vec<usize> = (0..n).filter(|&j| keep[j]).collect();
        let lean = solver.solve_reduced(&reduced, &kept).unwrap();
        let expect = (lean.residual.powi(2) - full.residual.powi(2)).sqrt();
        assert!(
            added <= 0.02 && (added - expect).abs() < 1e-9,
            "{added} vs {expect}"
        );
        assert_eq!(eliminate(slices, PruneRule::Absolute(0.0)).keep, [true; 4]);
        let all_but_one = eliminate(slices, PruneRule::Absolute(10.0)).keep;
        assert_eq!(all_but_one.iter().filter(|&&k| k).count(), 1);
        // Relative to the fit's own residual: ρ = 1.5 allows what 0.02 allowed only if the
        // residual is large enough, so the effective tolerance is checked, and what it keeps.
        let relative = eliminate(slices, PruneRule::Relative(1.5));
        assert!(
            (relative.tolerance - 1.5 * full.residual).abs() < 1e-12 * full.residual,
            "{} vs 1.5 × {}",
            relative.tolerance,
            full.residual
        );
        assert!(relative.added <= relative.tolerance);
        assert_eq!(
            relative.keep,
            eliminate(slices, PruneRule::Absolute(relative.tolerance)).keep
        );
        assert_eq!(eliminate(slices, PruneRule::Relative(0.0)).keep, [true; 4]);
    }

    /// Columns in the span of earlier ones (a sum of two, and a zero column, as the identity
    /// kernel beside the shells that sum to it, or a kernel that centring removes) are dropped
    /// first at no cost, and the fit's residual is still measured right: the relative
    /// tolerance is ρ times the full solve's residual, and the rest is pruned as without them.
    #[test]
    fn dependent_columns_go_first_and_keep_the_residual() {
        let (n, a, b) = system();
        let with: Vec<f64> = a
            .chunks(n)
            .flat_map(|row| [row[0], row[1], row[0] + row[1], 0.0, row[2], row[3]])
            .collect();
        let solver = WegnerSolver::new();
        let reduced = solver.reduce(0.5, n + 2, with, b.clone()).unwrap();
        let full = solver.solve_reduced(&reduced, &[0, 1, 2, 3, 4, 5]).unwrap();
        let e = eliminate(std::slice::from_ref(&reduced), PruneRule::Relative(0.0));
        assert_eq!(e.keep, [true, true, false, false, true, true]);
        assert!(e.added < 1e-12, "{}", e.added);
        let relative = eliminate(std::slice::from_ref(&reduced), PruneRule::Relative(1.5));
        assert!(
            (relative.tolerance - 1.5 * full.residual).abs() < 1e-9 * full.residual,
            "{} vs 1.5 × {}",
            relative.tolerance,
            full.residual
        );
        let plain = solver.reduce(0.5, n, a, b).unwrap();
        let without = eliminate(std::slice::from_ref(&plain), PruneRule::Relative(1.5)).keep;
        let expect: Vec<bool> = [0, 1, 4, 5].iter().map(|&j| relative.keep[j]).collect();
        assert_eq!(without, expect);
    }
}
