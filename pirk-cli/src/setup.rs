//! Everything a job builds from a checked card for a concrete theory `T`: lattice, path,
//! prior, basis and the runtime's settings objects.

use std::sync::Arc;

use pirk::{
    Basis, Generator, Hmc, Integrator, Lattice, Metropolis, Path, PriorOffset, PruneRule,
    QuadraticPart, Refiner, Refresh, Schedule, Scheme, StepSearch, Theory, Trainer, WegnerSolver,
    Wolff, check_prior,
};

use crate::card::{Card, CountOrAuto, IntegratorKind, PriorCard, RefreshKind, WolffPlan};
use crate::error::InputError;
use crate::memory;
use crate::prior::CardPrior;
use crate::registry::{Embedding, Entry, WolffObstacle};
use crate::report::RelaxInfo;
use crate::seeds;

/// A job's inputs for theory `T`.
pub struct Setup<T: Theory> {
    /// The theory.
    pub theory: T,
    /// Its registration.
    pub entry: Entry,
    /// The card.
    pub card: Card,
    /// The lattice.
    pub lat: Lattice,
    /// Target couplings in parameter order.
    pub target: Vec<f64>,
    /// `θ(t)` through the start, the waypoints and the target, at equally spaced times.
    pub path: Path,
    /// The prior.
    pub prior: CardPrior,
    /// Its settings as a `[prior]` table: the card's, the action's quadratic part's, or
    /// tuning's (`crate::tune`). A saved flow records them.
    pub prior_card: PriorCard,
    /// The action's quadratic part the prior was built from, when the card gives none.
    pub from_action: Option<QuadraticPart>,
    /// The kernel basis.
    pub basis: Basis<T>,
    /// The Wolff chain of `compare` and `wolff`, or why it cannot run (it needs a Wolff
    /// embedding at κ ≥ 0 or β ≥ 0).
    pub wolff: Result<WolffPlan, WolffObstacle>,
}

