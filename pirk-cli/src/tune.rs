//! Self-tuning (`[tune]`): pilot rounds that fit the prior's zero-mode couplings from the flow's
//! own log-weights, as adaptive importance sampling. Round `r` trains a flow from the prior `q_r`,
//! generates a pilot ensemble and fits the tilt `e^{α M² + β M⁴}` that carries the flow's
//! magnetisation density to the target's (`pirk::zero_mode_tilt_toward`), so the next prior's
//! zero-mode potential `V (μ M² + g M⁴)` takes `μ − α/V`, `g − β/V`. The target's moments are
//! those of the pilot's configurations after the stationarity check's few HMC trajectories
//! (weighted as before them): the weights alone cannot see mass the flow never reaches, and
//! HMC walks toward it. A quartic with `μ + m₀ < 0` has two
//! wells, so one family covers the symmetric, critical and broken phases. The first rounds try each
//! of the setup's starting priors (`Setup::starts`); rounds are compared by their pilot's
//! stationarity check first (a flagged pilot misses mass), then by log Z, because a flow that
//! misses part of the target's mass underestimates Z while its ESS can stay high, and by the ESS
//! where the log Zs agree or the larger one rests on a heavy tail. A
//! round that does worse than the best so far (the tilt of a poor flow overshoots) is followed by
//! one with half the step from the best prior. Tuning stops when a round's ESS reaches the card's
//! goal, after two such failures in a row, when the tilt cannot be fitted or gives no normalisable
//! prior, or after the card's rounds; the best round's prior and flow are the job's. No chain of
//! HMC or Wolff of its own enters, only local moves from the flow's own configurations (as the
//! training refresh makes); the prior is switched off along the path by the runtime (`Setup`),
//! so any theory can be tuned.

use std::time::Instant;

use pirk::{
    Flow, PARETO_K_UNRELIABLE, Theory, Weights, ZeroModeTilt, independence_mh,
    magnetisation_length, pareto_k, zero_mode_tilt_toward,
};
use serde::{Deserialize, Serialize};

use crate::card::PriorCard;
use crate::outdir::{OutDir, write_bytes};
use crate::progress::Progress;
use crate::report::ValueError;
use crate::seeds;
use crate::setup::Setup;
use crate::shared;
use crate::stages;
use crate::stationarity::{Check, Stationarity, round_clause};

/// Rounds in a row that may do worse than the best (each with half the step before) before
/// tuning stops.
const MAX_FAILURES: usize = 2;

/// One pilot round.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TuneRound {
    /// The prior the round's flow started from, as a `[prior]` table.
    pub prior: PriorCard,
    /// ESS of the pilot ensemble at the target.
    pub ess: f64,
    /// The pilot's estimate of log Z at the target.
    pub log_z: ValueError,
    /// The Pareto k̂ of the pilot's importance weights (null with too few to fit).
    pub pareto_k: Option<f64>,
    /// Independence-MH acceptance on the pilot ensemble.
    pub acceptance: f64,
    /// Pilot configurations rejected as non-finite or runaway.
    pub rejected: usize,
    /// The stationarity check on the pilot (null where the card turns it off, and in files
    /// that predate it); the tilt's moments come from its moved configurations.
    #[serde(default)]
    pub stationarity: Option<Stationarity>,
    /// The fitted tilt (null when it could not be fitted).
    pub tilt: Option<ZeroModeTilt>,
}

impl TuneRound {
    /// Whether this round's flow is better than `other`'s: a pilot the stationarity check does
    /// not flag against one it flags (HMC walks away from the flagged one's weighted ensemble:
    /// it misses mass); else a pilot log Z larger by more than three combined errors (the other
    /// misses mass its ESS does not see), or, where the log Zs agree within that, the higher
    /// ESS. A larger log Z counts only where its weights' tail lets the mean be trusted
    /// (k̂ ≤ 0.7): a pilot carried by one huge weight, from an integration error in log q or a
    /// tail not yet explored, can put log Z anywhere.
    fn beats(&self, other: &TuneRound) -> bool {
        let flagged = |r: &TuneRound| r.stationarity.as_ref().is_some_and(|c| c.flagged);
        if flagged(self) != flagged(other) {
            return flagged(other);
        }
        let shift = self.log_z.value - other.log_z.value;
        let significant = shift.abs() > 3.0 * self.log_z.error.hypot(other.log_z.error);
        let larger = if shift > 0.0 { self } else { other };
        if significant && larger.pareto_k.is_some_and(|k| k <= PARETO_K_UNRELIABLE) {
            shift > 0.0
        } else {
            self.ess > other.ess
        }
    }
}

