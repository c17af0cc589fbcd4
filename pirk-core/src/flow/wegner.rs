//! One time slice of the Wegner equation: assemble `A_t k = b_t` over the collocation ensemble
//! and solve it in the least-squares sense.
//!
//! Rows are `L_j(φ_n)` and `b_n = ∂_t Ŝ_t(φ_n)`, both centred (see [`Centring`]) to remove the
//! unknown `d log N_t/dt`. Columns are scaled to unit norm before solving; the coefficients are
//! scaled back. Assembly is parallel over configurations, each row written by exactly one task
//! and every reduction sequential in row order, so results do not depend on the thread count.

use faer::linalg::solvers::{Solve, SolveLstsq};
use faer::{Mat, Side};
use rayon::prelude::*;
use serde::Deserialize;

use crate::Basis;
use crate::Path;
use crate::Theory;
use crate::error::{Error, Result, ensure};
use crate::lanes::{LANES, scatter};
use crate::vmath::Level;

/// How the constant `d log N_t/dt` is removed (`"reference"` or `"mean"` in a card).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Centring {
    /// Subtract the row at the reference configuration χ = 0 (the paper's choice).
    Reference,
    /// Subtract the ensemble means (default). By Stein's identity `E[L_j] = 0`, so this is
    /// equivalent, but it is the least-squares optimal intercept and stays well conditioned when
    /// χ = 0 is atypical (broken phase, double wells).
    #[default]
    Mean,
}

/// The least-squares method (`"qr"`, `"cholesky"` or `"svd"` in a card).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Householder QR (default): keeps ≈ 1e-8 on ill-conditioned bases.
    #[default]
    Qr,
    /// Normal equations + Cholesky: fastest, loses digits when ill conditioned.
    Cholesky,
    /// Thin SVD with the singular values below `rcond·σ_max` cut (always used when the
    /// condition estimate exceeds `1/rcond` or 1e6, beyond which the Gram-matrix estimate
    /// cannot be trusted).
    Svd,
}

/// The solver settings.
#[derive(Clone, Debug)]
pub struct WegnerSolver {
    centring: Centring,
    method: Method,
    rcond: f64,
}

/// The outcome of one slice.
#[derive(Clone, Debug)]
pub struct SliceSolution {
    /// The time.
    pub t: f64,
    /// `k_j(t)` in basis order.
    pub coeffs: Vec<f64>,
    /// `‖Ak − b‖/‖b‖` (0 when `b = 0`).
    pub residual: f64,
    /// Condition number of the column-scaled `A` (from the eigenvalues of `AᵀA`).
    pub condition: f64,
    /// Numerical rank used (columns kept).
    pub rank: usize,
    /// Rows dropped because they were not finite (or, in a weighted solve, had no weight).
    pub dropped: usize,
}

impl Default for WegnerSolver {
    fn default() -> Self {
        Self::new()
    }
}

impl WegnerSolver {
    /// Mean centring, QR, `rcond = 1e-6`. A looser cut-off lets nearly collinear kernels (say
    /// `tanh(M/4)`, `M e^{−M²/50}` and the zero-mode shell) take huge cancelling coefficients:
    /// a velocity that fits the collocation ensemble, extrapolates like a high power outside it
    /// and biases results without lowering the ESS (docs/physics.md).
    pub fn new() -> Self {
        Self {
            centring: Centring::Mean,
            method: Method::Qr,
            rcond: 1e-6,
        }
    }

    /// Sets the centring.
    pub fn with_centring(mut self, centring: Centring) -> Self {
        self.centring = centring;
        self
    }

    /// Sets the method.
    pub fn with_method(mut self, method: Method) -> Self {
        self.method = method;
        self
    }

    /// Sets the relative singular-value cut-off, `0 < rcond < 1`.
    pub fn with_rcond(mut self, rcond: f64) -> Result<Self> {
        ensure(
            rcond > 0.0 && rcond < 1.0,
            "rcond",
            format!("must be in (0, 1), got {rcond}"),
        )?;
        self.rcond = rcond;
        Ok(self)
    }

