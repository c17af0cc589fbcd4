//! Where generation's grid times fall on the path.
//!
//! With relaxation along the path every grid interval adds an almost independent increment to
//! a walker's log-weight, so the log-weights spread by `Σ_m Var δ_m`, where `δ_m` is the
//! increment of interval `m`. An increment grows with its interval, `δ_m ≈ σ(t_m) Δt_m`, so
//! `Σ σ² Δt²` at a fixed number of intervals is smallest when `Δt ∝ 1/σ`: every interval then
//! adds the same spread, and the total falls from `∫σ² dt / N` (even spacing) to `(∫σ dt)² / N`
//! (the annealing schedule of equal thermodynamic length; G. E. Crooks, Phys. Rev. Lett. 99
//! (2007) 100602). Where the flow's error is concentrated on part of the path — the XY model's
//! path into its critical region — the same grid times buy a narrower weight distribution.

use crate::Samples;
use crate::error::{Result, ensure};

/// A monotone map `s ↦ t` of `[0, 1]` onto itself: grid time `m` of `steps` is
/// `t_m = at(m / steps)`. [`Schedule::even`] is the identity; [`Schedule::balanced`] puts the
/// grid times where a pilot's log-weights spread fastest.
#[derive(Clone, Debug, PartialEq)]
pub struct Schedule {
    /// Knots `(s, t)` of the piecewise-linear map, both strictly increasing from `(0, 0)` to
    /// `(1, 1)`; empty for even spacing.
    knots: Vec<(f64, f64)>,
}

/// The share of grid times a balanced schedule still spreads evenly: the pilot's spreads are
/// themselves estimates, so no part of the path is left with fewer than this share of its even
/// allotment.
const EVEN_SHARE: f64 = 0.2;

impl Schedule {
    /// Evenly spaced grid times.
    pub fn even() -> Self {
        Self { knots: Vec::new() }
    }

    /// Grid times spaced so that every interval adds the same spread to the log-weights of a
    /// pilot ensemble `pilot` (its recorded times and log-weights, relaxed along the path for
    /// the estimate to describe relaxed generation), with a fifth of them kept even.
    /// Intervals without finite increments count as spreading nothing.
    pub fn balanced(pilot: &Samples) -> Result<Self> {
        let times = &pilot.times;
        ensure(
            times.len() >= 2 && pilot.len() >= 2,
            "schedule",
            "a pilot needs at least one grid interval and two configurations",
        )?;
        let spreads: Vec<f64> = pilot
            .log_w_t
            .windows(2)
            .map(|w| spread(&w[0], &w[1]))
            .collect();
        let total: f64 = spreads.iter().sum();
        let mut s = 0.0;
        let mut knots = vec![(0.0, 0.0)];
        for (m, spread) in spreads.iter().enumerate() {
            let dt = times[m + 1] - times[m];
            let share = if total > 0.0 { spread / total } else { dt };
            s += (1.0 - EVEN_SHARE) * share + EVEN_SHARE * dt;
            knots.push((s, times[m + 1]));
        }
        let end = s;
        knots.iter_mut().for_each(|k| k.0 /= end);
        if let Some(last) = knots.last_mut() {
            *last = (1.0, 1.0);
        }
        Ok(Self { knots })
    }

    /// True for even spacing.
    pub fn is_even(&self) -> bool {
        self.knots.is_empty()
    }

    /// The grid times `t_0 = 0 < … < t_steps = 1` (even ones as `m · (1/steps)`, the
    /// generator's grid before schedules existed, so evenly spaced runs keep their bits).
    pub fn times(&self, steps: usize) -> Vec<f64> {
        let h = 1.0 / steps as f64;
        (0..=steps)
            .map(|m| match m {
                _ if self.is_even() => m as f64 * h,
                m if m == steps => 1.0,
                m => self.at(m as f64 * h),
            })
            .collect()
    }

    /// `t(s)`.
    pub fn at(&self, s: f64) -> f64 {
        interpolate(&self.knots, s, |k| k.0, |k| k.1)
    }

    /// `s(t)`, the inverse of [`Schedule::at`].
    pub fn inverse(&self, t: f64) -> f64 {
        interpolate(&self.knots, t, |k| k.1, |k| k.0)
    }

    /// The schedule of the path cut at `tau` and rescaled to `[0, 1]`
    /// ([`crate::Flow::truncated`]) with the share `s(tau)` of the grid it takes.
    pub fn truncated(&self, tau: f64) -> (Self, f64) {
        let s_tau = self.inverse(tau);
        if self.is_even() {
            return (Self::even(), s_tau);
        }
        let knots = self
            .knots
            .iter()
            .take_while(|k| k.0 < s_tau && k.1 < tau)
            .map(|&(s, t)| (s / s_tau, t / tau))
            .chain([(1.0, 1.0)])
            .collect();
        (Self { knots }, s_tau)
    }
}

