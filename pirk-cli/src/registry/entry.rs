//! One registered theory: its card name, what the CLI needs to know about it, and the job code
//! instantiated for its type.

use std::ops::RangeInclusive;

use pirk::Theory;

use super::embedding::{ClusterEmbedding, Embedding};
use crate::card::Card;
use crate::error::InputError;
use crate::job::{self, Prepared};

/// Builds a checked card's setup for one theory type (a monomorphised [`job::prepare`]).
pub type Prepare = fn(Card, Entry) -> Result<Box<dyn Prepared>, InputError>;

/// A theory as the command line knows it.
#[derive(Clone, Copy, Debug)]
pub struct Entry {
    /// The name used in run cards and on the command line.
    pub name: &'static str,
    /// One line for `theories`.
    pub summary: &'static str,
    /// Allowed numbers of lattice directions, `(lowest, highest)`.
    pub ndim: (usize, usize),
    /// `Theory::NAME`.
    pub type_name: &'static str,
    /// `Theory::PARAMS`.
    pub params: &'static [&'static str],
    /// `Theory::KERNELS`.
    pub kernels: &'static [&'static str],
    /// `Theory::SOURCE`.
    pub source: &'static str,
    /// `Theory::PERIODIC`: the field is an angle.
    pub periodic: bool,
    /// `Theory::COMPONENTS`: real components per site.
    pub components: usize,
    /// `Theory::LINKS`: the components are the lattice's directions.
    pub links: bool,
    /// Where the theory contains an action Wolff updates, if it does.
    pub wolff: Option<Embedding>,
    /// The job code for the theory's type.
    pub prepare: Prepare,
}

impl Entry {
    /// Theory `T` under `name`, on 1 to 4 lattice dimensions (a link field's own), without a
    /// Wolff embedding.
    pub fn new<T: Theory + Default + 'static>(name: &'static str, summary: &'static str) -> Self {
        Self {
            name,
            summary,
            ndim: if T::LINKS {
                (T::COMPONENTS, T::COMPONENTS)
            } else {
                (1, 4)
            },
            type_name: T::NAME,
            params: T::PARAMS,
            kernels: T::KERNELS,
            source: T::SOURCE,
            periodic: T::PERIODIC,
            components: T::COMPONENTS,
            links: T::LINKS,
            wolff: None,
            prepare: job::prepare::<T>,
        }
    }

    /// Allows exactly the lattice dimensions `dims`.
    pub fn set_dimensions(&mut self, dims: RangeInclusive<usize>) {
        assert!(
            !dims.is_empty(),
            "pirk_cli::App::dimensions: empty range for theory {}",
            self.name
        );
        self.ndim = (*dims.start(), *dims.end());
    }

    /// Records where the theory contains an action Wolff updates.
    pub fn set_wolff(&mut self, embedding: ClusterEmbedding) {
        self.wolff = Some(embedding.resolve(self.name, self.params, self.periodic));
    }

    /// The position of β among the couplings where the theory is the planar action: the
    /// helicity modulus is measured in its units.
    pub fn planar_beta(&self) -> Option<usize> {
        match self.wolff? {
            Embedding::Planar { beta, .. } => Some(beta),
            Embedding::Hopping { .. } => None,
        }
    }

    /// `lo` or `lo-hi`.
    pub fn dimensions(&self) -> String {
        match self.ndim {
            (lo, hi) if lo == hi => format!("{lo}"),
            (lo, hi) => format!("{lo}-{hi}"),
        }
    }

    /// What `theories` prints: name, type, dimensions, summary, couplings, kernels, and the
    /// Wolff embedding where there is one.
    pub fn describe(&self) -> String {
        let mut text = format!(
            "{}  ({}, {} dimensions)\n  {}\n  couplings: {}\n  kernels:   {}\n",
            self.name,
            self.type_name,
            self.dimensions(),
            self.summary,
            self.params.join(", "),
            self.kernels.join(", ")
        );
        match self.wolff {
            Some(Embedding::Hopping { couplings: w, .. }) => {
                text += "  wolff:     ";
                if self.components > 1 {
                    text += &format!("O({}), ", self.components);
                }
                text += &format!("κ = {}, λ = {}", w.kappa, w.lambda);
                if !w.extra.is_empty() {
                    text += &format!(" where {} = 0", w.extra.join(" = "));
                }
                text += "\n";
            }
            Some(Embedding::Planar { couplings: p, .. }) => {
                text += &format!("  wolff:     O(2), β = {}\n", p.beta);
            }
            None => {}
        }
        text
    }
}