    /// Assembles and solves the slice at time `t` on the flat ensemble `phi` (`n × V`).
    pub fn solve_slice<T: Theory>(
        &self,
        theory: &T,
        basis: &Basis<T>,
        path: &Path,
        t: f64,
        phi: &[f64],
    ) -> Result<SliceSolution> {
        let (a, b) = self.assemble(theory, basis, path, t, phi);
        self.solve_system(t, basis.len(), a, b)
    }

    /// The row-major system `A_t` (`n × basis.len()`) and `b_t` at time `t` on the flat
    /// ensemble `phi`, reference-centred if so configured (mean centring happens in
    /// [`WegnerSolver::solve_system`], after non-finite rows are dropped).
    pub fn assemble<T: Theory>(
        &self,
        theory: &T,
        basis: &Basis<T>,
        path: &Path,
        t: f64,
        phi: &[f64],
    ) -> (Vec<f64>, Vec<f64>) {
        let v = basis.field_len();
        let n = basis.len();
        let mut theta = vec![0.0; path.len()];
        let mut theta_dot = vec![0.0; path.len()];
        path.theta(t, &mut theta);
        path.theta_dot(t, &mut theta_dot);
        let rows = phi.len() / v;
        let mut a = vec![0.0; rows * n];
        let mut b = vec![0.0; rows];
        // Lane groups of configurations through the theory's batched code; a partial last
        // group is padded with zero fields, whose rows are not kept.
        let level = Level::best();
        a.par_chunks_mut(n.max(1) * LANES)
            .zip(phi.par_chunks(v * LANES))
            .zip(b.par_chunks_mut(LANES))
            .for_each_init(
                || (basis.scratch(), vec![0.0; v * LANES]),
                |(s, group), ((rows, configs), bn)| {
                    group.iter_mut().for_each(|x| *x = 0.0);
                    for (l, config) in configs.chunks(v).enumerate() {
                        scatter(config, l, group);
                    }
                    basis.rows_lanes(theory, level, t, &theta, &theta_dot, group, rows, bn, s);
                },
            );
        if self.centring == Centring::Reference {
            let mut s = basis.scratch();
            let mut r0 = vec![0.0; n];
            let b0 = basis.row(
                theory,
                t,
                &theta,
                &theta_dot,
                &vec![0.0; v],
                &mut r0,
                &mut s,
            );
            for (row, bn) in a.chunks_mut(n.max(1)).zip(b.iter_mut()) {
                row.iter_mut().zip(&r0).for_each(|(x, y)| *x -= y);
                *bn -= b0;
            }
        }
        (a, b)
    }

    /// Solves the row-major system `a` (`rows × n`), `b`, dropping non-finite rows and
    /// centring by the mean if so configured.
    pub fn solve_system(
        &self,
        t: f64,
        n: usize,
        a: Vec<f64>,
        b: Vec<f64>,
    ) -> Result<SliceSolution> {
        self.solve(t, n, a, b, None)
    }

    /// [`WegnerSolver::solve_system`] with row `i` counted `weights[i]` times: the importance
    /// weights that turn an ensemble drawn from `q_t` into one for `p_t`, where the Wegner
    /// equation must hold. Mean centring uses the weighted mean and row `i` is scaled by
    /// `√(w_i / mean w)`, so the residual is the weighted relative residual; rows with zero or
    /// non-finite weight are dropped.
    pub fn solve_weighted(
        &self,
        t: f64,
        n: usize,
        a: Vec<f64>,
        b: Vec<f64>,
        weights: &[f64],
    ) -> Result<SliceSolution> {
        assert_eq!(weights.len(), b.len(), "one weight per row");
        self.solve(t, n, a, b, Some(weights))
    }

    /// The solve behind both entry points; unit weights when `weights` is `None`.
    fn solve(
        &self,
        t: f64,
        n: usize,
        a: Vec<f64>,
        b: Vec<f64>,
        weights: Option<&[f64]>,
    ) -> Result<SliceSolution> {
        let centred = self.centre(t, n, a, b, weights)?;
        self.solve_centred(t, centred)
    }

