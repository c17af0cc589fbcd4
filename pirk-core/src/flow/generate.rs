//! Generation: integrate `φ` and `log q` together from fresh prior samples,
//! `dφ/dt = Σ_j k_j(t) K_j(φ)`, `d log q/dt = −∇·φ̇`, with `k(t)` interpolated from a [`Flow`].
//!
//! Every configuration draws from its own random stream and gets exactly the operations it
//! would get alone (RK4 integrates lane groups of [`LANES`] through the theory's batched code,
//! every lane bit-identical to the one-configuration code), so the ensemble is
//! bit-identical at any thread count, and at any rank count: each rank integrates its block of
//! indices ([`crate::Ranks::share`]) and every rank gets them all back in index order. The adaptive scheme's steps always end on the flow's
//! step grid, where `log w_t = −S(φ_t; θ(t)) − log q_t` is recorded for parameter-conditional
//! sampling, together with any observables the caller measures there
//! ([`Generator::generate_observed`]): one run serves every coupling `θ(t_m)` on the path. A
//! configuration whose state turns non-finite or whose speed `max_x |φ̇_x|` exceeds
//! `runaway × Flow::max_speed` is stopped and gets weight zero from the grid interval it was
//! stopped in; at the earlier grid times it was a valid sample and keeps its weights, which
//! tell how much of the target's mass it carried before it was lost.
//!
//! A periodic theory's states ([`Theory::PERIODIC`]) are wrapped into `[−π, π)` at every grid
//! time after the start (where its prior, e.g. [`crate::UniformAnglePrior`], draws them), so
//! observers and the ensemble see angles in one interval; `log q` is unchanged, since the
//! velocity is periodic and the flow commutes with wrapping.
//!
//! With [`Generator::with_relax`], every configuration also takes HMC trajectories at each grid
//! time before the last, under the path's action there (annealed importance sampling with the
//! flow as transport, see `relax.rs`): the weights stay exact, `log q` becomes the log-density
//! of the walker's whole history, and the ensemble is the same at any thread and rank count.

use rayon::prelude::*;

use crate::Flow;
use crate::Hmc;
use crate::Prior;
use crate::Theory;
use crate::Weights;
use crate::angles::wrap_angles;
use crate::error::{Result, ensure};
use crate::lanes::{LANES, gather, scatter};
use crate::ranks::ranks;
use crate::rng::stream_rng;
use crate::vmath::Level;
use crate::{Basis, BasisScratch};

use super::relax::{path_action, relax_lanes};
use super::rk4::{Stages, shift};
use super::schedule::Schedule;

/// The integrator.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scheme {
    /// Classical RK4 with fixed steps.
    Rk4,
    /// Bogacki–Shampine 3(2), adaptive, with a mixed absolute/relative tolerance.
    BogackiShampine {
        /// Local error tolerance per step.
        tol: f64,
    },
}

/// Generation settings.
#[derive(Clone, Debug)]
pub struct Generator {
    steps: usize,
    scheme: Scheme,
    seed: u64,
    runaway: f64,
    lane_groups: bool,
    relax: Option<Hmc>,
    schedule: Schedule,
}

/// A generated ensemble.
#[derive(Clone, Debug)]
pub struct Samples {
    /// Sites per configuration.
    pub volume: usize,
    /// Configurations at `t = 1`, flat `n × V`.
    pub phi: Vec<f64>,
    /// `log q_1(φ_1)` (with relaxation, of the configuration's whole history), `NaN` for
    /// rejected configurations.
    pub log_q: Vec<f64>,
    /// Step-grid times where `log_w_t` is recorded.
    pub times: Vec<f64>,
    /// `log w_t` per time (outer) and configuration (inner); `−∞` for a rejected configuration
    /// from the grid interval it was stopped in.
    pub log_w_t: Vec<Vec<f64>>,
    /// Observables per configuration at each recorded time.
    pub observables: usize,
    /// Observer values per time (outer), flat `n × observables` (inner); `NaN` where `log_w_t`
    /// is `−∞`.
    pub obs_t: Vec<Vec<f64>>,
    /// Configurations that turned non-finite or ran away.
    pub rejected: usize,
    /// Velocity evaluations summed over configurations.
    pub evaluations: usize,
}

