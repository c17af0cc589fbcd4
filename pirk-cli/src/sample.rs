//! Generation in checkpointed chunks. Chunk `c` is generated from its own seed and saved as two
//! `.npy` files; `--resume` reads the chunks that exist and generates the rest, so the result is
//! bit-identical to an uninterrupted run at any thread count. Only per-configuration scalars
//! (final log-weight, primaries) stay in memory; the configurations stay in their chunk files,
//! so memory does not grow with `count × V`.

use std::path::PathBuf;

use pirk::{Flow, RunningEss, Theory};

use crate::measure::Primaries;
use crate::npy;
use crate::outdir::OutDir;
use crate::progress::Progress;
use crate::report::RelaxInfo;
use crate::seeds;
use crate::setup::Setup;
use crate::shared;
use crate::stationarity::Check;

/// A generated ensemble reduced to what the measurements need.
#[derive(Clone, Debug)]
pub struct Ensemble {
    /// Grid times of the generation.
    pub times: Vec<f64>,
    /// Importance-weight ESS accumulated at every grid time.
    ess_t: Vec<RunningEss>,
    /// `log w` at the end of the flow per configuration; `−∞` for rejected ones.
    pub log_w: Vec<f64>,
    /// Primaries of every configuration at the measured couplings.
    pub primaries: Primaries,
    /// The chunk files holding the configurations, in order (empty when not kept).
    pub phi_files: Vec<PathBuf>,
    /// Per rejected configuration: the last grid time it was a valid sample at, and its
    /// `log w` there.
    last_valid: Vec<(usize, f64)>,
}

impl Ensemble {
    /// An empty ensemble generated with `steps` on `relax`'s grid.
    fn new(steps: usize, relax: &RelaxInfo) -> Self {
        Self {
            times: relax.schedule.times(steps),
            ess_t: vec![RunningEss::default(); steps + 1],
            log_w: Vec::new(),
            primaries: Primaries::default(),
            phi_files: Vec::new(),
            last_valid: Vec::new(),
        }
    }

    /// Number of configurations.
    pub fn len(&self) -> usize {
        self.log_w.len()
    }

    /// Configurations with a non-finite final log-weight (runaway or non-finite).
    pub fn rejected(&self) -> usize {
        self.log_w.iter().filter(|x| !x.is_finite()).count()
    }

    /// The share of the importance weight the rejected configurations carried at the last grid
    /// time before they were stopped, `Σ_rejected w_i(t_i) / (n mean w(t_i))`: the share of
    /// the target's mass their rejection removes. It equals the rejected fraction when they are
    /// typical, and is far smaller when they left for where the target has no mass.
    pub fn rejected_weight(&self) -> f64 {
        let log_mean: Vec<f64> = self.ess_t.iter().map(RunningEss::log_mean).collect();
        let n = self.len().max(1) as f64;
        self.last_valid
            .iter()
            .fold(0.0, |sum, &(m, log_w)| sum + (log_w - log_mean[m]).exp())
            / n
    }

    /// `(t, ESS)` at every grid time.
    pub fn ess_along_path(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        self.times
            .iter()
            .copied()
            .zip(self.ess_t.iter().map(RunningEss::ess))
    }

    /// Measures one chunk: `phi` flat `n × V`, `log_w_t` flat `times × n`.
    fn absorb<T: Theory>(&mut self, setup: &Setup<T>, theta: &[f64], phi: &[f64], log_w_t: &[f64]) {
        let n = log_w_t.len() / self.times.len();
        for (acc, lw) in self.ess_t.iter_mut().zip(log_w_t.chunks(n)) {
            lw.iter().for_each(|&l| acc.push(l));
        }
        let times: Vec<&[f64]> = log_w_t.chunks(n).collect();
        for i in 0..n {
            if let Some(m) = (0..times.len()).rev().find(|&m| times[m][i].is_finite())
                && m + 1 < times.len()
            {
                self.last_valid.push((m, times[m][i]));
            }
        }
        self.log_w.extend(times[times.len() - 1]);
        self.primaries.extend(Primaries::of(setup, theta, phi));
    }
}