    /// The rows that take part (finite, with positive finite weight), centred and scaled by
    /// the square roots of their relative weights.
    pub(super) fn centre(
        &self,
        t: f64,
        n: usize,
        a: Vec<f64>,
        b: Vec<f64>,
        weights: Option<&[f64]>,
    ) -> Result<Centred> {
        let weight = |i: usize| weights.map_or(1.0, |w| w[i]);
        let mut keep = Vec::with_capacity(b.len());
        for (i, bn) in b.iter().enumerate() {
            let w = weight(i);
            if w > 0.0
                && w.is_finite()
                && bn.is_finite()
                && a[i * n..(i + 1) * n].iter().all(|x| x.is_finite())
            {
                keep.push(i);
            }
        }
        let dropped = b.len() - keep.len();
        let m = keep.len();
        if m < n.max(1) {
            return Err(Error::Solve {
                t,
                reason: format!("{m} finite rows for {n} unknowns"),
            });
        }
        let w: Vec<f64> = keep.iter().map(|&i| weight(i)).collect();
        let total: f64 = w.iter().sum();
        let (mut mean_a, mut mean_b) = (vec![0.0; n], 0.0);
        if self.centring == Centring::Mean {
            for (&i, wi) in keep.iter().zip(&w) {
                mean_a
                    .iter_mut()
                    .zip(&a[i * n..])
                    .for_each(|(s, x)| *s += wi * x);
                mean_b += wi * b[i];
            }
            mean_a.iter_mut().for_each(|s| *s /= total);
            mean_b /= total;
        }
        // Unit weights give root 1 exactly, so the unweighted solve is unchanged bit for bit.
        let root: Vec<f64> = w.iter().map(|wi| (wi * m as f64 / total).sqrt()).collect();
        Ok(Centred {
            mat: Mat::from_fn(m, n, |r, c| (a[keep[r] * n + c] - mean_a[c]) * root[r]),
            rhs: Mat::from_fn(m, 1, |r, _| (b[keep[r]] - mean_b) * root[r]),
            dropped,
        })
    }

    /// Least squares on a centred system: columns scaled to unit norm, the method chosen by
    /// the condition estimate, coefficients scaled back.
    pub(super) fn solve_centred(&self, t: f64, centred: Centred) -> Result<SliceSolution> {
        let Centred {
            mut mat,
            rhs,
            dropped,
        } = centred;
        let n = mat.ncols();
        let b_norm = rhs.norm_l2();
        if b_norm == 0.0 {
            return Ok(SliceSolution {
                t,
                coeffs: vec![0.0; n],
                residual: 0.0,
                condition: 1.0,
                rank: 0,
                dropped,
            });
        }
        let scale: Vec<f64> = (0..n)
            .map(|c| {
                let s = mat.col(c).norm_l2();
                if s > 0.0 { s } else { 1.0 }
            })
            .collect();
        for (c, s) in scale.iter().enumerate() {
            mat.col_mut(c).iter_mut().for_each(|x| *x /= s);
        }
        let gram = mat.transpose() * &mat;
        let eig = gram
            .self_adjoint_eigenvalues(Side::Lower)
            .map_err(|e| Error::Solve {
                t,
                reason: format!("{e:?}"),
            })?;
        let (lo, hi) = (eig[0], eig[n - 1]);
        let mut condition = if lo > 0.0 {
            (hi / lo).sqrt()
        } else {
            f64::INFINITY
        };
        // The Gram estimate saturates near 1/√ε ≈ 7e7 (eigenvalues of AᵀA carry errors of
        // ε·λ_max): beyond GRAM_LIMIT it cannot tell a rank-deficient basis from an
        // ill-conditioned one, so the SVD decides, and reports its own σ_max/σ_min.
        let method = if condition > GRAM_LIMIT.min(1.0 / self.rcond) {
            Method::Svd
        } else {
            self.method
        };
        let (x, rank) = match method {
            Method::Qr => (mat.qr().solve_lstsq(&rhs), n),
            Method::Cholesky => {
                let llt = gram.llt(Side::Lower).map_err(|e| Error::Solve {
                    t,
                    reason: format!("{e:?}"),
                })?;
                (llt.solve(mat.transpose() * &rhs), n)
            }
            Method::Svd => {
                let svd = mat.thin_svd().map_err(|e| Error::Solve {
                    t,
                    reason: format!("{e:?}"),
                })?;
                let (u, sv, vv) = (svd.U(), svd.S().column_vector(), svd.V());
                condition = if sv[n - 1] > 0.0 {
                    sv[0] / sv[n - 1]
                } else {
                    f64::INFINITY
                };
                let cut = self.rcond * sv[0];
                let mut x = Mat::<f64>::zeros(n, 1);
                let mut rank = 0;
                for i in 0..n {
                    if sv[i] > cut {
                        rank += 1;
                        let c = (u.col(i).transpose() * rhs.col(0)) / sv[i];
                        for r in 0..n {
                            x[(r, 0)] += c * vv[(r, i)];
                        }
                    }
                }
                (x, rank)
            }
        };
        let residual = (&mat * &x - &rhs).norm_l2() / b_norm;
        let coeffs = (0..n).map(|c| x[(c, 0)] / scale[c]).collect();
        Ok(SliceSolution {
            t,
            coeffs,
            residual,
            condition,
            rank,
            dropped,
        })
    }
}

