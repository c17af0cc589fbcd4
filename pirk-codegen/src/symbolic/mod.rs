//! The symbolic stage: differentiation and simplification on an e-graph (egg), then a
//! canonical form in plain Rust.

mod canon;
mod derive;
mod lang;
mod rules;

pub use canon::{canonical, relevel};
pub use derive::{Derived, derive};
pub use rules::{RuleGroup, rule_table};
