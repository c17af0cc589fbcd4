//! A reference interpreter of the IR: the generated code must agree with it.

use crate::ir::{Binder, Dir, Expr, component_index, rat_to_f64};

/// Everything an expression may read, at one site.
pub struct Env<'a> {
    /// Lattice extents (periodic, row-major, last axis fastest).
    pub dims: &'a [usize],
    /// Couplings.
    pub theta: &'a [f64],
    /// The field: `components` values per site, site-major.
    pub phi: &'a [f64],
    /// Values per site (`field: phi[N]`; 1 for a one-component field).
    pub components: usize,
}

impl Env<'_> {
    fn volume(&self) -> usize {
        self.dims.iter().product()
    }

    /// The site `x` displaced by `steps` along axis `mu`.
    fn displace(&self, x: usize, mu: usize, steps: i64) -> usize {
        let stride: usize = self.dims[mu + 1..].iter().product();
        let extent = self.dims[mu] as i64;
        let coord = ((x / stride) % self.dims[mu]) as i64;
        let moved = (coord + steps).rem_euclid(extent);
        (x as i64 + (moved - coord) * stride as i64) as usize
    }

    /// The value of `e` at site `x`.
    pub fn eval(&self, e: &Expr, x: usize) -> f64 {
        self.eval_in(e, x, &mut Vec::new())
    }

    /// `Σ_x e(x)`.
    pub fn total(&self, e: &Expr) -> f64 {
        (0..self.volume()).map(|x| self.eval(e, x)).sum()
    }

    fn eval_in(&self, e: &Expr, x: usize, dirs: &mut Vec<(Binder, usize)>) -> f64 {
        match e {
            Expr::Num(c) => rat_to_f64(c),
            Expr::Param(i) => self.theta[*i],
            Expr::Field(s, a) => {
                let site = s.0.iter().fold(x, |y, &(d, c)| {
                    let mu = match d {
                        Dir::Axis(k) => k as usize,
                        Dir::Bound(b) => {
                            dirs.iter()
                                .rev()
                                .find(|d| d.0 == b)
                                .expect("bound direction")
                                .1
                        }
                    };
                    self.displace(y, mu, c as i64)
                });
                self.phi[site * self.components + component_index(*a)]
            }
            Expr::Distinct(a, b) => {
                let dir = |b: &Binder| dirs.iter().rev().find(|d| d.0 == *b).map(|d| d.1);
                if dir(a) != dir(b) { 1.0 } else { 0.0 }
            }
            Expr::Mean(a) => {
                let values = self.phi.iter().skip(component_index(*a));
                values.step_by(self.components).sum::<f64>() / self.volume() as f64
            }
            Expr::InvVolume => 1.0 / self.volume() as f64,
            Expr::Dims => self.dims.len() as f64,
            Expr::Total(body) => self.total(body),
            Expr::Sum(b, body) => (0..self.dims.len())
                .map(|mu| {
                    dirs.push((*b, mu));
                    let v = self.eval_in(body, x, dirs);
                    dirs.pop();
                    v
                })
                .sum(),
            Expr::Add(v) => v.iter().map(|c| self.eval_in(c, x, dirs)).sum(),
            Expr::Mul(v) => v.iter().map(|c| self.eval_in(c, x, dirs)).product(),
            Expr::Pow(b, p) => {
                let base = self.eval_in(b, x, dirs);
                match crate::ir::rat_to_i32(p) {
                    Some(n) => base.powi(n),
                    None => base.powf(rat_to_f64(p)),
                }
            }
            Expr::Func(f, a) => f.eval(self.eval_in(a, x, dirs)),
        }
    }
}