impl Samples {
    /// Configuration `i`.
    pub fn config(&self, i: usize) -> &[f64] {
        &self.phi[i * self.volume..(i + 1) * self.volume]
    }

    /// Number of configurations.
    pub fn len(&self) -> usize {
        self.log_q.len()
    }

    /// True without configurations.
    pub fn is_empty(&self) -> bool {
        self.log_q.is_empty()
    }

    /// `log w = −S_1(φ_1) − log q_1(φ_1)` (the last recorded time).
    pub fn log_weights(&self) -> &[f64] {
        self.log_w_t.last().map_or(&[], Vec::as_slice)
    }

    /// The importance weights for the theory at `θ(times[m])`.
    pub fn weights_t(&self, m: usize) -> Weights {
        Weights::from_log(&self.log_w_t[m])
    }

    /// The effective sample size at every recorded time.
    pub fn ess_t(&self) -> Vec<f64> {
        (0..self.times.len())
            .map(|m| self.weights_t(m).ess())
            .collect()
    }

    /// Observable `j < observables` of every configuration at recorded time `m`.
    pub fn observable_t(&self, m: usize, j: usize) -> Vec<f64> {
        self.obs_t[m]
            .iter()
            .skip(j)
            .step_by(self.observables)
            .copied()
            .collect()
    }
}

/// One configuration's trajectory outcome.
struct Trajectory {
    log_q: f64,
    log_w: Vec<f64>,
    ok: bool,
    /// Grid times recorded before the configuration was stopped (all of them when `ok`).
    recorded: usize,
    evaluations: usize,
}

/// Per-thread buffers.
struct Work {
    basis: BasisScratch,
    k: Vec<f64>,
    theta: Vec<f64>,
    stages: Stages,
    /// A lane group's state ([`crate::lanes`]).
    group: Vec<f64>,
}

impl Default for Generator {
    fn default() -> Self {
        Self::new()
    }
}

impl Generator {
    /// RK4 with 100 steps, seed 1, runaway factor 10.
    pub fn new() -> Self {
        Self {
            steps: 100,
            scheme: Scheme::Rk4,
            seed: 1,
            runaway: 10.0,
            lane_groups: true,
            relax: None,
            schedule: Schedule::even(),
        }
    }

    /// Fixed steps (RK4) or grid intervals the adaptive steps end on.
    pub fn with_steps(mut self, steps: usize) -> Result<Self> {
        ensure(steps >= 1, "steps", "need at least 1")?;
        self.steps = steps;
        Ok(self)
    }

    /// The integrator.
    pub fn with_scheme(mut self, scheme: Scheme) -> Result<Self> {
        if let Scheme::BogackiShampine { tol } = scheme {
            ensure(
                tol > 0.0 && tol < 1.0,
                "tolerance",
                format!("must be in (0, 1), got {tol}"),
            )?;
        }
        self.scheme = scheme;
        Ok(self)
    }

    /// The seed; configuration `i` uses stream `(seed, i)`.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Whether RK4 integrates lane groups of [`LANES`] configurations through the theory's
    /// batched code (the default) or one configuration at a time through its scalar code.
    /// Both give the same bits; the switch is for checks and benchmarks.
    pub fn with_lane_groups(mut self, on: bool) -> Self {
        self.lane_groups = on;
        self
    }

    /// HMC trajectories (`hmc`'s count, step, steps and integrator; its seed is not used) for
    /// every configuration at each grid time before the last, under the path's action there.
    /// The weights stay exact (annealed importance sampling, `relax.rs`); what relaxing buys is
    /// measured in docs/physics.md.
    pub fn with_relax(mut self, hmc: Hmc) -> Self {
        self.relax = Some(hmc);
        self
    }

    /// Where the grid times fall on the path (evenly spaced by default).
    pub fn with_schedule(mut self, schedule: Schedule) -> Self {
        self.schedule = schedule;
        self
    }