impl<T: Theory + Default + 'static> Setup<T> {
    /// Builds and cross-checks everything; a mismatch is an input error.
    pub fn new(card: Card, entry: Entry) -> Result<Self, InputError> {
        Self::build(card, entry, None)
    }

    /// The same job starting from `prior` instead (a tuned prior, or the one a given flow was
    /// trained from).
    pub fn with_prior(&self, prior: PriorCard) -> Result<Self, InputError> {
        Self::build(self.card.clone(), self.entry, Some(prior))
    }

    /// [`Setup::new`] with the prior's settings given, else from the card or the action.
    fn build(card: Card, entry: Entry, prior: Option<PriorCard>) -> Result<Self, InputError> {
        let invalid = |what: &str, e: pirk::Error| InputError::new(format!("{what}: {e}"));
        let volume = memory::volume(&card)?;
        memory::check(&card, volume, T::COMPONENTS, 0)?;
        let lat = Lattice::new(&card.lattice);
        let mut nodes = card.path_couplings(&entry)?;
        let target = nodes.last().expect("the target is a node").clone();
        if nodes.len() == 1 {
            nodes.push(target.clone());
        }
        let path = Path::piecewise(nodes).map_err(|e| invalid("path", e))?;
        let theory = T::default();
        let (from_action, prior_card) = match (&card.prior, prior) {
            (Some(card_prior), given) => (None, given.unwrap_or_else(|| card_prior.clone())),
            (None, given) if T::PERIODIC => (None, given.unwrap_or_else(PriorCard::uniform)),
            (None, given) => {
                let part = QuadraticPart::of(&theory, &lat, path.start())
                    .map_err(|e| invalid("prior", e))?;
                let prior_card = match given {
                    Some(given) => given,
                    None => {
                        let seed = seeds::nearest_gaussian(card.seed);
                        let (kinetic, mass) = part
                            .prior_couplings(&theory, &lat, path.start(), mass_floor(&lat), seed)
                            .map_err(|e| invalid("prior", e))?;
                        PriorCard::free(kinetic, mass)
                    }
                };
                (Some(part), prior_card)
            }
        };
        let prior =
            CardPrior::new(&prior_card, &lat, T::COMPONENTS).map_err(|e| invalid("prior", e))?;
        let switched_off = check_prior(&theory, &lat, path.start(), &prior, card.seed).is_err();
        let kernels = card.kernels(&entry);
        let mut basis = Basis::<T>::new(&lat);
        if switched_off {
            if card.flow.refresh > 0 && card.flow.refresh_with == RefreshKind::Wolff {
                return Err(InputError::new(
                    "flow.refresh_with: Wolff updates move under the theory alone, and the \
                     prior is not the theory at the path's start; use the HMC refresh",
                ));
            }
            let offset = PriorOffset::new(T::default(), prior.clone(), &lat, path.start());
            basis = basis.with_offset(Arc::new(offset));
        }
        if let Some(names) = &kernels.declared {
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            basis = basis
                .with_kernels(&names)
                .map_err(|e| invalid("kernels.declared", e))?;
        }
        let projected: Vec<&str> = kernels.projected.iter().map(String::as_str).collect();
        let basis = basis
            .with_shells(kernels.shells)
            .with_projected(&theory, &projected, kernels.projected_shells)
            .map_err(|e| invalid("kernels.projected", e))?;
        let basis = match &kernels.smeared {
            Some(m) => basis.with_smeared(&m.radii, &m.slopes),
            None => basis,
        };
        let basis = match &kernels.spins {
            Some(m) => basis.with_spins(&m.radii, &m.harmonics),
            None => basis,
        };
        let basis = basis
            .with_flux(&kernels.flux)
            .map_err(|e| invalid("kernels.flux", e))?;
        memory::check(&card, volume, T::COMPONENTS, basis.len())?;
        for (key, samples) in [
            ("flow.samples", card.flow.samples),
            ("refine.samples", card.refine_samples()),
        ] {
            if samples <= basis.len() {
                return Err(InputError::new(format!(
                    "{key}: {samples} samples for {} kernels; need more samples than kernels",
                    basis.len()
                )));
            }
        }
        let setup = Self {
            theory,
            entry,
            wolff: card.wolff_plan(&entry),
            card,
            lat,
            target,
            path,
            prior,
            prior_card,
            from_action,
            basis,
        };
        setup.validate()?;
        Ok(setup)
    }

    /// The priors tuning starts from: this setup's, and for a card without a prior also the
    /// quadratic part's own Gaussian with its mass lifted to the floor, where that differs.
    /// The nearest Gaussian can be narrower in the zero mode than the target near a transition,
    /// and a flow does not widen a zero mode it was not given; the lifted one is wide there.
    pub fn starts(&self) -> Vec<PriorCard> {
        let mut starts = vec![self.prior_card.clone()];
        if let Some(part) = &self.from_action {
            let lifted = PriorCard::free(part.kinetic, part.mass.max(mass_floor(&self.lat)));
            if lifted != self.prior_card {
                starts.push(lifted);
            }
        }
        starts
    }

    /// Builds every runtime object the card configures, once. The core's builders are the one
    /// place each setting is checked; building them here rejects a bad value before any output
    /// exists, named by its card key. Sections that others reuse come first (`[hmc]` and the
    /// `[wolff]` width also drive the training refresh), so an error names its own section.
    fn validate(&self) -> Result<(), InputError> {
        self.hmc(self.card.hmc.trajectories, 0)
            .map_err(keyed("hmc"))?;
        let width = self.card.wolff.clone().unwrap_or_default().width();
        Metropolis::new()
            .with_width(width)
            .map_err(keyed("wolff"))?;
        let steps = self.generation_steps().unwrap_or(self.card.flow.steps);
        let trajectories = match self.card.sample.relax {
            CountOrAuto::Count(n) => n,
            CountOrAuto::Auto => 1,
        };
        self.sampler(0, steps, &self.relaxation(trajectories, None))
            .map_err(keyed("sample"))?;
        self.trainer().map_err(keyed("flow"))?;
        self.refiner().map_err(keyed("refine"))?;
        Ok(())
    }
}

/// The smallest mass of a prior from the action, `1/V`: its zero mode's `⟨M²⟩ = 1/(2 V m)` is
/// then ½, wide enough for the magnetisations a flow has to reach, yet normalisable.
fn mass_floor(lat: &Lattice) -> f64 {
    1.0 / lat.volume() as f64
}

/// A core builder's rejection of a setting that the card spells `name`.
fn rename(name: &'static str) -> impl Fn(pirk::Error) -> pirk::Error {
    move |e| match e {
        pirk::Error::InvalidSetting { reason, .. } => pirk::Error::InvalidSetting { name, reason },
        e => e,
    }
}

/// A core builder's rejection as a one-line input error naming the card key
/// `section.setting`.
fn keyed(section: &'static str) -> impl Fn(pirk::Error) -> InputError {
    move |e| match e {
        pirk::Error::InvalidSetting { name, reason } => {
            InputError::new(format!("{section}.{name}: {reason}"))
        }
        e => InputError::new(format!("{section}: {e}")),
    }
}

