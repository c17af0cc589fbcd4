//! One job from a card: load and check everything, open the output directory, run the
//! command's stages on a local thread pool, write the report, move the directory into place
//! and print the summary.

use std::path::{Path, PathBuf};

use pirk::{Flow, Theory};

use crate::card::Card;
use crate::cli::JobArgs;
use crate::error::InputError;
use crate::outdir::{OutDir, Policy};
use crate::progress::Progress;
use crate::registry::{Entry, Registry};
use crate::report::{Report, SCHEMA_VERSION, TheoryInfo};
use crate::setup::Setup;
use crate::stages::{self, Record};
use crate::summary;

/// What a job does.
#[derive(Clone, Debug)]
pub enum Kind {
    /// Train, sample, correct, measure.
    Run,
    /// Train only.
    Train,
    /// Sample with the given flow.
    Sample(PathBuf),
    /// HMC only.
    Hmc,
    /// Wolff only.
    Wolff,
    /// PIK, HMC and (hopping theory) Wolff.
    Compare,
    /// PIK along the path.
    Scan,
}

impl Kind {
    fn name(&self) -> &'static str {
        match self {
            Kind::Run => "run",
            Kind::Train => "train",
            Kind::Sample(_) => "sample",
            Kind::Hmc => "hmc",
            Kind::Wolff => "wolff",
            Kind::Compare => "compare",
            Kind::Scan => "scan",
        }
    }
}

/// A job ready to execute.
pub struct Job<'r> {
    kind: Kind,
    args: JobArgs,
    progress: Progress,
    registry: &'r Registry,
}

/// A card's setup for its theory's concrete type, behind a pointer of one type for all
/// theories: what a registered theory's [`prepare`] returns.
pub trait Prepared {
    /// Runs `job` on this setup.
    fn run(self: Box<Self>, job: Job<'_>) -> anyhow::Result<()>;
}

impl<T: Theory + Default> Prepared for Setup<T> {
    fn run(self: Box<Self>, job: Job<'_>) -> anyhow::Result<()> {
        job.run(*self)
    }
}

/// Builds the setup of a checked `card` for theory `T`: registered per theory (see
/// [`Entry::prepare`]), it is where a job passes from the theory's name to its type.
pub fn prepare<T: Theory + Default + 'static>(
    card: Card,
    entry: Entry,
) -> Result<Box<dyn Prepared>, InputError> {
    Ok(Box::new(Setup::<T>::new(card, entry)?))
}

impl<'r> Job<'r> {
    /// A job of `kind` with the command line's arguments, on a card naming one of `registry`'s
    /// theories.
    pub fn new(kind: Kind, args: JobArgs, progress: Progress, registry: &'r Registry) -> Self {
        Self {
            kind,
            args,
            progress,
            registry,
        }
    }

    /// Runs the job.
    pub fn execute(self) -> anyhow::Result<()> {
        let card = Card::load(&self.args.card)?;
        let entry = *card.check(self.registry)?;
        (entry.prepare)(card, entry)?.run(self)
    }

    fn run<T: Theory + Default>(self, setup: Setup<T>) -> anyhow::Result<()> {
        let given = match &self.kind {
            Kind::Sample(file) => Some(load_flow(file, &setup)?),
            _ => None,
        };
        if let (Kind::Wolff, Err(why)) = (&self.kind, &setup.wolff) {
            let why = why.explain(&setup.entry, self.registry);
            return Err(InputError::new(format!("wolff: {why}")).into());
        }
        let threads = self.args.threads.or(setup.card.threads).unwrap_or(0);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()?;
        let out = OutDir::open(
            &self.args.out,
            Policy {
                force: self.args.force,
                resume: self.args.resume,
            },
        )?;
        let start = std::time::Instant::now();
        let mut rec = Record {
            report: new_report(&setup, self.kind.name()),
            histogram: Vec::new(),
        };
        pool.install(|| self.stages(&setup, given, &out, &mut rec))?;
        rec.report
            .timings
            .insert("total_seconds".into(), start.elapsed().as_secs_f64());
        let report = stages::finish(&out, rec)?;
        let dir = out.finish()?;
        self.progress.log(format!("wrote {}", dir.display()));
        print!("{}", summary::render(&report));
        Ok(())
    }

