//! The classical fourth-order Runge–Kutta step, one implementation for training (which solves
//! the Wegner system for the velocity at its stages) and generation (which integrates
//! `log q` alongside `φ`).

use crate::lanes::LANES;

/// The four stage velocities and the shifted state of one step, reused from step to step so
/// that integrating allocates nothing.
#[derive(Clone, Debug)]
pub(crate) struct Stages {
    /// Velocities at the stages, in order.
    pub(crate) v: [Vec<f64>; 4],
    /// The state a stage is evaluated at.
    pub(crate) y: Vec<f64>,
}

impl Stages {
    /// Buffers for states of `n` values.
    pub(crate) fn new(n: usize) -> Self {
        Self {
            v: std::array::from_fn(|_| vec![0.0; n]),
            y: vec![0.0; n],
        }
    }

    /// One RK4 step of length `h` from time `t`, `φ` in place. `f(stage, t, y, out)` writes
    /// the velocity at `(t, y)` into `out` and returns a scalar rate integrated alongside
    /// (generation's `−∇·φ̇`), or `None` for a state that must not be continued; then the step
    /// stops there, `φ` is left as it was, and the step returns `None`. Otherwise it returns
    /// the increment of the scalar.
    pub(crate) fn rk4<F>(&mut self, t: f64, h: f64, phi: &mut [f64], mut f: F) -> Option<f64>
    where
        F: FnMut(usize, f64, &[f64], &mut [f64]) -> Option<f64>,
    {
        let Self {
            v: [s1, s2, s3, s4],
            y,
        } = self;
        let d1 = f(0, t, phi, s1)?;
        shift(y, phi, 0.5 * h, s1);
        let d2 = f(1, t + 0.5 * h, y, s2)?;
        shift(y, phi, 0.5 * h, s2);
        let d3 = f(2, t + 0.5 * h, y, s3)?;
        shift(y, phi, h, s3);
        let d4 = f(3, t + h, y, s4)?;
        for (i, p) in phi.iter_mut().enumerate() {
            *p += h / 6.0 * (s1[i] + 2.0 * s2[i] + 2.0 * s3[i] + s4[i]);
        }
        Some(h / 6.0 * (d1 + 2.0 * d2 + 2.0 * d3 + d4))
    }
    /// [`Stages::rk4`] for a lane group ([`crate::lanes`]): `phi` holds [`LANES`] states
    /// site-major, lane-minor. `f(t, y, live, out, rates)` writes the velocity of every lane
    /// and the scalar rates, and returns the lanes whose state may be continued. Lanes not
    /// `live` on entry, or refused at a stage, keep their state and drop out of `live`; the
    /// others advance by exactly the operations of `rk4`, and `rates` gets their increments.
    pub(crate) fn rk4_lanes<F>(
        &mut self,
        t: f64,
        h: f64,
        phi: &mut [f64],
        live: &mut [bool; LANES],
        rates: &mut [f64; LANES],
        mut f: F,
    ) where
        F: FnMut(f64, &[f64], &[bool; LANES], &mut [f64], &mut [f64; LANES]) -> [bool; LANES],
    {
        let Self {
            v: [s1, s2, s3, s4],
            y,
        } = self;
        let mut d = [[0.0; LANES]; 4];
        let mut stage = |t: f64, y: &[f64], out: &mut [f64], d: &mut [f64; LANES]| {
            let ok = f(t, y, live, out, d);
            live.iter_mut().zip(ok).for_each(|(l, ok)| *l &= ok);
        };
        stage(t, phi, s1, &mut d[0]);
        shift(y, phi, 0.5 * h, s1);
        stage(t + 0.5 * h, y, s2, &mut d[1]);
        shift(y, phi, 0.5 * h, s2);
        stage(t + 0.5 * h, y, s3, &mut d[2]);
        shift(y, phi, h, s3);
        stage(t + h, y, s4, &mut d[3]);
        for (i, p) in phi.iter_mut().enumerate() {
            if live[i % LANES] {
                *p += h / 6.0 * (s1[i] + 2.0 * s2[i] + 2.0 * s3[i] + s4[i]);
            }
        }
        for (l, r) in rates.iter_mut().enumerate() {
            *r = h / 6.0 * (d[0][l] + 2.0 * d[1][l] + 2.0 * d[2][l] + d[3][l]);
        }
    }
}

/// `out = base + h·dir`.
pub(crate) fn shift(out: &mut [f64], base: &[f64], h: f64, dir: &[f64]) {
    for ((o, b), d) in out.iter_mut().zip(base).zip(dir) {
        *o = b + h * d;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// On `φ̇ = λφ` one step multiplies by the degree-4 Taylor polynomial of `e^{λh}`, and the
    /// scalar rate `λ` integrates to `λh`.
    #[test]
    fn one_step_is_the_fourth_order_taylor_polynomial() {
        let (lambda, h) = (-1.3, 0.2);
        let mut phi = vec![1.0, -2.0];
        let mut stages = Stages::new(2);
        let d = stages
            .rk4(0.0, h, &mut phi, |_, _, y, out| {
                for (o, x) in out.iter_mut().zip(y) {
                    *o = lambda * x;
                }
                Some(lambda)
            })
            .unwrap();
        let z: f64 = lambda * h;
        let taylor = 1.0 + z + z * z / 2.0 + z.powi(3) / 6.0 + z.powi(4) / 24.0;
        assert!((phi[0] - taylor).abs() < 1e-15 && (phi[1] + 2.0 * taylor).abs() < 1e-15);
        assert!((d - z).abs() < 1e-15);
    }

    /// A stage that refuses its state stops the step and leaves `φ` untouched.
    #[test]
    fn a_refused_stage_leaves_the_state() {
        let mut phi = vec![1.0];
        let out = Stages::new(1).rk4(0.0, 0.1, &mut phi, |s, _, _, out| {
            out[0] = 1.0;
            (s < 2).then_some(0.0)
        });
        assert!(out.is_none() && phi == [1.0]);
    }
}
