//! Statistics: estimates with errors, the Γ-method, the blocked jackknife.

mod estimate;
mod gamma;
mod jackknife;

pub use estimate::Estimate;
pub use gamma::{GammaAnalysis, GammaMethod};
pub use jackknife::Jackknife;