    /// Speed factor above the training maximum at which a configuration counts as runaway.
    pub fn with_runaway(mut self, factor: f64) -> Result<Self> {
        ensure(
            factor > 1.0,
            "runaway",
            format!("must exceed 1, got {factor}"),
        )?;
        self.runaway = factor;
        Ok(self)
    }

    /// Generates `n` configurations.
    pub fn generate<T: Theory, P: Prior>(
        &self,
        theory: &T,
        prior: &P,
        basis: &Basis<T>,
        flow: &Flow,
        n: usize,
    ) -> Samples {
        self.generate_observed(theory, prior, basis, flow, n, 0, |_, _, _| {})
    }

    /// Generates `n` configurations and calls `observe(m, φ_t, out)` on each at every step-grid
    /// time `t_m` (`m = 0..=steps`), storing its `observables` values in [`Samples::obs_t`].
    ///
    /// With [`Samples::weights_t`] this gives expectation values at every `θ(t_m)` on the path
    /// from one run (parameter-conditional sampling, docs/theory.md §3).
    #[allow(clippy::too_many_arguments)]
    pub fn generate_observed<T: Theory, P: Prior, F>(
        &self,
        theory: &T,
        prior: &P,
        basis: &Basis<T>,
        flow: &Flow,
        n: usize,
        observables: usize,
        observe: F,
    ) -> Samples
    where
        F: Fn(usize, &[f64], &mut [f64]) + Sync,
    {
        let v = basis.field_len();
        let ranks = ranks();
        let own = ranks.share(n);
        let mut phi = vec![0.0; own.len() * v];
        let grid = self.schedule.times(self.steps);
        let times = grid.len();
        // RK4 runs lane groups through the theory's batched code; the adaptive scheme, whose
        // steps differ between configurations, runs one configuration at a time.
        let group = match self.scheme {
            Scheme::Rk4 if self.lane_groups => LANES,
            _ => 1,
        };
        let groups: Vec<Vec<(Trajectory, Vec<f64>)>> = phi
            .par_chunks_mut(group * v)
            .enumerate()
            .map_init(
                || Work {
                    basis: basis.scratch(),
                    k: vec![0.0; basis.len()],
                    theta: vec![0.0; T::PARAMS.len()],
                    stages: Stages::new(group * v),
                    group: vec![0.0; group * v],
                },
                |w, (g, configs)| {
                    let first = own.start + g * group;
                    let mut obs = vec![vec![0.0; times * observables]; configs.len() / v];
                    for (l, config) in configs.chunks_mut(v).enumerate() {
                        prior.sample(&mut stream_rng(self.seed, (first + l) as u64), config);
                    }
                    let mut measure = |l: usize, m: usize, phi: &[f64]| {
                        observe(m, phi, &mut obs[l][m * observables..(m + 1) * observables]);
                    };
                    let trajectories = if group == LANES {
                        self.integrate_lanes(
                            theory,
                            prior,
                            basis,
                            flow,
                            first,
                            &grid,
                            configs,
                            w,
                            &mut measure,
                        )
                    } else {
                        let mut measure = |m: usize, phi: &[f64]| measure(0, m, phi);
                        vec![self.integrate(
                            theory,
                            prior,
                            basis,
                            flow,
                            first,
                            &grid,
                            configs,
                            w,
                            &mut measure,
                        )]
                    };
                    trajectories
                        .into_iter()
                        .zip(obs)
                        .map(|(tr, mut obs)| {
                            obs[tr.recorded * observables..]
                                .iter_mut()
                                .for_each(|x| *x = f64::NAN);
                            (tr, obs)
                        })
                        .collect()
                },
            )
            .collect();
        let out: Vec<(Trajectory, Vec<f64>)> = groups.into_iter().flatten().collect();
        // Every rank's configurations, gathered in index order as records of `width` numbers.
        let width = v + 3 + times * (1 + observables);
        let mut local = Vec::with_capacity(own.len() * width);
        for (config, (tr, obs)) in phi.chunks(v).zip(&out) {
            local.extend_from_slice(config);
            local.extend([tr.log_q, f64::from(u8::from(tr.ok)), tr.evaluations as f64]);
            local.extend_from_slice(&tr.log_w);
            local.extend_from_slice(obs);
        }
        drop(phi);
        let all = ranks.all_gather(local);
        let records: Vec<&[f64]> = all.chunks(width).collect();
        let field = |at: usize| records.iter().map(move |r| r[at]);
        let log_w_t = (0..times).map(|m| field(v + 3 + m).collect()).collect();
        let obs_t = (0..times)
            .map(|m| {
                let start = v + 3 + times + m * observables;
                records
                    .iter()
                    .flat_map(|r| &r[start..start + observables])
                    .copied()
                    .collect()
            })
            .collect();
        Samples {
            volume: v,
            phi: records.iter().flat_map(|r| &r[..v]).copied().collect(),
            log_q: field(v).collect(),
            times: grid,
            log_w_t,
            observables,
            obs_t,
            rejected: field(v + 1).filter(|&ok| ok == 0.0).count(),
            evaluations: field(v + 2).sum::<f64>() as usize,
        }
    }