impl<T: Theory> Setup<T> {
    /// The `[flow]` Wegner solver, shared by training and refinement.
    fn solver(&self) -> pirk::Result<WegnerSolver> {
        let f = &self.card.flow;
        WegnerSolver::new()
            .with_method(f.method)
            .with_centring(f.centring)
            .with_rcond(f.rcond)
    }

    /// The training settings.
    pub fn trainer(&self) -> pirk::Result<Trainer> {
        let f = &self.card.flow;
        let trainer = Trainer::new()
            .with_samples(f.samples)?
            .with_steps(f.steps)?
            .with_seed(self.card.seed)
            .with_solver(self.solver()?);
        let trainer = if f.prune > 0.0 {
            trainer.with_pruning(PruneRule::Absolute(f.prune))?
        } else if f.prune_relative > 0.0 {
            trainer.with_pruning(PruneRule::Relative(f.prune_relative))?
        } else {
            trainer
        };
        Ok(match (f.refresh, f.refresh_with) {
            (0, _) => trainer,
            (n, RefreshKind::Hmc) => {
                let h = &self.card.hmc;
                let (step, steps) = (
                    f.refresh_step.unwrap_or(h.step),
                    f.refresh_steps.unwrap_or(h.steps),
                );
                let refresh = self
                    .hmc(n, 0)?
                    .with_step(step)
                    .map_err(rename("refresh_step"))?;
                trainer.with_refresh(Refresh::Hmc(
                    refresh.with_steps(steps).map_err(rename("refresh_steps"))?,
                ))
            }
            (n, RefreshKind::Wolff) => trainer.with_refresh(self.wolff_refresh(n)?),
        })
    }

    /// `updates` Wolff updates per configuration with the `[wolff]` Metropolis width, on the
    /// hopping form's κ and λ (the card was checked to have them).
    fn wolff_refresh(&self, updates: usize) -> pirk::Result<Refresh> {
        let Some(Embedding::Hopping { kappa, lambda, .. }) = self.entry.wolff else {
            return Err(pirk::Error::InvalidSetting {
                name: "refresh_with",
                reason: format!("theory {} is not the hopping form", self.entry.name),
            });
        };
        let width = self.card.wolff.clone().unwrap_or_default().width();
        Ok(Refresh::Wolff {
            wolff: Wolff::new()
                .with_updates(updates)?
                .with_metropolis(Metropolis::new().with_width(width)?),
            kappa,
            lambda,
        })
    }

    /// The refinement settings. Rounds generate with the sampling step count, so the refined
    /// grid is the grid sampling integrates on; their seeds are hashed from the card seed
    /// (see [`Refiner::with_seed`]), apart from every other stream of the job.
    pub fn refiner(&self) -> pirk::Result<Refiner> {
        Ok(Refiner::new()
            .with_rounds(self.card.refine.rounds)
            .with_samples(self.card.refine_samples())?
            .with_steps(self.generation_steps().unwrap_or(self.card.flow.steps))?
            .with_seed(self.card.seed)
            .with_solver(self.solver()?))
    }

    /// Generation steps fixed by the card: a `[sample] steps` count, or the training steps
    /// under adaptive `[sample] tolerance`; `None` where [`crate::stages::steps`] chooses them
    /// once the flow exists (refinement and tuning, before that, generate at the training
    /// steps).
    pub fn generation_steps(&self) -> Option<usize> {
        match (self.card.sample.steps, self.card.sample.tolerance) {
            (Some(CountOrAuto::Count(n)), _) => Some(n),
            (None, Some(_)) => Some(self.card.flow.steps),
            _ => None,
        }
    }

    /// How [`crate::stages::steps`] chooses steps the card does not fix: `"auto"` looks for the
    /// fewest, the default only raises the training steps until the log-weights converge.
    pub fn step_search(&self) -> StepSearch {
        match self.card.sample.steps {
            Some(CountOrAuto::Auto) => StepSearch::Fewest,
            _ => StepSearch::Raise,
        }
    }

    /// The settings that generate the ensemble: [`Setup::generator`] with `relax`'s
    /// trajectories at every grid time. Pilots (tuning, the step choice and check) use the flow
    /// alone, since they judge the flow.
    pub fn sampler(&self, seed: u64, steps: usize, relax: &RelaxInfo) -> pirk::Result<Generator> {
        let generator = self
            .generator(seed, steps)?
            .with_schedule(relax.schedule.clone());
        if relax.trajectories == 0 {
            return Ok(generator);
        }
        let hmc = self
            .hmc(relax.trajectories, 0)?
            .with_step(relax.step)
            .map_err(rename("relax_step"))?
            .with_steps(relax.steps)
            .map_err(rename("relax_steps"))?;
        Ok(generator.with_relax(hmc))
    }

