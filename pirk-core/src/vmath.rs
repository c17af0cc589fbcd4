//! Vector transcendental functions: in-place `exp`, `tanh`, `sin` and `cos` over `&mut [f64]`
//! (and `sin_cos`, both from one reduction),
//! for the per-site blocks of generated code (libm's scalar `tanh` was about 65 % of
//! generation, its `sin` and `cos` 80 % of a U(1) gauge run).
//!
//! **Why our own kernels.** No stable-Rust crate gives f64 SIMD `exp` and `tanh` with a
//! documented error, runtime dispatch and the same bits at every instruction-set level
//! (simdeez 3 has a 3.5-ulp `tanh` that uses FMA where the CPU has it; rten-vecmath is f32;
//! sleef ports need nightly `portable_simd`). The kernels here follow fdlibm: a Cody–Waite
//! reduction x = k ln 2 + r and fdlibm's rational form of e^r; x = k π/2 + r (π/2 in three
//! parts) and fdlibm's polynomials of sin r and cos r. They are written once over
//! [`pulp::Simd`] and dispatched at run time to AVX-512, AVX2, SSE4.2 or portable code.
//!
//! **Same bits everywhere.** The kernels use only IEEE add, subtract, multiply, divide,
//! comparisons and bit operations, never a fused multiply-add, so every [`Level`] returns
//! bit-identical results (the tests check it on every level the machine has). They are not
//! bit-identical to libm, which the rest of the program calls for the functions not here.
//! `sin` and `cos` hand the arguments their reduction cannot take (|x| > 2^20 π/2 ≈ 1.6 · 10^6,
//! ±∞, NaN) to libm, one scalar call each, which is the same at every level too.
//!
//! **Errors**, against glibc's libm over the whole range (the tests check them on a million
//! values per function at every level). glibc's own errors are part of these figures; its
//! `exp` is within 0.502 ulp of the true value. `tanh` rounds three times after the
//! exponential (numerator, denominator, quotient), which a bound of about 2 ulp of its own
//! allows for. `sin` and `cos` differ from glibc's (documented below 1 ulp) by 1 ulp for about
//! 3 % of arguments, and not at all in the tests' arguments near multiples of π/2.
//!
//! | function | max error | special values |
//! |---|---|---|
//! | [`exp`] | 1 ulp | exp(±0) = 1, exp(x > 709.79) = +∞, exp(x < −745.14) = 0, gradual underflow in between, exp(±∞) = +∞/0, NaN → NaN |
//! | [`tanh`] | 3 ulp | tanh(±0) = ±0, tanh(x) = x for tiny x (no cancellation), ±1 for large and infinite x, NaN → NaN |
//! | [`sin`] | 1 ulp | sin(±0) = ±0, sin(x) = x for tiny x, libm's value for \|x\| > 2^20 π/2, ±∞ and NaN → NaN |
//! | [`cos`] | 1 ulp | cos(±0) = 1, cos(x) = 1 for tiny x, libm's value for \|x\| > 2^20 π/2, ±∞ and NaN → NaN |
//! | [`sin_cos`] | those of `sin` and `cos`: the same bits | those of `sin` and `cos` |

mod exp;
mod level;
mod map;
mod pio2;
mod reduce;
mod tanh;
mod trig;

pub use level::Level;
/// The operation traits of pulp, which batched generated code implements to run at a
/// [`Level`] ([`Level::vectorize`]).
pub use pulp::{Simd, WithSimd};

/// Sites per block in generated code, which evaluates the site-dependent `exp`, `tanh`, `sin`
/// and `cos` calls of a block (per direction, inside direction loops) in one vector call
/// first: 64 keeps the buffers well inside L1.
pub const BLOCK: usize = 64;

/// `x[i] ← exp(x[i])`, at the best instruction-set level of this CPU.
pub fn exp(x: &mut [f64]) {
    Level::best().exp(x);
}

/// `x[i] ← tanh(x[i])`, at the best instruction-set level of this CPU.
pub fn tanh(x: &mut [f64]) {
    Level::best().tanh(x);
}

/// `x[i] ← sin(x[i])`, at the best instruction-set level of this CPU.
pub fn sin(x: &mut [f64]) {
    Level::best().sin(x);
}

/// `x[i] ← cos(x[i])`, at the best instruction-set level of this CPU.
pub fn cos(x: &mut [f64]) {
    Level::best().cos(x);
}

/// `x[i] ← sin(x[i])` and `cos[i] ← cos(x[i])` from one argument reduction, at the best
/// instruction-set level of this CPU: what generated code calls where a block needs both.
pub fn sin_cos(x: &mut [f64], cos: &mut [f64]) {
    Level::best().sin_cos(x, cos);
}