    /// [`Generator::integrate`] with RK4 for up to [`LANES`] configurations (`configs`, one
    /// after another) at once: the velocity of the whole group is one batched call, and each
    /// configuration follows exactly the operations of `integrate`, so it gets the same bits
    /// and the same fate (a stopped configuration keeps its state from there on).
    /// `measure(l, m, φ)` observes configuration `l` at grid time `m`; `first` is the index of
    /// the group's first configuration.
    #[allow(clippy::too_many_arguments)]
    fn integrate_lanes<T: Theory, P: Prior>(
        &self,
        theory: &T,
        prior: &P,
        basis: &Basis<T>,
        flow: &Flow,
        first: usize,
        grid: &[f64],
        configs: &mut [f64],
        w: &mut Work,
        measure: &mut dyn FnMut(usize, usize, &[f64]),
    ) -> Vec<Trajectory> {
        let v = basis.field_len();
        let n = configs.len() / v;
        let level = Level::best();
        let limit = self.runaway * flow.max_speed;
        let mut tr: Vec<Trajectory> = configs
            .chunks(v)
            .map(|config| Trajectory {
                log_q: prior.log_density(config),
                log_w: vec![f64::NEG_INFINITY; self.steps + 1],
                ok: true,
                recorded: 1,
                evaluations: 0,
            })
            .collect();
        let Work {
            basis: scratch,
            k,
            theta,
            stages,
            group,
        } = w;
        let mut record = |m: usize, l: usize, phi: &[f64], tr: &mut Trajectory| {
            let t = grid[m];
            flow.path.theta(t, theta);
            tr.log_w[m] = -path_action(theory, basis, t, theta, phi) - tr.log_q;
            measure(l, m, phi);
        };
        let mut at = vec![0.0; flow.path.len()];
        group.iter_mut().for_each(|x| *x = 0.0);
        for (l, (config, tr)) in configs.chunks(v).zip(&mut tr).enumerate() {
            record(0, l, config, tr);
            scatter(config, l, group);
        }
        // Lanes past the configurations hold zeros and take no part.
        let mut live: [bool; LANES] = std::array::from_fn(|l| l < n);
        let mut speed = [0.0f64; LANES];
        for m in 0..self.steps {
            let (t, t_end) = (grid[m], grid[m + 1]);
            let mut increments = [0.0; LANES];
            // The velocity at (t, y) into `out`, −∇·φ̇ into `rates`; the lanes whose state is good.
            let eval = |t: f64,
                        y: &[f64],
                        live: &[bool; LANES],
                        out: &mut [f64],
                        rates: &mut [f64; LANES]| {
                flow.coefficients(t, k);
                let div = basis.velocity_lanes(theory, level, k, y, out, scratch);
                speed.iter_mut().for_each(|s| *s = 0.0);
                for x in out.chunks_exact(LANES) {
                    for (s, o) in speed.iter_mut().zip(x) {
                        *s = s.max(o.abs());
                    }
                }
                for (l, tr) in tr.iter_mut().enumerate() {
                    tr.evaluations += usize::from(live[l]);
                }
                *rates = div.map(|d| -d);
                std::array::from_fn(|l| {
                    div[l].is_finite() && speed[l].is_finite() && speed[l] <= limit
                })
            };
            let was_live = live;
            stages.rk4_lanes(t, t_end - t, group, &mut live, &mut increments, eval);
            for (l, (config, tr)) in configs.chunks_mut(v).zip(&mut tr).enumerate() {
                if !was_live[l] {
                    continue;
                }
                if !live[l] {
                    tr.ok = false;
                    continue;
                }
                tr.log_q += increments[l];
                gather(group, l, config);
                if T::PERIODIC {
                    wrap_angles(config);
                    scatter(config, l, group);
                }
                record(m + 1, l, config, tr);
                tr.recorded = m + 2;
            }
            if !live.contains(&true) {
                break;
            }
            if let Some(hmc) = &self.relax
                && m + 1 < self.steps
            {
                flow.path.theta(t_end, &mut at);
                relax_lanes(
                    hmc,
                    theory,
                    basis,
                    level,
                    t_end,
                    &at,
                    self.seed,
                    m + 1,
                    first,
                    group,
                );
                for (l, (config, tr)) in configs.chunks_mut(v).zip(&mut tr).enumerate() {
                    if live[l] {
                        gather(group, l, config);
                        tr.log_q =
                            -path_action(theory, basis, t_end, &at, config) - tr.log_w[m + 1];
                    }
                }
            }
        }
        for (config, tr) in configs.chunks(v).zip(&mut tr) {
            if !(tr.ok && tr.log_q.is_finite() && config.iter().all(|x| x.is_finite())) {
                tr.ok = false;
                tr.recorded = tr.recorded.min(self.steps);
                let recorded = tr.recorded;
                tr.log_w[recorded..]
                    .iter_mut()
                    .for_each(|x| *x = f64::NEG_INFINITY);
                tr.log_q = f64::NAN;
            }
        }
        tr
    }