/// Why tuning stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TuneStop {
    /// A round reached the ESS goal.
    Goal,
    /// Two rounds in a row did worse than the best before them (the second with half the
    /// step of the first).
    NoImprovement,
    /// The card's rounds were used up.
    Budget,
    /// The pilot's log-weights admitted no tilt fit (too few finite, distinct configurations).
    NoTilt,
    /// The tilt asked for a zero-mode potential with no positive quartic, and moving the
    /// zero mode's mass alone left it no positive mass.
    NotNormalisable,
}

impl TuneStop {
    /// One line for the summary.
    pub fn explain(self) -> &'static str {
        match self {
            Self::Goal => "a round reached the ESS goal",
            Self::NoImprovement => {
                "two rounds in a row did worse than the best, the second with half the step"
            }
            Self::Budget => "the card's rounds were used up",
            Self::NoTilt => "the pilot's log-weights admit no tilt fit",
            Self::NotNormalisable => {
                "the tilt asks for a zero-mode potential that cannot be normalised"
            }
        }
    }
}

/// What tuning did: every round, the one chosen and why it stopped.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Tuning {
    /// The rounds in order.
    pub rounds: Vec<TuneRound>,
    /// The rounds that tried the setup's starting priors, before any tilt.
    pub starts: usize,
    /// The round whose prior and flow the job uses: the last that beat every round before it
    /// ([`TuneRound::beats`]).
    pub chosen: usize,
    /// Why it stopped.
    pub stop: TuneStop,
    /// The ESS goal.
    pub goal: f64,
    /// Pilot configurations per round.
    pub samples: usize,
}

/// The tuned job: its setup (with the chosen prior), the record, and the chosen round's flow
/// (absent on resume, where the train stage reloads or retrains it identically).
pub struct Tuned<T: Theory> {
    /// The setup with the chosen prior.
    pub setup: Setup<T>,
    /// The record.
    pub tuning: Tuning,
    /// The chosen round's flow.
    pub flow: Option<Flow>,
    /// Wall seconds of each round's training and pilot (empty on resume).
    pub seconds: Vec<f64>,
}

