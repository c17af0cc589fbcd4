//! A runtime kernel basis: a chosen subset of a theory's declared kernels, optionally followed
//! by the momentum shells and by projections `P_q K_j` of ultralocal declared kernels on the
//! lowest-momentum shells (`K_j@shell(…)`), optionally followed by the smeared kernels
//! `smear(r,a)` ([`Smeared`]), the spin-smeared kernels of angle fields `spin(r,n)`
//! ([`Spins`]) and the flux kernels of two-dimensional link fields `flux(n)` ([`Flux`]). It
//! turns one configuration into one Wegner row and evaluates the velocity,
//! without allocating (buffers live in a per-thread [`BasisScratch`]).

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use crate::error::{Error, Result, ensure};
use crate::lanes::{LANES, gather, scatter};
use crate::vmath::Level;
use crate::{Flux, FluxScratch};
use crate::{Lattice, Offset, Theory, offset_weight};
use crate::{ShellScratch, Shells};
use crate::{Smeared, SmearedScratch};
use crate::{Spins, SpinsScratch};
use std::mem::take;

/// Kernels of theory `T` (by declaration index) plus optional shells, projected kernels,
/// smeared kernels, spin-smeared kernels and flux kernels, in that order.
#[derive(Clone, Debug)]
pub struct Basis<T: Theory> {
    lat: Lattice,
    selected: Vec<usize>,
    shells: Option<Shells>,
    projection: Option<Projection>,
    smeared: Option<Smeared>,
    spins: Option<Spins>,
    flux: Option<Flux>,
    names: Vec<String>,
    offset: Option<SwitchedOff>,
    theory: PhantomData<fn() -> T>,
}

/// The prior-minus-start difference a path switches off ([`crate::flow::offset`]).
#[derive(Clone)]
struct SwitchedOff(Arc<dyn Offset>);

impl fmt::Debug for SwitchedOff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SwitchedOff")
    }
}

/// `P_q K_j` for every projected kernel `j` (outer) and orbit `q` (inner).
#[derive(Clone, Debug)]
struct Projection {
    shells: Shells,
    kernels: Vec<usize>,
    orbits: Vec<usize>,
}

/// Per-thread buffers for [`Basis`].
#[derive(Clone, Debug)]
pub struct BasisScratch {
    full: Vec<f64>,
    dtheta: Vec<f64>,
    force: Vec<f64>,
    kfull: Vec<f64>,
    div: Vec<f64>,
    g: Vec<f64>,
    offset: Vec<f64>,
    /// `K_j·∇Δ` of every declared kernel, for the offset's part of a row.
    dots: Vec<f64>,
    /// One configuration of a lane group and its velocity, for the kernels without batched
    /// code (shells, projected, smeared, spins).
    lane: Vec<f64>,
    lane_out: Vec<f64>,
    /// A lane group's declared rows, `∂S/∂θ` and force (kernel-, coupling-, site-major).
    full_lanes: Vec<f64>,
    dtheta_lanes: Vec<f64>,
    force_lanes: Vec<f64>,
    /// The shells' velocity as a momentum-space multiplier, when the smeared kernels' transforms
    /// carry it ([`Shells::filter`]).
    shell_filter: Vec<f64>,
    /// One component of an N-component field and of its force or velocity.
    component: Vec<f64>,
    component_force: Vec<f64>,
    shell: Option<ShellScratch>,
    smeared: Option<SmearedScratch>,
    spins: Option<SpinsScratch>,
    flux: Option<FluxScratch>,
}