    /// One configuration, index `index`, by either scheme.
    #[allow(clippy::too_many_arguments)]
    fn integrate<T: Theory, P: Prior>(
        &self,
        theory: &T,
        prior: &P,
        basis: &Basis<T>,
        flow: &Flow,
        index: usize,
        grid: &[f64],
        phi: &mut [f64],
        w: &mut Work,
        measure: &mut dyn FnMut(usize, &[f64]),
    ) -> Trajectory {
        let limit = self.runaway * flow.max_speed;
        let mut log_q = prior.log_density(phi);
        let mut log_w = vec![f64::NEG_INFINITY; self.steps + 1];
        let mut evaluations = 0;
        let mut record = |m: usize, phi: &[f64], log_q: f64, theta: &mut [f64]| -> f64 {
            let t = grid[m];
            flow.path.theta(t, theta);
            log_w[m] = -path_action(theory, basis, t, theta, phi) - log_q;
            measure(m, phi);
            log_w[m]
        };
        record(0, phi, log_q, &mut w.theta);
        // The velocity at (t, y) into `out`; returns −∇·φ̇, or None when the state is bad.
        let Work {
            basis: scratch,
            k,
            theta,
            stages,
            ..
        } = w;
        let mut eval = |t: f64, y: &[f64], out: &mut [f64]| -> Option<f64> {
            evaluations += 1;
            flow.coefficients(t, k);
            let div = basis.velocity(theory, k, y, out, scratch);
            let speed = out.iter().fold(0.0f64, |m, x| m.max(x.abs()));
            (div.is_finite() && speed.is_finite() && speed <= limit).then_some(-div)
        };
        let mut ok = true;
        let mut recorded = 1;
        let mut h = grid[1];
        'grid: for m in 0..self.steps {
            let (mut t, t_end) = (grid[m], grid[m + 1]);
            while t < t_end - 1e-14 {
                match self.scheme {
                    Scheme::Rk4 => {
                        let step = stages.rk4(t, t_end - t, phi, |_, t, y, out| eval(t, y, out));
                        let Some(r) = step else {
                            ok = false;
                            break 'grid;
                        };
                        log_q += r;
                        t = t_end;
                    }
                    Scheme::BogackiShampine { tol } => {
                        h = h.min(t_end - t);
                        let Some((dlq, err)) = bs3(t, h, phi, log_q, stages, &mut eval) else {
                            ok = false;
                            break 'grid;
                        };
                        let ratio = err / tol;
                        if ratio <= 1.0 {
                            phi.copy_from_slice(&stages.y);
                            log_q += dlq;
                            t += h;
                        }
                        h *= (0.9 * ratio.max(1e-12).powf(-1.0 / 3.0)).clamp(0.2, 5.0);
                        if h < 1e-10 {
                            ok = false;
                            break 'grid;
                        }
                    }
                }
            }
            if T::PERIODIC {
                wrap_angles(phi);
            }
            let w_now = record(m + 1, phi, log_q, theta);
            recorded = m + 2;
            if let Some(hmc) = &self.relax
                && m + 1 < self.steps
            {
                // A lane group of one: the chain of lane 0 is the chain this configuration
                // gets in any group.
                let t = t_end;
                let mut group = vec![0.0; phi.len() * LANES];
                scatter(phi, 0, &mut group);
                let level = Level::best();
                relax_lanes(
                    hmc,
                    theory,
                    basis,
                    level,
                    t,
                    theta,
                    self.seed,
                    m + 1,
                    index,
                    &mut group,
                );
                gather(&group, 0, phi);
                log_q = -path_action(theory, basis, t, theta, phi) - w_now;
            }
        }
        if !(ok && log_q.is_finite() && phi.iter().all(|x| x.is_finite())) {
            ok = false;
            recorded = recorded.min(self.steps);
            log_w[recorded..]
                .iter_mut()
                .for_each(|x| *x = f64::NEG_INFINITY);
            log_q = f64::NAN;
        }
        Trajectory {
            log_q,
            log_w,
            ok,
            recorded,
            evaluations,
        }
    }
}