/// Runs the tuning rounds of `setup`'s card, or on `--resume` reloads their record.
pub fn tune<T: Theory + Default + 'static>(
    setup: Setup<T>,
    out: &OutDir,
    progress: &Progress,
) -> anyhow::Result<Tuned<T>> {
    let file = out.checkpoint("tuning.json");
    if let Some(saved) = shared::read(&file)? {
        progress.log(format!(
            "resuming: reusing the tuning in {}",
            file.display()
        ));
        let tuning: Tuning = serde_json::from_slice(&saved)?;
        let setup = setup.with_prior(tuning.rounds[tuning.chosen].prior.clone())?;
        return Ok(Tuned {
            setup,
            tuning,
            flow: None,
            seconds: Vec::new(),
        });
    }
    let card = setup.card.tune.clone();
    let rounds = setup.card.tune_rounds(&setup.entry);
    let mut records: Vec<TuneRound> = Vec::new();
    let mut best: Option<(Setup<T>, Flow)> = None;
    let starts = setup.starts();
    let mut prior = starts[0].clone();
    let mut current = Some(setup);
    let mut stop = TuneStop::Budget;
    let mut chosen = 0;
    let mut seconds = Vec::new();
    // The tilt last applied to the best prior, and the rounds since the best.
    let mut step: Option<ZeroModeTilt> = None;
    let mut failures = 0;
    for r in 0..rounds {
        let begin = Instant::now();
        let round = match current.take() {
            Some(s) => s,
            None => best
                .as_ref()
                .expect("round 0 sets the best")
                .0
                .with_prior(prior.clone())?,
        };
        let flow = stages::fit(&round, progress)?;
        let pilot = pilot(&round, &flow, r, card.samples)?;
        let record = TuneRound {
            prior: prior.clone(),
            ess: pilot.ess,
            log_z: pilot.log_z,
            pareto_k: pilot.pareto_k,
            acceptance: pilot.acceptance,
            rejected: pilot.rejected,
            stationarity: pilot.stationarity,
            tilt: pilot.tilt,
        };
        seconds.push(begin.elapsed().as_secs_f64());
        progress.log(format!(
            "tuning round {r}: ESS {:.4}, log Z {:.4} ± {:.4}, MH acceptance {:.3}{}{}",
            record.ess,
            record.log_z.value,
            record.log_z.error,
            record.acceptance,
            round_clause(record.stationarity.as_ref()),
            record.tilt.map_or(String::new(), |t| format!(
                ", tilt ({}) zm_mass {:+.3e}, zm_quartic {:+.3e}",
                t.fit, t.zm_mass, t.zm_quartic
            ))
        ));
        progress.check_cancel();
        let improved = records.iter().all(|earlier| record.beats(earlier));
        records.push(record);
        let last_start = r + 1 == starts.len();
        if improved {
            chosen = r;
            best = Some((round, flow));
            failures = 0;
        }
        if r + 1 < starts.len() {
            // Every start is tried before a goal can end the tuning: a high ESS does not show
            // the mass a start misses.
            prior = starts[r + 1].clone();
            continue;
        }
        if improved || last_start {
            if records[chosen].ess >= card.ess {
                stop = TuneStop::Goal;
                break;
            }
            let Some(tilt) = records[chosen].tilt else {
                stop = TuneStop::NoTilt;
                break;
            };
            step = Some(tilt);
        } else {
            // Back off toward the best prior: the tilt of a poor flow overshoots.
            failures += 1;
            if failures == MAX_FAILURES {
                stop = TuneStop::NoImprovement;
                break;
            }
            step = step.map(|s| s.scaled(0.5));
        }
        let applied = step.expect("a round past the starts sets the step before any failure");
        match tilted(&records[chosen].prior, &applied) {
            Some(next) => prior = next,
            None => {
                stop = TuneStop::NotNormalisable;
                break;
            }
        }
    }
    let tuning = Tuning {
        starts: starts.len().min(records.len()),
        rounds: records,
        chosen,
        stop,
        goal: card.ess,
        samples: card.samples,
    };
    // Before flow.json: a resume that finds the flow must also find the prior it starts from.
    write_bytes(&file, &serde_json::to_vec(&tuning)?)?;
    let (setup, flow) = best.expect("round 0 is always the best so far");
    Ok(Tuned {
        setup,
        tuning,
        flow: Some(flow),
        seconds,
    })
}

/// A round's pilot: ESS, MH acceptance, rejections, the stationarity check and the tilt at the
/// target.
struct Pilot {
    ess: f64,
    log_z: ValueError,
    pareto_k: Option<f64>,
    acceptance: f64,
    rejected: usize,
    stationarity: Option<Stationarity>,
    tilt: Option<ZeroModeTilt>,
}

/// Generates `n` configurations of round `r` from their own seed domain at the generation steps
/// (the flow's own where they are chosen after training), and runs the stationarity check on
/// them. The tilt matches the moments of the configurations the check's trajectories moved:
/// where the flow misses mass its weights cannot see, HMC walks toward it, and the next prior
/// follows (local moves from the flow's own configurations, as the training refresh makes; no
/// independent chain).
fn pilot<T: Theory>(setup: &Setup<T>, flow: &Flow, r: usize, n: usize) -> anyhow::Result<Pilot> {
    let seed = seeds::tune_pilot(setup.card.seed, r);
    let steps = setup.generation_steps().unwrap_or(flow.steps);
    let samples =
        setup
            .generator(seed, steps)?
            .generate(&setup.theory, &setup.prior, &setup.basis, flow, n);
    let log_w = samples.log_weights();
    let m: Vec<f64> = (0..samples.len())
        .map(|i| magnetisation_length(samples.config(i), T::COMPONENTS))
        .collect();
    let weights = Weights::from_log(log_w);
    let mut check = Check::on_every_rank(setup, &setup.target, seed)?;
    if let Some(check) = check.as_mut() {
        check.add(&samples.phi);
    }
    let moved = check.as_ref().map(Check::moved_lengths);
    let volume = setup.lat.volume();
    Ok(Pilot {
        ess: weights.ess(),
        log_z: weights.log_z().into(),
        pareto_k: pareto_k(log_w),
        acceptance: independence_mh(log_w, seeds::mh(seed)).acceptance,
        rejected: samples.rejected,
        tilt: zero_mode_tilt_toward(&m, moved.as_deref().unwrap_or(&m), log_w, volume),
        stationarity: check.and_then(|c| c.finish(log_w)),
    })
}

