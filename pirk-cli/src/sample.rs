//! Generation in checkpointed chunks. Chunk `c` is generated from its own seed and saved as two
//! `.npy` files; `--resume` reads the chunks that exist and generates the rest, so the result is
//! bit-identical to an uninterrupted run at any thread count.

use pirk::{Flow, Theory};

use crate::npy;
use crate::outdir::OutDir;
use crate::progress::Progress;
use crate::seeds;
use crate::setup::Setup;

/// Generated configurations and their log-weights at every integration grid time.
#[derive(Clone, Debug)]
pub struct Ensemble {
    /// Configurations at the end of the flow, flat `n × V`.
    pub phi: Vec<f64>,
    /// Grid times.
    pub times: Vec<f64>,
    /// `log w_t` per time (outer) and configuration (inner); `−∞` for rejected ones.
    pub log_w_t: Vec<Vec<f64>>,
}

impl Ensemble {
    /// Number of configurations.
    pub fn len(&self) -> usize {
        self.log_w_t.first().map_or(0, Vec::len)
    }

    /// Log-weights at the end of the flow.
    pub fn log_weights(&self) -> &[f64] {
        self.log_w_t.last().map_or(&[], Vec::as_slice)
    }

    /// Configurations with a non-finite final log-weight (runaway or non-finite).
    pub fn rejected(&self) -> usize {
        self.log_weights().iter().filter(|x| !x.is_finite()).count()
    }

    fn append(&mut self, phi: Vec<f64>, log_w_t: Vec<Vec<f64>>) {
        self.phi.extend(phi);
        for (all, chunk) in self.log_w_t.iter_mut().zip(log_w_t) {
            all.extend(chunk);
        }
    }
}

/// The run was stopped on purpose after writing some chunks (`--stop-after-chunks`).
#[derive(Debug, thiserror::Error)]
#[error("stopped after writing {0} chunk(s) as requested; continue with --resume")]
pub struct Stopped(pub usize);

/// Generates `n` configurations with one seed, without checkpoints (scan points).
pub fn generate_once<T: Theory>(
    setup: &Setup<T>,
    flow: &Flow,
    steps: usize,
    seed: u64,
    n: usize,
) -> pirk::Result<Ensemble> {
    let s =
        setup
            .generator(seed, steps)?
            .generate(&setup.theory, &setup.prior, &setup.basis, flow, n);
    Ok(Ensemble {
        times: s.times,
        phi: s.phi,
        log_w_t: s.log_w_t,
    })
}

/// The card's `[sample] count` configurations in chunks, resuming from checkpoints in `out`.
pub fn generate<T: Theory>(
    setup: &Setup<T>,
    flow: &Flow,
    out: &OutDir,
    progress: &Progress,
    stop_after: Option<usize>,
) -> anyhow::Result<Ensemble> {
    let card = &setup.card.sample;
    let steps = setup.generation_steps();
    let v = setup.lat.volume();
    let times: Vec<f64> = (0..=steps).map(|m| m as f64 / steps as f64).collect();
    let mut all = Ensemble {
        phi: Vec::with_capacity(card.count * v),
        log_w_t: vec![Vec::with_capacity(card.count); times.len()],
        times,
    };
    let bar = progress.bar(card.count as u64, "sampling");
    let mut written = 0;
    for (c, start) in (0..card.count).step_by(card.chunk).enumerate() {
        let n = card.chunk.min(card.count - start);
        let phi_file = out.checkpoint(&format!("chunk-{c:05}-phi.npy"));
        let logw_file = out.checkpoint(&format!("chunk-{c:05}-logw.npy"));
        if phi_file.exists() && logw_file.exists() {
            let (_, phi) = npy::read(&phi_file)?;
            let (_, logw) = npy::read(&logw_file)?;
            all.append(phi, logw.chunks(n).map(<[f64]>::to_vec).collect());
        } else {
            let e = generate_once(setup, flow, steps, seeds::chunk(setup.card.seed, c), n)?;
            npy::write(&phi_file, &[n, v], e.phi.clone())?;
            npy::write(&logw_file, &[e.times.len(), n], e.log_w_t.concat())?;
            all.append(e.phi, e.log_w_t);
            written += 1;
        }
        bar.inc(n as u64);
        if stop_after == Some(written) {
            bar.abandon();
            return Err(Stopped(written).into());
        }
    }
    bar.finish_and_clear();
    Ok(all)
}