/// One Bogacki–Shampine step: the 3rd-order state goes to `stages.y`; returns the `log q`
/// increment and the scaled error estimate `max |y₃ − y₂| / (1 + |y|)` over φ and `log q`.
fn bs3<F>(
    t: f64,
    h: f64,
    phi: &[f64],
    log_q: f64,
    stages: &mut Stages,
    eval: &mut F,
) -> Option<(f64, f64)>
where
    F: FnMut(f64, &[f64], &mut [f64]) -> Option<f64>,
{
    let Stages {
        v: [s1, s2, s3, s4],
        y,
    } = stages;
    let d1 = eval(t, phi, s1)?;
    shift(y, phi, 0.5 * h, s1);
    let d2 = eval(t + 0.5 * h, y, s2)?;
    shift(y, phi, 0.75 * h, s2);
    let d3 = eval(t + 0.75 * h, y, s3)?;
    for (i, o) in y.iter_mut().enumerate() {
        *o = phi[i] + h * (2.0 / 9.0 * s1[i] + 1.0 / 3.0 * s2[i] + 4.0 / 9.0 * s3[i]);
    }
    let d4 = eval(t + h, y, s4)?;
    let dlq = h * (2.0 / 9.0 * d1 + 1.0 / 3.0 * d2 + 4.0 / 9.0 * d3);
    let low = h * (7.0 / 24.0 * d1 + 0.25 * d2 + 1.0 / 3.0 * d3 + 0.125 * d4);
    let mut err = (dlq - low).abs() / (1.0 + log_q.abs());
    for i in 0..y.len() {
        let e = h
            * ((2.0 / 9.0 - 7.0 / 24.0) * s1[i]
                + (1.0 / 3.0 - 0.25) * s2[i]
                + (4.0 / 9.0 - 1.0 / 3.0) * s3[i]
                - 0.125 * s4[i]);
        err = err.max(e.abs() / (1.0 + y[i].abs()));
    }
    Some((dlq, err))
}