/// The standard deviation of `after − before` over the configurations where both are finite
/// (zero with fewer than two).
fn spread(before: &[f64], after: &[f64]) -> f64 {
    let d: Vec<f64> = before
        .iter()
        .zip(after)
        .filter(|(a, b)| a.is_finite() && b.is_finite())
        .map(|(a, b)| b - a)
        .collect();
    if d.len() < 2 {
        return 0.0;
    }
    let mean = d.iter().sum::<f64>() / d.len() as f64;
    (d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (d.len() - 1) as f64).sqrt()
}

/// The piecewise-linear function through `knots` (`x` and `y` increasing) at `x0`; the identity
/// without knots.
fn interpolate(
    knots: &[(f64, f64)],
    x0: f64,
    x: impl Fn(&(f64, f64)) -> f64,
    y: impl Fn(&(f64, f64)) -> f64,
) -> f64 {
    if knots.is_empty() {
        return x0;
    }
    let i = knots
        .partition_point(|k| x(k) <= x0)
        .clamp(1, knots.len() - 1);
    let (a, b) = (&knots[i - 1], &knots[i]);
    let f = ((x0 - x(a)) / (x(b) - x(a))).clamp(0.0, 1.0);
    y(a) + f * (y(b) - y(a))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pilot of `n` configurations on an even grid of `steps` whose log-weight increments
    /// have the spreads `sigma(t)` (deterministic ±σ pattern).
    fn pilot(steps: usize, n: usize, sigma: impl Fn(f64) -> f64) -> Samples {
        let times = Schedule::even().times(steps);
        let mut log_w_t = vec![vec![0.0; n]];
        for m in 0..steps {
            let prev = log_w_t[m].clone();
            let step = sigma(times[m]);
            log_w_t.push(
                prev.iter()
                    .enumerate()
                    .map(|(i, w)| w + if i % 2 == 0 { step } else { -step })
                    .collect(),
            );
        }
        Samples {
            volume: 0,
            phi: Vec::new(),
            log_q: vec![0.0; n],
            times,
            log_w_t,
            observables: 0,
            obs_t: Vec::new(),
            rejected: 0,
            evaluations: 0,
        }
    }

    #[test]
    fn even_spacing_is_the_identity() {
        let even = Schedule::even();
        assert_eq!(even.times(4), vec![0.0, 0.25, 0.5, 0.75, 1.0]);
        assert_eq!(even.inverse(0.3), 0.3);
        assert_eq!(even.truncated(0.5), (Schedule::even(), 0.5));
    }

    /// Spreads growing along the path draw the grid toward its end, every interval of the
    /// balanced grid then adds nearly the same spread, and the summed variance falls.
    #[test]
    fn balanced_grid_equalises_the_spread_per_interval() {
        let sigma = |t: f64| 0.01 + (8.0 * t).exp() * 1e-3;
        let p = pilot(400, 8, sigma);
        let schedule = Schedule::balanced(&p).unwrap();
        let steps = 20;
        let times = schedule.times(steps);
        assert!(times.windows(2).all(|w| w[1] > w[0]));
        // The spread σ(t) Δt per interval: even spacing spreads it over a factor of hundreds;
        // the balanced grid would make it equal but for the even share, which still gives the
        // flat start (σ ≈ 0.011 against 3 at the end) a fifth of its even intervals, a factor
        // of about 9 here.
        let spread_per_interval = |times: &[f64]| -> Vec<f64> {
            times
                .windows(2)
                .map(|w| sigma((w[0] + w[1]) / 2.0) * (w[1] - w[0]))
                .collect()
        };
        let variance = |d: &[f64]| d.iter().map(|x| x * x).sum::<f64>();
        let balanced = spread_per_interval(&times);
        let even = spread_per_interval(&Schedule::even().times(steps));
        let ratio = |d: &[f64]| {
            d.iter().copied().fold(0.0, f64::max) / d.iter().copied().fold(f64::MAX, f64::min)
        };
        assert!(ratio(&even) > 100.0, "even {}", ratio(&even));
        assert!(ratio(&balanced) < 10.0, "balanced {}", ratio(&balanced));
        assert!(
            variance(&balanced) < 0.5 * variance(&even),
            "{} against {}",
            variance(&balanced),
            variance(&even)
        );
        // The map and its inverse agree, and cutting the path keeps the grid's times.
        for s in [0.0, 0.1, 0.37, 0.9, 1.0] {
            assert!((schedule.inverse(schedule.at(s)) - s).abs() < 1e-12);
        }
        let tau = times[15];
        let (cut, share) = schedule.truncated(tau);
        assert!((share - 0.75).abs() < 1e-12, "{share}");
        for (m, t) in cut.times(15).iter().enumerate() {
            assert!(
                (t * tau - times[m]).abs() < 1e-12,
                "{m}: {} {}",
                t * tau,
                times[m]
            );
        }
    }

    #[test]
    fn a_flat_pilot_gives_even_spacing() {
        let p = pilot(10, 4, |_| 0.0);
        let times = Schedule::balanced(&p).unwrap().times(5);
        for (t, e) in times.iter().zip(Schedule::even().times(5)) {
            assert!((t - e).abs() < 1e-12);
        }
    }
}
