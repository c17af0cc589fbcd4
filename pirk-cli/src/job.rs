//! One job from a card: load and check everything, open the output directory, run the
//! command's stages on a local thread pool, write the report, move the directory into place
//! and print the summary.

use std::path::{Path, PathBuf};

use pirk::{Flow, Theory};

use crate::assemble::{self, Outcome};
use crate::card::{Card, PriorCard};
use crate::cli::JobArgs;
use crate::error::InputError;
use crate::outdir::{OutDir, Policy};
use crate::progress::Progress;
use crate::registry::{Entry, Registry};
use crate::setup::Setup;
use crate::shared;
use crate::stages::{self, FlowStage};
use crate::summary;
use crate::tune;

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
    /// PIK, HMC and (theories with a Wolff embedding) Wolff.
    Compare,
    /// PIK along the path, with the given flow or a trained one.
    Scan(Option<PathBuf>),
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
            Kind::Scan(_) => "scan",
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

impl<T: Theory + Default + 'static> Prepared for Setup<T> {
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
        shared::agree_on_card(&self.args.card)?;
        let card = Card::load(&self.args.card)?;
        let entry = *card.check(self.registry)?;
        (entry.prepare)(card, entry)?.run(self)
    }

    fn run<T: Theory + Default + 'static>(self, setup: Setup<T>) -> anyhow::Result<()> {
        let (setup, given) = match &self.kind {
            Kind::Sample(file) | Kind::Scan(Some(file)) => {
                let flow = load_flow(file, &setup)?;
                (with_flow_prior(setup, &flow, file)?, Some(flow))
            }
            _ => (setup, None),
        };
        if matches!(self.kind, Kind::Scan(_)) && setup.card.tune.rounds.is_some_and(|r| r > 0) {
            return Err(InputError::new(
                "tune.rounds: pirk scan does not tune: a tuned prior is switched off along the \
                 path, so the scan points would not be the theory at their couplings",
            )
            .into());
        }
        if matches!(self.kind, Kind::Scan(_)) && setup.basis.offset().is_some() {
            return Err(InputError::new(
                "scan: the prior is not the theory at path.start, so the path's actions between \
                 are not the theory at their couplings; give a [prior] and [path] start that match",
            )
            .into());
        }
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
        let (setup, outcome) = pool.install(|| self.stages(setup, given, &out))?;
        let total = start.elapsed().as_secs_f64();
        let report = assemble::finish(&setup, self.kind.name(), &outcome, &out, total)?;
        let dir = out.finish()?;
        self.progress.log(format!("wrote {}", dir.display()));
        self.progress.print(summary::render(&report));
        Ok(())
    }

    /// Runs the command's stages in order and collects their results; the setup comes back
    /// with the prior tuning chose, when it ran.
    fn stages<T: Theory + Default + 'static>(
        &self,
        setup: Setup<T>,
        given: Option<Flow>,
        out: &OutDir,
    ) -> anyhow::Result<(Setup<T>, Outcome)> {
        let p = &self.progress;
        let mut o = Outcome::default();
        let trains = matches!(self.kind, Kind::Run | Kind::Train | Kind::Compare);
        let (setup, tuned) = if trains && setup.card.tune_rounds(&setup.entry) > 0 {
            let tuned = tune::tune(setup, out, p)?;
            o.tuning = Some((tuned.tuning, tuned.seconds));
            (tuned.setup, tuned.flow)
        } else {
            (setup, None)
        };
        let s = &setup;
        match &self.kind {
            Kind::Train => o.flow = Some(stages::train(s, out, p, tuned)?),
            Kind::Run => self.sample_with(s, stages::train(s, out, p, tuned)?, out, &mut o)?,
            Kind::Sample(_) => {
                let flow = given.expect("sample jobs load their flow first");
                self.sample_with(s, stages::adopt(flow, out)?, out, &mut o)?;
            }
            Kind::Hmc => {
                let file = "ensemble.npy";
                o.hmc = Some((stages::hmc(s, out, p, file)?, file));
            }
            Kind::Wolff => {
                let plan = *s.wolff.as_ref().expect("checked in Job::run");
                o.wolff = Some((stages::wolff(s, &plan, p)?, plan));
            }
            Kind::Compare => {
                self.sample_with(s, stages::train(s, out, p, tuned)?, out, &mut o)?;
                let file = "hmc_ensemble.npy";
                o.hmc = Some((stages::hmc(s, out, p, file)?, file));
                if let Ok(plan) = s.wolff {
                    o.wolff = Some((stages::wolff(s, &plan, p)?, plan));
                }
            }
            Kind::Scan(_) => {
                let flow = match given {
                    Some(flow) => stages::adopt(flow, out)?,
                    None => stages::train(s, out, p, None)?,
                };
                self.sample_with(s, flow, out, &mut o)?;
                if let (Some(f), Some(steps), Some(pik)) = (&o.flow, &o.steps, &o.pik) {
                    o.scan = Some(stages::scan(s, &f.flow, steps.steps, pik, p)?);
                }
            }
        }
        Ok((setup, o))
    }

    /// Chooses the steps and samples, corrects and measures with `flow` at the target.
    fn sample_with<T: Theory>(
        &self,
        setup: &Setup<T>,
        flow: FlowStage,
        out: &OutDir,
        o: &mut Outcome,
    ) -> anyhow::Result<()> {
        let steps = stages::steps(setup, &flow.flow)?;
        let stop = self.args.stop_after_chunks;
        o.pik = Some(stages::pik(
            setup,
            &flow.flow,
            &steps,
            out,
            &self.progress,
            stop,
        )?);
        o.steps = Some(steps);
        o.flow = Some(flow);
        Ok(())
    }
}

/// The setup with the prior `flow` was trained from, as its file records it: a flow samples
/// its theory only from that prior (a tuned one, say, while the card has none). A card whose
/// own `[prior]` differs is refused; a flow file without the record keeps the card's.
fn with_flow_prior<T: Theory + Default + 'static>(
    setup: Setup<T>,
    flow: &Flow,
    file: &Path,
) -> Result<Setup<T>, InputError> {
    let Some(record) = &flow.prior else {
        return Ok(setup);
    };
    let prior: PriorCard = serde_json::from_value(record.clone()).map_err(|e| {
        InputError::new(format!(
            "--flow {}: its prior record is not a [prior] table: {e}",
            file.display()
        ))
    })?;
    if prior == setup.prior_card {
        return Ok(setup);
    }
    if setup.card.prior.is_some() {
        return Err(InputError::new(format!(
            "--flow {}: trained from another prior than the card's [prior] ({})",
            file.display(),
            serde_json::to_string(&prior).unwrap_or_default()
        )));
    }
    setup.with_prior(prior)
}

/// Loads `file` as a flow for this card's theory, basis, lattice and path.
fn load_flow<T: Theory>(file: &Path, setup: &Setup<T>) -> Result<Flow, InputError> {
    let bad = |why: String| InputError::new(format!("--flow {}: {why}", file.display()));
    let json = match shared::read(file) {
        Ok(Some(json)) => json,
        Ok(None) => return Err(bad("no such file".into())),
        Err(e) => return Err(bad(format!("{e:#}"))),
    };
    let flow = Flow::from_json(&json, &setup.basis).map_err(|e| bad(e.to_string()))?;
    if flow.path != setup.path {
        return Err(InputError::new(format!(
            "--flow {}: trained along another coupling path than the card's [path] and [target]",
            file.display()
        )));
    }
    Ok(flow)
}