#[cfg(test)]
mod tests {
    use std::f64::consts::PI;

    use super::*;
    use crate::priors::xy_theory::XyTheory;
    use crate::{FLOW_VERSION, Lattice, Path, UniformAnglePrior, XyRing, wrap_angle};

    fn bits(x: &[f64]) -> Vec<u64> {
        x.iter().map(|v| v.to_bits()).collect()
    }

    /// 11 configurations (a full lane group and a partial one) of the XY fixture on 4 × 3,
    /// flowed by `K = 4 + sin θ / 2` from uniform angles; observers record `θ_0`.
    fn generate<const P: bool>(generator: &Generator) -> Samples {
        let lat = Lattice::new(&[4, 3]);
        let grid = vec![0.0, 0.5, 1.0];
        let flow = Flow {
            version: FLOW_VERSION,
            theory: "XyTheory".into(),
            params: vec!["beta".into()],
            kernels: vec!["shift".into(), "sine".into()],
            lattice: vec![4, 3],
            path: Path::linear(&[0.0], &[0.8]).unwrap(),
            steps: 2,
            coeffs: vec![vec![4.0, 0.5]; 3],
            residuals: vec![0.0; 3],
            conditions: vec![1.0; 3],
            grid,
            max_speed: 5.0,
            pruning: None,
            prior: None,
        };
        let basis = Basis::<XyTheory<P>>::new(&lat);
        let prior = UniformAnglePrior::new(lat.volume());
        generator.generate_observed(
            &XyTheory::<P>,
            &prior,
            &basis,
            &flow,
            11,
            1,
            |_, phi, out| out[0] = phi[0],
        )
    }

    /// A periodic theory's configurations reach observers and the ensemble wrapped into
    /// `[−π, π)`, by both schemes, with the same bits with and without lane groups; they are the
    /// non-periodic theory's configurations (which leave the interval) wrapped, with the same
    /// `log q` and weights up to rounding.
    #[test]
    fn periodic_configurations_are_wrapped() {
        let rk4 = Generator::new().with_steps(8).unwrap();
        let plain = generate::<false>(&rk4);
        assert!(plain.phi.iter().any(|p| p.abs() > PI));
        let lanes = generate::<true>(&rk4);
        let single = generate::<true>(&rk4.clone().with_lane_groups(false));
        assert_eq!(bits(&lanes.phi), bits(&single.phi));
        assert_eq!(bits(&lanes.log_q), bits(&single.log_q));
        assert_eq!(bits(&lanes.obs_t.concat()), bits(&single.obs_t.concat()));
        let bs = rk4
            .clone()
            .with_scheme(Scheme::BogackiShampine { tol: 1e-6 })
            .unwrap();
        for samples in [&lanes, &generate::<true>(&bs)] {
            assert_eq!(samples.rejected, 0);
            let angles = samples.phi.iter().chain(samples.obs_t.iter().flatten());
            assert!(angles.into_iter().all(|p| (-PI..PI).contains(p)));
        }
        for (a, b) in lanes.phi.iter().zip(&plain.phi) {
            assert!(wrap_angle(a - b).abs() < 1e-9, "{a} vs {b}");
        }
        let weights = |s: &Samples| [s.log_q.clone(), s.log_w_t.concat()].concat();
        for (a, b) in weights(&lanes).iter().zip(&weights(&plain)) {
            assert!((a - b).abs() < 1e-9, "{a} vs {b}");
        }
    }

    /// Two short HMC trajectories per grid time.
    fn relax() -> Hmc {
        Hmc::new()
            .with_trajectories(2)
            .unwrap()
            .with_step(0.2)
            .unwrap()
            .with_steps(5)
            .unwrap()
    }

