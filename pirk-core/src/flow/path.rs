//! Paths of couplings `θ(t)`, `t ∈ [0, 1]`: the family of actions the flow interpolates.

use serde::{Deserialize, Serialize};

use crate::error::{Result, ensure};

/// A piecewise-linear path through waypoints at knot times `0 = t_0 < … < t_m = 1`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Path {
    knots: Vec<f64>,
    waypoints: Vec<Vec<f64>>,
}

impl Path {
    /// The straight line `θ(t) = θ_0 + t (θ_1 − θ_0)`.
    pub fn linear(theta0: &[f64], theta1: &[f64]) -> Result<Self> {
        Self::piecewise(vec![theta0.to_vec(), theta1.to_vec()])
    }

    /// Through `waypoints` at equally spaced times.
    pub fn piecewise(waypoints: Vec<Vec<f64>>) -> Result<Self> {
        ensure(waypoints.len() >= 2, "waypoints", "need at least two")?;
        let n = waypoints[0].len();
        ensure(
            waypoints
                .iter()
                .all(|w| w.len() == n && w.iter().all(|x| x.is_finite())),
            "waypoints",
            "all waypoints need the same number of finite couplings",
        )?;
        let m = waypoints.len() - 1;
        let knots = (0..=m).map(|i| i as f64 / m as f64).collect();
        Ok(Self { knots, waypoints })
    }

    /// Places the waypoints at the given increasing times from 0 to 1.
    pub fn with_knots(mut self, knots: Vec<f64>) -> Result<Self> {
        ensure(
            knots.len() == self.waypoints.len(),
            "knots",
            "one knot per waypoint",
        )?;
        ensure(
            knots.first() == Some(&0.0)
                && knots.last() == Some(&1.0)
                && knots.windows(2).all(|w| w[0] < w[1]),
            "knots",
            "must increase strictly from 0 to 1",
        )?;
        self.knots = knots;
        Ok(self)
    }

    /// Number of couplings.
    pub fn len(&self) -> usize {
        self.waypoints[0].len()
    }

    /// True for a path without couplings.
    pub fn is_empty(&self) -> bool {
        self.waypoints[0].is_empty()
    }

    /// The segment holding `t` (the right one at a knot; the last at `t = 1`).
    fn segment(&self, t: f64) -> usize {
        let m = self.knots.len() - 1;
        self.knots[1..m].iter().take_while(|&&k| k <= t).count()
    }

    /// `θ(t)` into `out`.
    pub fn theta(&self, t: f64, out: &mut [f64]) {
        let s = self.segment(t);
        let (t0, t1) = (self.knots[s], self.knots[s + 1]);
        let u = (t - t0) / (t1 - t0);
        for ((o, a), b) in out
            .iter_mut()
            .zip(&self.waypoints[s])
            .zip(&self.waypoints[s + 1])
        {
            *o = a + u * (b - a);
        }
    }

    /// `θ̇(t)` into `out` (right derivative at a knot).
    pub fn theta_dot(&self, t: f64, out: &mut [f64]) {
        let s = self.segment(t);
        let dt = self.knots[s + 1] - self.knots[s];
        for ((o, a), b) in out
            .iter_mut()
            .zip(&self.waypoints[s])
            .zip(&self.waypoints[s + 1])
        {
            *o = (b - a) / dt;
        }
    }

    /// `θ(0)`.
    pub fn start(&self) -> &[f64] {
        &self.waypoints[0]
    }

    /// The path restricted to `[0, τ]` and rescaled to `[0, 1]`: `θ'(s) = θ(τ s)`, through the
    /// waypoints before `τ` and ending at `θ(τ)`. Fails unless `0 < τ ≤ 1`.
    pub fn restricted(&self, tau: f64) -> Result<Self> {
        ensure(tau > 0.0 && tau <= 1.0, "tau", "must lie in (0, 1]")?;
        let m = self.knots.len() - 1;
        let inner = (1..m).filter(|&i| self.knots[i] < tau);
        let mut end = vec![0.0; self.len()];
        self.theta(tau, &mut end);
        let mut points = vec![self.waypoints[0].clone()];
        let mut knots = vec![0.0];
        for i in inner {
            points.push(self.waypoints[i].clone());
            knots.push(self.knots[i] / tau);
        }
        points.push(end);
        knots.push(1.0);
        Self::piecewise(points)?.with_knots(knots)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `θ'(s) = θ(τ s)` everywhere, for a cut inside a segment and one on a knot.
    #[test]
    fn restricted_path_is_the_rescaled_start() {
        let p = Path::piecewise(vec![vec![0.0, 1.0], vec![2.0, 1.0], vec![2.0, 3.0]]).unwrap();
        for tau in [0.3, 0.5, 0.8, 1.0] {
            let r = p.restricted(tau).unwrap();
            let (mut a, mut b) = ([0.0; 2], [0.0; 2]);
            for i in 0..=20 {
                let s = i as f64 / 20.0;
                r.theta(s, &mut a);
                p.theta(tau * s, &mut b);
                assert!((a[0] - b[0]).abs() < 1e-14 && (a[1] - b[1]).abs() < 1e-14);
            }
        }
        assert!(p.restricted(0.0).is_err() && p.restricted(1.5).is_err());
    }

    #[test]
    fn piecewise_values_and_slopes() {
        let p = Path::piecewise(vec![vec![0.0, 1.0], vec![2.0, 1.0], vec![2.0, 3.0]]).unwrap();
        let mut th = [0.0; 2];
        p.theta(0.25, &mut th);
        assert_eq!(th, [1.0, 1.0]);
        p.theta(1.0, &mut th);
        assert_eq!(th, [2.0, 3.0]);
        p.theta_dot(0.75, &mut th);
        assert_eq!(th, [0.0, 4.0]);
        p.theta_dot(0.1, &mut th);
        assert_eq!(th, [4.0, 0.0]);
        assert!(Path::linear(&[0.0], &[1.0, 2.0]).is_err());
        assert!(p.clone().with_knots(vec![0.0, 0.8, 0.5]).is_err());
        let q = p.with_knots(vec![0.0, 0.5, 1.0]).unwrap();
        q.theta(0.5, &mut th);
        assert_eq!(th, [2.0, 1.0]);
    }
}
