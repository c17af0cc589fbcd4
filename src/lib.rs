//! pirk turns a declared lattice field theory into a fast, exact generative sampler.
//!
//! Declare a theory with [`theory!`]; the compiler derives its force, coupling gradients and
//! kernel divergences symbolically and implements [`Theory`] with specialised code.
#![warn(missing_docs)]

pub use pirk_core::*;
pub use pirk_macros::theory;