    /// A relaxed ensemble is the same with and without lane groups (a partial group included),
    /// on an even grid and on a balanced one, and relaxing moves the configurations and their `log q`.
    #[test]
    fn relaxed_generation_is_the_same_in_any_lane_group() {
        let rk4 = Generator::new().with_steps(8).unwrap().with_relax(relax());
        let lanes = generate::<true>(&rk4);
        let balanced = rk4
            .clone()
            .with_schedule(Schedule::balanced(&lanes).unwrap());
        for generator in [rk4.clone(), balanced] {
            let lanes = generate::<true>(&generator);
            let single = generate::<true>(&generator.with_lane_groups(false));
            assert_eq!(bits(&lanes.phi), bits(&single.phi));
            assert_eq!(bits(&lanes.log_q), bits(&single.log_q));
            assert_eq!(
                bits(&lanes.log_w_t.concat()),
                bits(&single.log_w_t.concat())
            );
            assert_eq!(bits(&lanes.times), bits(&single.times));
        }
        let plain = generate::<true>(&Generator::new().with_steps(8).unwrap());
        assert_eq!(bits(&plain.log_w_t[0]), bits(&lanes.log_w_t[0]));
        for (a, b) in [(&plain.phi, &lanes.phi), (&plain.log_q, &lanes.log_q)] {
            assert!(a.iter().zip(b).all(|(a, b)| a != b));
        }
    }

    /// The weights stay exact under relaxation: from uniform angles along the identity flow (no
    /// kernel switched on) to the XY ring of six sites at β = 1.5, the weighted link
    /// `⟨cos(θ_{x+1} − θ_x)⟩` and `log Z` agree with the transfer matrix within 4σ, with and
    /// without relaxing and on a grid balanced from a relaxed pilot, and relaxing raises the
    /// ESS several-fold.
    #[test]
    fn relaxed_weights_are_exact() {
        let (l, beta, n) = (6, 1.5, 4000);
        let lat = Lattice::new(&[l]);
        let flow = Flow {
            version: FLOW_VERSION,
            theory: "XyTheory".into(),
            params: vec!["beta".into()],
            kernels: vec!["shift".into(), "sine".into()],
            lattice: vec![l],
            path: Path::linear(&[0.0], &[beta]).unwrap(),
            steps: 1,
            coeffs: vec![vec![0.0, 0.0]; 2],
            residuals: vec![0.0; 2],
            conditions: vec![1.0; 2],
            grid: vec![0.0, 1.0],
            max_speed: 1.0,
            pruning: None,
            prior: None,
        };
        let basis = Basis::<XyTheory<true>>::new(&lat);
        let prior = UniformAnglePrior::new(l);
        let ring = XyRing::new(l, beta);
        let link = |phi: &[f64]| {
            (0..l)
                .map(|x| (phi[(x + 1) % l] - phi[x]).cos())
                .sum::<f64>()
                / l as f64
        };
        let plain = Generator::new().with_steps(16).unwrap().with_seed(3);
        let relaxed = plain.clone().with_relax(relax());
        let pilot =
            relaxed
                .clone()
                .with_seed(4)
                .generate(&XyTheory::<true>, &prior, &basis, &flow, 256);
        let balanced = Schedule::balanced(&pilot).unwrap();
        let times = balanced.times(16);
        assert!(
            times
                .iter()
                .zip(&pilot.times)
                .any(|(a, b)| (a - b).abs() > 1e-3)
        );
        let mut ess = vec![];
        for generator in [plain, relaxed.clone(), relaxed.with_schedule(balanced)] {
            let s = generator.generate(&XyTheory::<true>, &prior, &basis, &flow, n);
            let w = s.weights_t(16);
            ess.push(w.ess());
            let links: Vec<f64> = s.phi.chunks(l).map(link).collect();
            let est = w.expectation(&links);
            assert!(
                (est.value - ring.link()).abs() < 4.0 * est.error,
                "link {} ± {} against {}",
                est.value,
                est.error,
                ring.link()
            );
            let log_z = w.log_z();
            assert!(
                (log_z.value - ring.log_z()).abs() < 4.0 * log_z.error,
                "log Z {} ± {} against {}",
                log_z.value,
                log_z.error,
                ring.log_z()
            );
        }
        assert!(
            ess[1] > 3.0 * ess[0],
            "ESS {} relaxed, {} not",
            ess[1],
            ess[0]
        );
    }
}
