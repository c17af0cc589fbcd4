//! Exactly samplable starting distributions of the flow: the interface and its check, the
//! ultralocal Gaussian, the free field, and the free field times a zero-mode factor (two wells,
//! or a quartic potential of the magnetisation).

pub mod free;
#[cfg(test)]
pub(crate) mod free_theory;
pub mod normal;
pub mod prior;
pub mod quadratic;
pub mod wells;
pub mod zero_mode;