/// `prior` with its zero-mode couplings moved by `tilt`. A quartic the tilt would make
/// non-positive is halved instead (the quadratic still moves); a prior without a quartic to
/// halve moves its zero mode's mass alone (the tilt's fit with g held), a Gaussian zero mode
/// whose mass must stay positive. `None` where neither gives a normalisable prior, or the prior
/// is not a free field.
fn tilted(prior: &PriorCard, tilt: &ZeroModeTilt) -> Option<PriorCard> {
    let mass = prior.mass?;
    let (mu, quartic) = (
        prior.zm_mass.unwrap_or(0.0),
        prior.zm_quartic.unwrap_or(0.0),
    );
    let moved = quartic + tilt.zm_quartic;
    let (mu, quartic) = if moved > 0.0 {
        (mu + tilt.zm_mass, moved)
    } else if quartic > 0.0 {
        (mu + tilt.zm_mass, quartic / 2.0)
    } else {
        let mu = mu + tilt.zm_mass_only?;
        (mass + mu > 0.0).then_some((mu, 0.0))?
    };
    Some(PriorCard {
        zm_mass: Some(mu),
        zm_quartic: Some(quartic),
        ..prior.clone()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use pirk::TiltFit;

    fn round(log_z: f64, error: f64, ess: f64) -> TuneRound {
        TuneRound {
            prior: PriorCard::free(0.27, 0.004),
            ess,
            log_z: ValueError {
                value: log_z,
                error,
            },
            pareto_k: Some(0.3),
            acceptance: 0.5,
            rejected: 0,
            stationarity: None,
            tilt: None,
        }
    }

    /// A log Z larger by more than three combined errors wins whatever the ESS (the other
    /// flow misses mass), if its weights' tail is light enough to trust it; within them the
    /// higher ESS wins; an undetermined log Z leaves the ESS.
    #[test]
    fn rounds_are_compared_by_log_z_then_ess() {
        let (wide, narrow) = (round(730.07, 0.012, 0.31), round(728.78, 0.025, 0.38));
        assert!(wide.beats(&narrow) && !narrow.beats(&wide));
        let (a, b) = (round(183.000, 0.007, 0.92), round(183.010, 0.007, 0.89));
        assert!(a.beats(&b) && !b.beats(&a));
        let (c, d) = (round(f64::NAN, f64::NAN, 0.2), round(10.0, 0.1, 0.1));
        assert!(c.beats(&d) && !d.beats(&c));
        // a larger log Z carried by one huge weight (k̂ > 0.7, or no tail to fit) does not count
        let carried = TuneRound {
            pareto_k: Some(2.57),
            ..round(3161.95, 1.0, 0.002)
        };
        let good = round(3142.75, 0.003, 0.994);
        assert!(good.beats(&carried) && !carried.beats(&good));
        let unfitted = TuneRound {
            pareto_k: None,
            ..carried.clone()
        };
        assert!(good.beats(&unfitted) && !unfitted.beats(&good));
        // a pilot the stationarity check flags loses to one it does not, whatever its ESS
        // (64², κ = 0.27: a flagged ESS 0.145 against an unflagged 0.044)
        let check = |flagged| Stationarity {
            trajectories: 10,
            configurations: 500,
            moved: 1.0,
            shifts: Vec::new(),
            flagged,
            seconds: 0.0,
        };
        let missing = TuneRound {
            stationarity: Some(check(true)),
            ..round(2902.94, 0.11, 0.145)
        };
        let reaching = TuneRound {
            stationarity: Some(check(false)),
            ..round(2903.52, 0.21, 0.044)
        };
        assert!(reaching.beats(&missing) && !missing.beats(&reaching));
        let unchecked = round(2903.52, 0.21, 0.044);
        assert!(unchecked.beats(&missing) && !missing.beats(&unchecked));
    }

    /// The pilot's tilt follows its stationarity check: the same pilot (same seeds, same
    /// configurations) with the check turned off fits another tilt, to its own moments.
    #[test]
    fn the_pilot_tilt_matches_the_checked_configurations() {
        use crate::App;
        use crate::card::Card;
        use crate::host::Cancel;
        let app = App::with_builtins();
        let setup = |check: usize| {
            let text = format!(
                "theory = \"hopping\"\nlattice = [6, 6]\nseed = 5\n\n[target]\nkappa = 0.2709\n\
                 lambda = 0.022\n\n[flow]\nsteps = 8\nsamples = 300\n\n[sample]\nhmc_check = {check}\n"
            );
            let card: Card = toml::from_str(&text).unwrap();
            let entry = *card.check(app.registry()).unwrap();
            Setup::<pirk_theories::Phi4Hopping>::new(card, entry).unwrap()
        };
        let (checked, unchecked) = (setup(10), setup(0));
        let progress = Progress::new(true, false, Cancel::new());
        let flow = stages::fit(&checked, &progress).unwrap();
        let with = pilot(&checked, &flow, 0, 200).unwrap();
        let without = pilot(&unchecked, &flow, 0, 200).unwrap();
        assert_eq!(
            (with.ess, with.log_z.value),
            (without.ess, without.log_z.value),
            "the same pilot"
        );
        let check = with.stationarity.expect("checked");
        assert_eq!((check.trajectories, check.configurations), (10, 200));
        assert!(without.stationarity.is_none());
        let (a, b) = (with.tilt.unwrap(), without.tilt.unwrap());
        assert_eq!(a.fit, TiltFit::Moments);
        assert_ne!(a.zm_mass_only, b.zm_mass_only, "{a:?} {b:?}");
    }

    /// A planted tilt lands on the zero-mode couplings that remove it, from a free prior and
    /// from a zero-mode one; a quartic the tilt would make negative is halved; without a
    /// quartic to halve the zero mode's mass moves alone, and where that is not positive
    /// either there is no prior.
    #[test]
    fn the_tilt_moves_the_zero_mode_couplings() {
        let free = PriorCard::free(0.27, 0.004);
        let planted = ZeroModeTilt {
            zm_mass: -0.012,
            zm_quartic: 0.0051,
            fit: TiltFit::Moments,
            zm_mass_only: None,
        };
        let once = tilted(&free, &planted).unwrap();
        assert_eq!(
            (once.kinetic, once.mass, once.zm_mass, once.zm_quartic),
            (Some(0.27), Some(0.004), Some(-0.012), Some(0.0051))
        );
        let twice = tilted(&once, &planted).unwrap();
        assert_eq!(twice.zm_mass, Some(-0.024));
        assert_eq!(twice.zm_quartic, Some(0.0102));
        let negative = ZeroModeTilt {
            zm_mass: 0.002,
            zm_quartic: -0.0060,
            fit: TiltFit::Regression,
            zm_mass_only: None,
        };
        let halved = tilted(&once, &negative).unwrap();
        assert_eq!(halved.zm_quartic, Some(0.00255));
        assert!((halved.zm_mass.unwrap() + 0.010).abs() < 1e-15);
        assert!(tilted(&free, &negative).is_none());
        // Without a quartic to halve, the zero mode's mass moves alone while it stays positive.
        let widen = ZeroModeTilt {
            zm_mass_only: Some(-0.003),
            ..negative
        };
        let gaussian = tilted(&free, &widen).unwrap();
        assert_eq!(
            (gaussian.mass, gaussian.zm_mass, gaussian.zm_quartic),
            (Some(0.004), Some(-0.003), Some(0.0))
        );
        let too_far = ZeroModeTilt {
            zm_mass_only: Some(-0.004),
            ..negative
        };
        assert!(tilted(&free, &too_far).is_none());
        // and a Gaussian zero mode takes a positive quartic as a free field does
        let shaped = tilted(&gaussian, &planted).unwrap();
        assert_eq!(shaped.zm_quartic, Some(0.0051));
        assert!((shaped.zm_mass.unwrap() + 0.015).abs() < 1e-15);
    }
}