/// The run was stopped on purpose after writing some chunks (`--stop-after-chunks`).
#[derive(Debug, thiserror::Error)]
#[error("stopped after writing {0} chunk(s) as requested; continue with --resume")]
pub struct Stopped(pub usize);

/// One chunk: configurations (flat `n × V`) and log-weights (flat `times × n`).
fn generate_chunk<T: Theory>(
    setup: &Setup<T>,
    flow: &Flow,
    steps: usize,
    relax: &RelaxInfo,
    seed: u64,
    n: usize,
) -> pirk::Result<(Vec<f64>, Vec<f64>)> {
    let s = setup.sampler(seed, steps, relax)?.generate(
        &setup.theory,
        &setup.prior,
        &setup.basis,
        flow,
        n,
    );
    Ok((s.phi, s.log_w_t.concat()))
}

/// `(chunk index, its size)` for the card's `[sample] count` and `chunk`.
fn chunks<T: Theory>(setup: &Setup<T>) -> impl Iterator<Item = (usize, usize)> {
    let (count, chunk) = (setup.card.sample.count, setup.card.sample.chunk);
    (0..count)
        .step_by(chunk)
        .enumerate()
        .map(move |(c, start)| (c, chunk.min(count - start)))
}

/// `[sample] count` configurations of `flow` (with `steps` and `relax`) measured at `theta`,
/// in chunks kept only in memory, one at a time (scan points), each also fed to the
/// stationarity `check`.
pub fn generate_measured<T: Theory>(
    setup: &Setup<T>,
    flow: &Flow,
    steps: usize,
    relax: &RelaxInfo,
    seed: u64,
    theta: &[f64],
    mut check: Option<&mut Check<T>>,
) -> pirk::Result<Ensemble> {
    let mut all = Ensemble::new(steps, relax);
    for (c, n) in chunks(setup) {
        let (phi, log_w_t) = generate_chunk(setup, flow, steps, relax, seeds::chunk(seed, c), n)?;
        all.absorb(setup, theta, &phi, &log_w_t);
        if let Some(check) = check.as_deref_mut() {
            check.add(&phi);
        }
    }
    Ok(all)
}

/// The card's `[sample] count` configurations at the target in checkpointed chunks, resuming
/// from the checkpoints in `out`, each also fed to the stationarity `check`.
#[allow(clippy::too_many_arguments)]
pub fn generate<T: Theory>(
    setup: &Setup<T>,
    flow: &Flow,
    steps: usize,
    relax: &RelaxInfo,
    out: &OutDir,
    progress: &Progress,
    stop_after: Option<usize>,
    mut check: Option<&mut Check<T>>,
) -> anyhow::Result<Ensemble> {
    let v = T::field_len(&setup.lat);
    let mut all = Ensemble::new(steps, relax);
    let bar = progress.bar(setup.card.sample.count as u64, "sampling");
    let mut written = 0;
    for (c, n) in chunks(setup) {
        let phi_file = out.checkpoint(&format!("chunk-{c:05}-phi.npy"));
        let logw_file = out.checkpoint(&format!("chunk-{c:05}-logw.npy"));
        let saved = (shared::read(&phi_file)?, shared::read(&logw_file)?);
        let (phi, log_w_t) = if let (Some(phi), Some(log_w_t)) = saved {
            (npy::read_bytes(&phi)?.1, npy::read_bytes(&log_w_t)?.1)
        } else {
            let seed = seeds::chunk(setup.card.seed, c);
            let (phi, log_w_t) = generate_chunk(setup, flow, steps, relax, seed, n)?;
            npy::write(&phi_file, &[n, v], &phi)?;
            npy::write(&logw_file, &[steps + 1, n], &log_w_t)?;
            written += 1;
            (phi, log_w_t)
        };
        all.absorb(setup, &setup.target, &phi, &log_w_t);
        if let Some(check) = check.as_deref_mut() {
            check.add(&phi);
        }
        all.phi_files.push(phi_file);
        bar.inc(n as u64);
        if stop_after == Some(written) {
            bar.abandon();
            return Err(Stopped(written).into());
        }
    }
    bar.finish_and_clear();
    Ok(all)
}