impl<T: Theory> Basis<T> {
    /// All declared kernels of `T`, no shells.
    pub fn new(lat: &Lattice) -> Self {
        let mut b = Self {
            lat: lat.clone(),
            selected: (0..T::KERNELS.len()).collect(),
            shells: None,
            projection: None,
            smeared: None,
            spins: None,
            flux: None,
            names: Vec::new(),
            offset: None,
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

    /// Appends `P_q K_j` for the named declared kernels `j` and the `orbits` lowest-momentum
    /// shells `q`. Each `K_j` must be ultralocal (`K_{j,x}` depends on `φ_x` alone), which is
    /// checked numerically: only then is `∇·(P_q K_j) = (n_q/V) ∇·K_j`. One-component fields
    /// only.
    pub fn with_projected(mut self, theory: &T, names: &[&str], orbits: usize) -> Result<Self> {
        ensure(
            T::COMPONENTS == 1 || names.is_empty() || orbits == 0,
            "projected",
            "projected kernels need a one-component field",
        )?;
        if names.is_empty() || orbits == 0 {
            self.projection = None;
            self.rename();
            return Ok(self);
        }
        let kernels = Self::new(&self.lat).with_kernels(names)?.selected;
        for (&j, name) in kernels.iter().zip(names) {
            if !ultralocal(theory, &self.lat, j) {
                return Err(Error::NotUltralocal((*name).to_string()));
            }
        }
        let shells = Shells::new(&self.lat);
        let orbits = shells.lowest(&self.lat, orbits);
        self.projection = Some(Projection {
            shells,
            kernels,
            orbits,
        });
        self.rename();
        Ok(self)
    }

    /// Appends the smeared kernels for every radius and slope (none if either is empty).
    pub fn with_smeared(mut self, radii: &[f64], slopes: &[f64]) -> Self {
        self.smeared = (!radii.is_empty() && !slopes.is_empty())
            .then(|| Smeared::new(&self.lat, radii, slopes));
        self.rename();
        self
    }

    /// Appends the spin-smeared kernels of an angle field for every radius and harmonic
    /// `n ≥ 1` (none if either is empty).
    pub fn with_spins(mut self, radii: &[f64], harmonics: &[u32]) -> Self {
        self.spins = (!radii.is_empty() && !harmonics.is_empty())
            .then(|| Spins::new(&self.lat, radii, harmonics));
        self.rename();
        self
    }

    /// Appends the flux kernels of a two-dimensional link field for every harmonic `n ≥ 1`
    /// (none if `harmonics` is empty).
    pub fn with_flux(mut self, harmonics: &[u32]) -> Result<Self> {
        ensure(
            harmonics.is_empty() || (T::LINKS && self.lat.ndim() == 2),
            "flux",
            "flux kernels need a link field on a two-dimensional lattice",
        )?;
        self.flux = (!harmonics.is_empty()).then(|| Flux::new(&self.lat, harmonics));
        self.rename();
        Ok(self)
    }

    /// Solves the Wegner equation of `S_t = S(θ(t)) + (1 − t) Δ` instead of `S(θ(t))`: the
    /// prior is not the theory at the path's start, and `offset` is the difference
    /// ([`crate::Offset`]).
    pub fn with_offset(mut self, offset: Arc<dyn Offset>) -> Self {
        self.offset = Some(SwitchedOff(offset));
        self
    }

    /// The difference the path switches off, if any.
    pub fn offset(&self) -> Option<&dyn Offset> {
        self.offset.as_ref().map(|o| &*o.0)
    }

    /// `(1 − t) Δ(φ)`: what the path's action at `t` adds to the theory's (0 without offset).
    pub fn switched(&self, t: f64, phi: &[f64]) -> f64 {
        match self.offset() {
            Some(o) if offset_weight(t) != 0.0 => offset_weight(t) * o.value(phi),
            _ => 0.0,
        }
    }

    /// The basis whose names are `names` (as stored in a flow file).
    pub fn from_names(theory: &T, lat: &Lattice, names: &[String]) -> Result<Self> {
        let declared: Vec<&str> = names
            .iter()
            .filter(|n| {
                !n.starts_with("shell(")
                    && !n.contains('@')
                    && Smeared::parse(n).is_none()
                    && Spins::parse(n).is_none()
                    && Flux::parse(n).is_none()
            })
            .map(String::as_str)
            .collect();
        let shells = names.iter().any(|n| n.starts_with("shell("));
        let mut projected: Vec<&str> = Vec::new();
        for kernel in names
            .iter()
            .filter_map(|n| n.split_once('@').map(|(k, _)| k))
        {
            if !projected.contains(&kernel) {
                projected.push(kernel);
            }
        }
        let orbits = names.iter().filter(|n| n.contains('@')).count() / projected.len().max(1);
        let (mut radii, mut slopes): (Vec<f64>, Vec<f64>) = (Vec::new(), Vec::new());
        for (r, a) in names.iter().filter_map(|n| Smeared::parse(n)) {
            if !radii.contains(&r) {
                radii.push(r);
            }
            if !slopes.contains(&a) {
                slopes.push(a);
            }
        }
        let (mut spin_radii, mut harmonics): (Vec<f64>, Vec<u32>) = (Vec::new(), Vec::new());
        for (r, n) in names.iter().filter_map(|n| Spins::parse(n)) {
            if !spin_radii.contains(&r) {
                spin_radii.push(r);
            }
            if !harmonics.contains(&n) {
                harmonics.push(n);
            }
        }
        let flux: Vec<u32> = names.iter().filter_map(|n| Flux::parse(n)).collect();
        let basis = Self::new(lat)
            .with_kernels(&declared)?
            .with_shells(shells)
            .with_projected(theory, &projected, orbits)?
            .with_smeared(&radii, &slopes)
            .with_spins(&spin_radii, &harmonics)
            .with_flux(&flux)?;
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
            .chain(self.projection.iter().flat_map(|p| {
                p.kernels.iter().flat_map(move |&j| {
                    p.orbits
                        .iter()
                        .map(move |&q| format!("{}@{}", T::KERNELS[j], p.shells.names()[q]))
                })
            }))
            .chain(self.smeared.iter().flat_map(|s| s.names().iter().cloned()))
            .chain(self.spins.iter().flat_map(|s| s.names().iter().cloned()))
            .chain(self.flux.iter().flat_map(|f| f.names().iter().cloned()))
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

    /// The values in one configuration ([`Theory::field_len`]).
    pub fn field_len(&self) -> usize {
        T::field_len(&self.lat)
    }

    /// Fresh buffers for one thread.
    pub fn scratch(&self) -> BasisScratch {
        BasisScratch {
            full: vec![0.0; T::KERNELS.len()],
            dtheta: vec![0.0; T::PARAMS.len()],
            force: vec![0.0; self.field_len()],
            kfull: vec![0.0; T::KERNELS.len()],
            div: vec![0.0; T::KERNELS.len()],
            g: vec![0.0; self.field_len()],
            offset: match self.offset {
                Some(_) => vec![0.0; self.field_len()],
                None => Vec::new(),
            },
            dots: vec![0.0; T::KERNELS.len()],
            lane: vec![0.0; self.field_len()],
            lane_out: vec![0.0; self.field_len()],
            full_lanes: vec![0.0; T::KERNELS.len() * LANES],
            dtheta_lanes: vec![0.0; T::PARAMS.len() * LANES],
            force_lanes: if self.needs_force() {
                vec![0.0; self.field_len() * LANES]
            } else {
                Vec::new()
            },
            shell_filter: if self.shells.is_some() && self.smeared.is_some() {
                vec![0.0; self.lat.volume()]
            } else {
                Vec::new()
            },
            component: vec![0.0; self.lat.volume()],
            component_force: vec![0.0; self.lat.volume()],
            shell: self
                .shells
                .as_ref()
                .or(self.projection.as_ref().map(|p| &p.shells))
                .map(Shells::scratch),
            smeared: self.smeared.as_ref().map(Smeared::scratch),
            spins: self.spins.as_ref().map(Spins::scratch),
            flux: self.flux.as_ref().map(Flux::scratch),
        }
    }

    /// One Wegner row at time `t`: the Stein values `L_j(φ)` into `row`; returns
    /// `∂_t Ŝ = Σ_i θ̇_i ∂S/∂θ_i` (minus `Δ(φ)` with an offset).
    #[allow(clippy::too_many_arguments)]
    pub fn row(
        &self,
        theory: &T,
        t: f64,
        theta: &[f64],
        theta_dot: &[f64],
        phi: &[f64],
        row: &mut [f64],
        s: &mut BasisScratch,
    ) -> f64 {
        theory.wegner_row(&self.lat, theta, phi, &mut s.full, &mut s.dtheta);
        if self.needs_force() {
            theory.force(&self.lat, theta, phi, &mut s.force);
        }
        self.finish_row(theory, t, theta_dot, phi, row, s)
    }

    /// [`Basis::row`] of a lane group ([`crate::lanes`]) at instruction-set `level`, for its
    /// first `rows.len() / self.len()` configurations: rows one after another in `rows`, the
    /// returned `∂_t Ŝ` in `b`. The declared kernels' rows and the force come from the
    /// theory's batched code, the rest lane by lane; every row gets `row`'s bits.
    #[allow(clippy::too_many_arguments)]
    pub fn rows_lanes(
        &self,
        theory: &T,
        level: Level,
        t: f64,
        theta: &[f64],
        theta_dot: &[f64],
        phi: &[f64],
        rows: &mut [f64],
        b: &mut [f64],
        s: &mut BasisScratch,
    ) {
        let (mut full, mut dtheta) = (take(&mut s.full_lanes), take(&mut s.dtheta_lanes));
        let mut force = take(&mut s.force_lanes);
        theory.wegner_row_lanes(level, &self.lat, theta, phi, &mut full, &mut dtheta);
        if self.needs_force() {
            theory.force_lanes(level, &self.lat, theta, phi, &mut force);
        }
        let mut one = take(&mut s.lane);
        for (l, (row, bn)) in rows.chunks_mut(self.len().max(1)).zip(b).enumerate() {
            gather(phi, l, &mut one);
            gather(&full, l, &mut s.full);
            gather(&dtheta, l, &mut s.dtheta);
            if self.needs_force() {
                gather(&force, l, &mut s.force);
            }
            *bn = self.finish_row(theory, t, theta_dot, &one, row, s);
        }
        (s.full_lanes, s.dtheta_lanes, s.force_lanes, s.lane) = (full, dtheta, force, one);
    }

    /// Whether rows need the force `∇S` (for the shells, projected, smeared, spin and flux
    /// kernels).
    fn needs_force(&self) -> bool {
        self.shells.is_some()
            || self.projection.is_some()
            || self.smeared.is_some()
            || self.spins.is_some()
            || self.flux.is_some()
    }

    /// The number of flux kernels (last in the basis).
    fn flux_len(&self) -> usize {
        self.flux.as_ref().map_or(0, |f| f.names().len())
    }

    /// [`Basis::row`] after the theory's sweeps, from `s.full`, `s.dtheta` and (if needed)
    /// `s.force`.
    fn finish_row(
        &self,
        theory: &T,
        t: f64,
        theta_dot: &[f64],
        phi: &[f64],
        row: &mut [f64],
        s: &mut BasisScratch,
    ) -> f64 {
        let n = self.selected.len();
        for (r, &j) in row[..n].iter_mut().zip(&self.selected) {
            *r = s.full[j];
        }
        let mut dt: f64 = theta_dot.iter().zip(&s.dtheta).map(|(a, b)| a * b).sum();
        let weight = offset_weight(t);
        if let Some(o) = self.offset() {
            // L_j −= w K_j·∇Δ for the declared kernels; the others see ∇S_t through the force.
            o.gradient(phi, &mut s.offset);
            theory.kernel_dots(&self.lat, phi, &s.offset, &mut s.dots);
            for (r, &j) in row[..n].iter_mut().zip(&self.selected) {
                *r -= weight * s.dots[j];
            }
            dt -= o.value(phi);
        }
        if self.needs_force() && self.offset.is_some() {
            s.force
                .iter_mut()
                .zip(&s.offset)
                .for_each(|(f, d)| *f += weight * d);
        }
        let (row, flux_rows) = row.split_at_mut(row.len() - self.flux_len());
        if let (Some(f), Some(fs)) = (&self.flux, s.flux.as_mut()) {
            f.stein(phi, &s.force, flux_rows, fs);
        }
        if T::COMPONENTS == 1 {
            let force = take(&mut s.force);
            self.family_rows(theory, phi, &force, &mut row[n..], s);
            s.force = force;
        } else if row.len() > n {
            // A family kernel of an N-component field is the vector of its kernel on every
            // component (one coefficient): its Stein value is the sum of theirs.
            let (mut one, mut force, mut part) = (
                take(&mut s.component),
                take(&mut s.component_force),
                vec![0.0; row.len() - n],
            );
            row[n..].iter_mut().for_each(|r| *r = 0.0);
            for a in 0..T::COMPONENTS {
                component(phi, a, &mut one);
                component(&s.force, a, &mut force);
                self.family_rows(theory, &one, &force, &mut part, s);
                row[n..].iter_mut().zip(&part).for_each(|(r, p)| *r += p);
            }
            (s.component, s.component_force) = (one, force);
        }
        dt
    }

    /// The rows of the runtime families (shells, projected, smeared, spins) of a one-component
    /// field `phi` with force `force`, into `row`, in basis order.
    fn family_rows(
        &self,
        theory: &T,
        phi: &[f64],
        force: &[f64],
        row: &mut [f64],
        s: &mut BasisScratch,
    ) {
        let mut done = 0;
        if let (Some(shells), Some(ss)) = (&self.shells, s.shell.as_mut()) {
            shells.stein(phi, force, &mut row[..shells.len()], ss);
            done += shells.len();
        }
        if let (Some(p), Some(ss)) = (&self.projection, s.shell.as_mut()) {
            if self.shells.is_none() {
                p.shells.transform_force(force, ss);
            }
            theory.divergence(&self.lat, phi, &mut s.div);
            for (&j, out) in p.kernels.iter().zip(row[done..].chunks_mut(p.orbits.len())) {
                theory.kernel(&self.lat, j, phi, &mut s.g);
                p.shells.stein_projected(&s.g, s.div[j], &p.orbits, out, ss);
            }
            done += p.kernels.len() * p.orbits.len();
        }
        if let (Some(m), Some(ms)) = (&self.smeared, s.smeared.as_mut()) {
            m.stein(phi, force, &mut row[done..done + m.names().len()], ms);
            done += m.names().len();
        }
        if let (Some(m), Some(ms)) = (&self.spins, s.spins.as_mut()) {
            m.stein(phi, force, &mut row[done..], ms);
        }
    }

    /// The velocity `Σ_j k_j K_j(φ)` into `out`; returns its divergence. Shells, projected,
    /// smeared and spin kernels whose coefficients are zero are not evaluated, so a pruned flow
    /// ([`crate::Pruning`]) does not pay for those it dropped (the generated sweep over the
    /// declared kernels still computes all of them).
    pub fn velocity(
        &self,
        theory: &T,
        k: &[f64],
        phi: &[f64],
        out: &mut [f64],
        s: &mut BasisScratch,
    ) -> f64 {
        self.expand(k, s);
        let div = theory.velocity(&self.lat, &s.kfull, phi, out);
        self.add_runtime_kernels(theory, k, phi, out, div, s)
    }

    /// [`Basis::velocity`] of a lane group ([`crate::lanes`]) at instruction-set `level`:
    /// the declared kernels through the theory's batched code, the shells, projected, smeared
    /// and spin kernels lane by lane. Every lane gets `velocity`'s bits.
    pub fn velocity_lanes(
        &self,
        theory: &T,
        level: Level,
        k: &[f64],
        phi: &[f64],
        out: &mut [f64],
        s: &mut BasisScratch,
    ) -> [f64; LANES] {
        self.expand(k, s);
        let mut div = [0.0; LANES];
        theory.velocity_lanes(level, &self.lat, &s.kfull, phi, out, &mut div);
        if k.len() > self.selected.len() {
            for (l, d) in div.iter_mut().enumerate() {
                let (mut one, mut vel) = (take(&mut s.lane), take(&mut s.lane_out));
                gather(phi, l, &mut one);
                gather(out, l, &mut vel);
                *d = self.add_runtime_kernels(theory, k, &one, &mut vel, *d, s);
                scatter(&vel, l, out);
                (s.lane, s.lane_out) = (one, vel);
            }
        }
        div
    }

    /// The coefficients of the declared kernels, by declaration index, into `s.kfull`.
    fn expand(&self, k: &[f64], s: &mut BasisScratch) {
        s.kfull.iter_mut().for_each(|x| *x = 0.0);
        for (&j, &kj) in self.selected.iter().zip(k) {
            s.kfull[j] += kj;
        }
    }

    /// Adds the shells', projected, smeared, spin and flux kernels' velocity to `out` and
    /// returns `div` plus their divergence; for an N-component field, component by component
    /// (the flux kernels, of the whole link field, at once).
    fn add_runtime_kernels(
        &self,
        theory: &T,
        k: &[f64],
        phi: &[f64],
        out: &mut [f64],
        mut div: f64,
        s: &mut BasisScratch,
    ) -> f64 {
        let (k, k_flux) = k.split_at(k.len() - self.flux_len());
        if let (Some(f), Some(fs)) = (&self.flux, s.flux.as_mut()) {
            div += f.add_velocity(k_flux, phi, out, fs);
        }
        if k.len() == self.selected.len() {
            return div;
        }
        if T::COMPONENTS == 1 {
            return self.add_family_velocity(theory, k, phi, out, div, s);
        }
        let (mut one, mut vel) = (take(&mut s.component), take(&mut s.component_force));
        for a in 0..T::COMPONENTS {
            component(phi, a, &mut one);
            component(out, a, &mut vel);
            div = self.add_family_velocity(theory, k, &one, &mut vel, div, s);
            for (o, v) in out.iter_mut().skip(a).step_by(T::COMPONENTS).zip(&vel) {
                *o = *v;
            }
        }
        (s.component, s.component_force) = (one, vel);
        div
    }

    /// [`Basis::add_runtime_kernels`] on a one-component field.
    fn add_family_velocity(
        &self,
        theory: &T,
        k: &[f64],
        phi: &[f64],
        out: &mut [f64],
        mut div: f64,
        s: &mut BasisScratch,
    ) -> f64 {
        let mut done = self.selected.len();
        let spins = self.spins.as_ref().map_or(0, |m| m.names().len());
        let smeared_live = (self.smeared.as_ref())
            .is_some_and(|m| live(&k[k.len() - spins - m.names().len()..k.len() - spins]));
        let mut shells_in_smeared = false;
        if let (Some(shells), Some(ss)) = (&self.shells, s.shell.as_mut()) {
            let ks = &k[done..done + shells.len()];
            if live(ks) {
                // The smeared kernels transform φ anyway: then the shells ride along.
                shells_in_smeared = smeared_live;
                div += if smeared_live {
                    shells.filter(ks, &mut s.shell_filter)
                } else {
                    shells.add_velocity(ks, phi, out, ss)
                };
            }
            done += shells.len();
        }
        if let (Some(p), Some(ss)) = (&self.projection, s.shell.as_mut()) {
            let ks = &k[done..done + p.kernels.len() * p.orbits.len()];
            if live(ks) {
                theory.divergence(&self.lat, phi, &mut s.div);
            }
            for (&j, kj) in p.kernels.iter().zip(ks.chunks(p.orbits.len())) {
                if !live(kj) {
                    continue;
                }
                theory.kernel(&self.lat, j, phi, &mut s.g);
                div += p
                    .shells
                    .add_projected(kj, &p.orbits, &s.g, s.div[j], out, ss);
            }
            done += p.kernels.len() * p.orbits.len();
        }
        if let (Some(m), Some(ms)) = (&self.smeared, s.smeared.as_mut()) {
            let shells = shells_in_smeared.then_some(&s.shell_filter[..]);
            let km = &k[done..done + m.names().len()];
            div += m.add_velocity(km, phi, shells, out, ms);
            done += m.names().len();
        }
        if let (Some(m), Some(ms)) = (&self.spins, s.spins.as_mut()) {
            div += m.add_velocity(&k[done..], phi, out, ms);
        }
        div
    }
}

/// Component `a` of the N-component `phi` (`phi[x * N + a]`) into `one`.
fn component(phi: &[f64], a: usize, one: &mut [f64]) {
    let n = phi.len() / one.len();
    for (o, p) in one.iter_mut().zip(phi.iter().skip(a).step_by(n)) {
        *o = *p;
    }
}

/// The names `family(r,a)` of a runtime family's kernels, radius-major: one per radius `r` and
/// second parameter `a`, the spelling [`family_args`] reads back from a saved flow.
pub(crate) fn family_names(
    family: &str,
    radii: &[f64],
    params: &[impl std::fmt::Display],
) -> Vec<String> {
    radii
        .iter()
        .flat_map(|r| params.iter().map(move |a| format!("{family}({r},{a})")))
        .collect()
}

/// The two arguments of a name `family(r,a)` made by [`family_names`], unparsed.
pub(crate) fn family_args<'a>(family: &str, name: &'a str) -> Option<(&'a str, &'a str)> {
    name.strip_prefix(family)?
        .strip_prefix('(')?
        .strip_suffix(')')?
        .split_once(',')
}

/// Whether any of the coefficients `k` is nonzero, so that their kernels must be evaluated.
pub(crate) fn live(k: &[f64]) -> bool {
    k.iter().any(|&x| x != 0.0)
}

/// Whether kernel `j` at a site reads only the field at that site: a change of `φ` at one site
/// of a generic configuration changes `K_j` nowhere else.
fn ultralocal<T: Theory>(theory: &T, lat: &Lattice, j: usize) -> bool {
    let v = lat.volume();
    let mut phi: Vec<f64> = (0..v)
        .map(|x| ((x * 7919 % 101) as f64 / 101.0 - 0.4) * 3.0)
        .collect();
    let (mut before, mut after) = (vec![0.0; v], vec![0.0; v]);
    theory.kernel(lat, j, &phi, &mut before);
    phi[0] += 0.37;
    theory.kernel(lat, j, &phi, &mut after);
    before[1..] == after[1..]
}
