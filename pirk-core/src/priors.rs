//! Exactly samplable starting distributions of the flow: the interface and its check, the
//! ultralocal Gaussian, the free field, the free field times a zero-mode factor (two wells, or
//! a quartic potential of the magnetisation), uniform angles for periodic fields, and independent
//! copies of any of them for the components of an N-component field; and the
//! prior from the action: its quadratic part, with the mass of the Gaussian nearest the theory.

pub mod components;
pub mod free;
pub mod nearest;
pub mod normal;
pub mod prior;
pub mod quadratic;
#[cfg(test)]
pub(crate) mod quartic_theory;
pub mod uniform;
pub mod wells;
#[cfg(test)]
pub(crate) mod xy_theory;
pub mod zero_mode;
