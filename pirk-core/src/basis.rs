//! A runtime kernel basis: a chosen subset of a theory's declared kernels, optionally followed
//! by the momentum shells. It turns one configuration into one Wegner row and evaluates the
//! velocity, without allocating (buffers live in a per-thread [`BasisScratch`]).

use std::marker::PhantomData;

use crate::error::{Error, Result};
use crate::shells::{ShellScratch, Shells};
use crate::{Lattice, Theory};

/// Kernels of theory `T` (by declaration index) plus optional shells, in that order.
#[derive(Clone, Debug)]
pub struct Basis<T: Theory> {
    lat: Lattice,
    selected: Vec<usize>,
    shells: Option<Shells>,
    names: Vec<String>,
    theory: PhantomData<fn() -> T>,
}

/// Per-thread buffers for [`Basis`].
#[derive(Clone, Debug)]
pub struct BasisScratch {
    full: Vec<f64>,
    dtheta: Vec<f64>,
    force: Vec<f64>,
    kfull: Vec<f64>,
    shell: Option<ShellScratch>,
}

impl<T: Theory> Basis<T> {
    /// All declared kernels of `T`, no shells.
    pub fn new(lat: &Lattice) -> Self {
        let mut b = Self {
            lat: lat.clone(),
            selected: (0..T::KERNELS.len()).collect(),
            shells: None,
            names: Vec::new(),
            theory: PhantomData,
        };
        b.rename();
        b
    }

    /// Keeps only the named declared kernels, in the given order.
    pub fn with_kernels(mut self, names: &[&str]) -> Result<Self> {
        self.selected = names
            .iter()
            .map(|n| {
                T::KERNELS
                    .iter()
                    .position(|k| k == n)
                    .ok_or_else(|| Error::UnknownKernel((*n).to_string()))
            })
            .collect::<Result<_>>()?;
        self.rename();
        Ok(self)
    }

    /// Appends (or removes) the momentum-shell family.
    pub fn with_shells(mut self, on: bool) -> Self {
        self.shells = on.then(|| Shells::new(&self.lat));
        self.rename();
        self
    }

    /// The basis whose names are `names` (as stored in a flow file).
    pub fn from_names(lat: &Lattice, names: &[String]) -> Result<Self> {
        let declared: Vec<&str> = names
            .iter()
            .filter(|n| !n.starts_with("shell("))
            .map(String::as_str)
            .collect();
        let shells = declared.len() < names.len();
        let basis = Self::new(lat).with_kernels(&declared)?.with_shells(shells);
        if basis.names != names {
            return Err(Error::FlowMismatch {
                what: "kernel names",
                found: names.join(" "),
                expected: basis.names.join(" "),
            });
        }
        Ok(basis)
    }

    fn rename(&mut self) {
        self.names = self
            .selected
            .iter()
            .map(|&j| T::KERNELS[j].to_string())
            .chain(self.shells.iter().flat_map(|s| s.names().iter().cloned()))
            .collect();
    }

    /// Number of kernels.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// True without kernels.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Kernel names in basis order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The lattice the basis was built for.
    pub fn lattice(&self) -> &Lattice {
        &self.lat
    }

    /// Fresh buffers for one thread.
    pub fn scratch(&self) -> BasisScratch {
        BasisScratch {
            full: vec![0.0; T::KERNELS.len()],
            dtheta: vec![0.0; T::PARAMS.len()],
            force: vec![0.0; self.lat.volume()],
            kfull: vec![0.0; T::KERNELS.len()],
            shell: self.shells.as_ref().map(Shells::scratch),
        }
    }

    /// One Wegner row: the Stein values `L_j(φ)` into `row`; returns `∂_t Ŝ = Σ_i θ̇_i ∂S/∂θ_i`.
    pub fn row(
        &self,
        theory: &T,
        theta: &[f64],
        theta_dot: &[f64],
        phi: &[f64],
        row: &mut [f64],
        s: &mut BasisScratch,
    ) -> f64 {
        theory.wegner_row(&self.lat, theta, phi, &mut s.full, &mut s.dtheta);
        let n = self.selected.len();
        for (r, &j) in row[..n].iter_mut().zip(&self.selected) {
            *r = s.full[j];
        }
        if let (Some(shells), Some(ss)) = (&self.shells, s.shell.as_mut()) {
            theory.force(&self.lat, theta, phi, &mut s.force);
            shells.stein(phi, &s.force, &mut row[n..], ss);
        }
        theta_dot.iter().zip(&s.dtheta).map(|(a, b)| a * b).sum()
    }

    /// The velocity `Σ_j k_j K_j(φ)` into `out`; returns its divergence.
    pub fn velocity(
        &self,
        theory: &T,
        k: &[f64],
        phi: &[f64],
        out: &mut [f64],
        s: &mut BasisScratch,
    ) -> f64 {
        let n = self.selected.len();
        s.kfull.iter_mut().for_each(|x| *x = 0.0);
        for (&j, &kj) in self.selected.iter().zip(k) {
            s.kfull[j] += kj;
        }
        let mut div = theory.velocity(&self.lat, &s.kfull, phi, out);
        if let (Some(shells), Some(ss)) = (&self.shells, s.shell.as_mut()) {
            div += shells.add_velocity(&k[n..], phi, out, ss);
        }
        div
    }
}