/// A slice's system after centring: the matrix, the right-hand side and the rows left out.
pub(super) struct Centred {
    pub(super) mat: Mat<f64>,
    pub(super) rhs: Mat<f64>,
    pub(super) dropped: usize,
}

/// Condition estimates from the Gram matrix above this are not trusted (see `solve_system`).
const GRAM_LIMIT: f64 = 1e6;

#[cfg(test)]
mod tests {
    use super::*;

    fn system(redundant: bool) -> (usize, Vec<f64>, Vec<f64>) {
        // b = 2 x0 − 3 x1 + 5 on 50 rows.
        let n = if redundant { 3 } else { 2 };
        let mut a = Vec::new();
        let mut b = Vec::new();
        for i in 0..50 {
            let (x0, x1) = ((i as f64 * 0.37).sin(), (i as f64 * 0.91).cos());
            a.extend([x0, x1]);
            if redundant {
                a.push(2.0 * x0);
            }
            b.push(2.0 * x0 - 3.0 * x1 + 5.0);
        }
        (n, a, b)
    }

    #[test]
    fn all_methods_recover_exact_coefficients() {
        for method in [Method::Qr, Method::Cholesky, Method::Svd] {
            let (n, a, b) = system(false);
            let s = WegnerSolver::new()
                .with_method(method)
                .solve_system(0.0, n, a, b)
                .unwrap();
            assert!((s.coeffs[0] - 2.0).abs() < 1e-9 && (s.coeffs[1] + 3.0).abs() < 1e-9);
            assert!(s.residual < 1e-10, "{method:?} {}", s.residual);
        }
    }

    #[test]
    fn redundant_columns_are_truncated() {
        let (n, a, b) = system(true);
        let s = WegnerSolver::new().solve_system(0.0, n, a, b).unwrap();
        assert_eq!(s.rank, 2);
        assert!(s.residual < 1e-10);
        assert!((s.coeffs[0] + 2.0 * s.coeffs[2] - 2.0).abs() < 1e-9);
    }

    /// A column that is a combination of others up to rounding (as the identity kernel is of
    /// the momentum shells) has a Gram condition estimate stuck at the eigensolver's noise
    /// floor, far below 1/rcond: the solver must still see the rank deficit.
    #[test]
    fn redundant_up_to_rounding_is_truncated() {
        // Ten columns and their sum: the Gram estimate here is finite, ≈ 4e8.
        let k = 10;
        let mut a = Vec::new();
        let mut b = Vec::new();
        for i in 0..400 {
            let x: Vec<f64> = (0..k)
                .map(|j| ((i * (j + 3)) as f64 * 0.37 + j as f64).sin() * (1.0 + j as f64))
                .collect();
            b.push(
                x.iter()
                    .enumerate()
                    .map(|(j, v)| v * (j as f64 - 5.5) / 7.0)
                    .sum::<f64>(),
            );
            a.push(x.iter().sum::<f64>());
            a.extend(x);
        }
        let s = WegnerSolver::new().solve_system(0.0, k + 1, a, b).unwrap();
        assert_eq!(s.rank, k, "condition {}", s.condition);
        assert!(s.coeffs.iter().all(|k| k.abs() < 10.0), "{:?}", s.coeffs);
        assert!(s.residual < 1e-10);
    }