    /// `trajectories` of relaxation with the card's `relax_step` and `relax_steps` (or the
    /// `[hmc]` ones), chosen by the card or, with `pilot_ess`, from a pilot of the flow alone,
    /// on an even grid ([`crate::stages::steps`] balances it where the card asks).
    pub fn relaxation(&self, trajectories: usize, pilot_ess: Option<f64>) -> RelaxInfo {
        let s = &self.card.sample;
        RelaxInfo {
            trajectories,
            step: s.relax_step.unwrap_or(self.card.hmc.step),
            steps: s.relax_steps.unwrap_or(self.card.hmc.steps),
            pilot_ess,
            schedule: Schedule::even(),
        }
    }

    /// The flow's own generation settings with a given seed (one per chunk): RK4, or
    /// Bogacki–Shampine when `[sample] tolerance` is given.
    pub fn generator(&self, seed: u64, steps: usize) -> pirk::Result<Generator> {
        let scheme = self
            .card
            .sample
            .tolerance
            .map_or(Scheme::Rk4, |tol| Scheme::BogackiShampine { tol });
        Ok(Generator::new()
            .with_steps(steps)?
            .with_scheme(scheme)?
            .with_runaway(self.card.sample.runaway)?
            .with_seed(seed))
    }

    /// The HMC settings for `trajectories` trajectories from stream offset `seed`.
    pub fn hmc(&self, trajectories: usize, seed: u64) -> pirk::Result<Hmc> {
        let h = &self.card.hmc;
        Ok(Hmc::new()
            .with_trajectories(trajectories)?
            .with_step(h.step)?
            .with_steps(h.steps)?
            .with_integrator(match h.integrator {
                IntegratorKind::Omelyan => Integrator::Omelyan { lambda: 0.1932 },
                IntegratorKind::Leapfrog => Integrator::Leapfrog,
            })
            .with_seed(seed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::App;

    fn cards(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                cards(&path, out);
            } else if path.extension().is_some_and(|e| e == "toml") {
                out.push(path);
            }
        }
    }

    /// Every card in examples/cards loads, checks, and builds its prior (checked against the
    /// theory at the path's start) and its basis, so none names a kernel its theory lacks.
    #[test]
    fn every_shipped_card_builds() {
        let mut found = Vec::new();
        cards(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/cards"),
            &mut found,
        );
        assert!(found.len() >= 15, "{found:?}");
        let app = App::with_builtins();
        for file in found {
            let card = Card::load(&file).unwrap();
            let entry = *card
                .check(app.registry())
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            (entry.prepare)(card, entry).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        }
    }

    /// A card without a prior starts from the action's quadratic part: its kinetic term, and
    /// the mass of the Gaussian nearest the theory, fitted on the card seed's own stream. Form
    /// A at m² = −4 has an unstable quadratic part; the nearest Gaussian is the Hartree one,
    /// far above the 1/V floor.
    #[test]
    fn a_card_without_a_prior_starts_from_the_nearest_gaussian() {
        let app = App::with_builtins();
        let text = "theory = \"phi4\"\nlattice = [6, 6]\nseed = 5\n\n[target]\nm2 = -4.0\n\
                    lambda = 5.0\n";
        let card: Card = toml::from_str(text).unwrap();
        let entry = *card.check(app.registry()).unwrap();
        let setup = Setup::<pirk_theories::Phi4>::new(card, entry).unwrap();
        let part = setup.from_action.unwrap();
        assert_eq!((part.kinetic, part.mass), (1.0, -4.0));
        let floor = mass_floor(&setup.lat);
        let start = setup.path.start();
        // another stream gives nearly the same mass: the fit is not at the mercy of its draws
        let other = pirk::nearest_mass(&setup.theory, &setup.lat, start, 1.0, floor, 99).unwrap();
        let fitted = pirk::nearest_mass(
            &setup.theory,
            &setup.lat,
            start,
            1.0,
            floor,
            seeds::nearest_gaussian(5),
        )
        .unwrap();
        assert_eq!(setup.prior_card, PriorCard::free(1.0, fitted));
        assert!(
            fitted > 0.3 && (fitted / other - 1.0).abs() < 0.05,
            "{fitted} {other}"
        );
    }
}