    fn stages<T: Theory>(
        &self,
        setup: &Setup<T>,
        given: Option<Flow>,
        out: &OutDir,
        rec: &mut Record,
    ) -> anyhow::Result<()> {
        let p = &self.progress;
        let stop = self.args.stop_after_chunks;
        match &self.kind {
            Kind::Train => {
                stages::train(setup, out, p, rec)?;
            }
            Kind::Run => {
                let flow = stages::train(setup, out, p, rec)?;
                let steps = stages::steps(setup, &flow, rec)?;
                stages::pik(setup, &flow, steps, out, p, stop, rec)?;
            }
            Kind::Sample(_) => {
                let flow = given.expect("sample jobs load their flow first");
                stages::adopt(setup, &flow, out, rec)?;
                let steps = stages::steps(setup, &flow, rec)?;
                stages::pik(setup, &flow, steps, out, p, stop, rec)?;
            }
            Kind::Hmc => {
                stages::hmc(setup, out, p, true, rec)?;
            }
            Kind::Wolff => {
                let plan = setup.wolff.as_ref().expect("checked in Job::run");
                stages::wolff(setup, plan, p, true, rec)?;
            }
            Kind::Compare => {
                let flow = stages::train(setup, out, p, rec)?;
                let steps = stages::steps(setup, &flow, rec)?;
                let pik = stages::pik(setup, &flow, steps, out, p, stop, rec)?;
                let (hmc, seconds) = stages::hmc(setup, out, p, false, rec)?;
                stages::compare(&pik, &hmc, seconds, rec);
                if let Ok(plan) = &setup.wolff {
                    let (wolff, cost) = stages::wolff(setup, plan, p, false, rec)?;
                    stages::compare_wolff(&wolff, &cost, &pik, &hmc, rec);
                }
            }
            Kind::Scan => {
                let flow = stages::train(setup, out, p, rec)?;
                let (steps, choice) = stages::steps(setup, &flow, rec)?;
                let pik = stages::pik(setup, &flow, (steps, choice), out, p, stop, rec)?;
                stages::scan(setup, &flow, steps, &pik.corrected, out, p, rec)?;
            }
        }
        Ok(())
    }
}

/// Loads `file` as a flow for this card's theory, basis, lattice and path.
fn load_flow<T: Theory>(file: &Path, setup: &Setup<T>) -> Result<Flow, InputError> {
    let flow = Flow::load(file, &setup.basis)
        .map_err(|e| InputError::new(format!("--flow {}: {e}", file.display())))?;
    if flow.path != setup.path {
        return Err(InputError::new(format!(
            "--flow {}: trained along another coupling path than the card's [path] and [target]",
            file.display()
        )));
    }
    Ok(flow)
}

fn new_report<T: Theory>(setup: &Setup<T>, command: &'static str) -> Report {
    let e = &setup.entry;
    Report {
        schema: "pirk-report",
        schema_version: SCHEMA_VERSION,
        pirk_version: env!("CARGO_PKG_VERSION"),
        command,
        theory: TheoryInfo {
            name: e.name,
            type_name: e.type_name,
            params: e.params,
        },
        lattice: setup.lat.dims().to_vec(),
        couplings: e
            .params
            .iter()
            .map(|p| p.to_string())
            .zip(setup.target.iter().copied())
            .collect(),
        seed: setup.card.seed,
        sampler: None,
        ess: None,
        pareto_k: None,
        acceptance: None,
        log_z: None,
        rejected_non_finite: None,
        flow: None,
        sampling: None,
        hmc: None,
        wolff: None,
        observables: Default::default(),
        comparison: None,
        scan: None,
        plots: Vec::new(),
        files: Vec::new(),
        timings: Default::default(),
    }
}