    /// `system(false)` plus a deterministic misfit, so the least-squares optimum depends on
    /// how the rows are weighted.
    fn noisy_system() -> (usize, Vec<f64>, Vec<f64>) {
        let (n, a, mut b) = system(false);
        b.iter_mut()
            .enumerate()
            .for_each(|(i, bi)| *bi += (i as f64 * 1.7).sin() * (1.0 + (i % 3) as f64));
        (n, a, b)
    }

    #[test]
    fn equal_weights_reproduce_the_unweighted_solve() {
        let (n, a, b) = noisy_system();
        for method in [Method::Qr, Method::Cholesky, Method::Svd] {
            let solver = WegnerSolver::new().with_method(method);
            let plain = solver.solve_system(0.0, n, a.clone(), b.clone()).unwrap();
            let w = vec![0.37; b.len()];
            let weighted = solver
                .solve_weighted(0.0, n, a.clone(), b.clone(), &w)
                .unwrap();
            assert!(plain.residual > 0.1, "the misfit is not trivial");
            for (x, y) in plain.coeffs.iter().zip(&weighted.coeffs) {
                assert!((x - y).abs() < 1e-12, "{method:?}: {x} vs {y}");
            }
            assert!((plain.residual - weighted.residual).abs() < 1e-12);
        }
    }

    /// Integer weights are row multiplicities: the weighted solve (mean and rows) equals the
    /// unweighted one on the system with row `i` repeated `w_i` times.
    #[test]
    fn integer_weights_equal_repeated_rows() {
        let (n, a, b) = noisy_system();
        let w: Vec<f64> = (0..b.len()).map(|i| (i % 4) as f64).collect();
        let (mut ra, mut rb) = (Vec::new(), Vec::new());
        for (i, &wi) in w.iter().enumerate() {
            for _ in 0..wi as usize {
                ra.extend_from_slice(&a[i * n..(i + 1) * n]);
                rb.push(b[i]);
            }
        }
        let solver = WegnerSolver::new();
        let weighted = solver
            .solve_weighted(0.0, n, a.clone(), b.clone(), &w)
            .unwrap();
        let repeated = solver.solve_system(0.0, n, ra, rb).unwrap();
        let plain = solver.solve_system(0.0, n, a, b).unwrap();
        assert_eq!(weighted.dropped, w.iter().filter(|&&x| x == 0.0).count());
        for ((x, y), z) in weighted
            .coeffs
            .iter()
            .zip(&repeated.coeffs)
            .zip(&plain.coeffs)
        {
            assert!((x - y).abs() < 1e-12, "{x} vs {y}");
            assert!((x - z).abs() > 1e-3, "weights changed nothing: {x} vs {z}");
        }
        assert!((weighted.residual - repeated.residual).abs() < 1e-12);
    }

    #[test]
    fn rows_without_weight_are_dropped() {
        let (n, a, b) = noisy_system();
        let mut w = vec![1.0; b.len()];
        w[3] = 0.0;
        w[7] = f64::NAN;
        w[9] = f64::INFINITY;
        let s = WegnerSolver::new()
            .solve_weighted(0.0, n, a, b, &w)
            .unwrap();
        assert_eq!(s.dropped, 3);
        assert!(s.coeffs.iter().all(|x| x.is_finite()));
    }

    #[test]
    fn non_finite_rows_are_dropped() {
        let (n, mut a, b) = system(false);
        a[4] = f64::NAN;
        let s = WegnerSolver::new().solve_system(0.0, n, a, b).unwrap();
        assert_eq!(s.dropped, 1);
        assert!(s.residual < 1e-10);
    }
}
