//! Instruction-set levels and the run-time choice among them.

use super::exp::Exp;
use super::map::{Lanes, Map};
use super::tanh::Tanh;
use super::trig::{Cos, Sin, SinCos};
use pulp::{Simd, WithSimd};
use std::sync::OnceLock;

/// An instruction-set level the vector functions can run at. Every level gives the same bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// AVX-512 (x86-64-v4): eight lanes.
    Avx512,
    /// AVX2 and FMA (x86-64-v3): four lanes.
    Avx2,
    /// SSE4.2 (x86-64-v2): two lanes.
    Sse42,
    /// Portable code for two lanes, compiled for the build's baseline target (SSE2 on x86-64).
    Portable,
}

impl Level {
    /// Every level, widest first.
    pub const ALL: [Level; 4] = [Level::Avx512, Level::Avx2, Level::Sse42, Level::Portable];

    /// The widest level this CPU supports, detected once.
    pub fn best() -> Level {
        static BEST: OnceLock<Level> = OnceLock::new();
        *BEST.get_or_init(|| {
            Level::ALL
                .into_iter()
                .find(|l| l.is_available())
                .unwrap_or(Level::Portable)
        })
    }

    /// Whether this CPU can run the level.
    pub fn is_available(self) -> bool {
        match self {
            #[cfg(target_arch = "x86_64")]
            Level::Avx512 => pulp::x86::V4::is_available(),
            #[cfg(target_arch = "x86_64")]
            Level::Avx2 => pulp::x86::V3::is_available(),
            #[cfg(target_arch = "x86_64")]
            Level::Sse42 => pulp::x86::V2::is_available(),
            Level::Portable => true,
            #[cfg(not(target_arch = "x86_64"))]
            _ => false,
        }
    }

    /// `x[i] ← exp(x[i])` at this level.
    ///
    /// # Panics
    /// If this CPU cannot run the level.
    pub fn exp(self, x: &mut [f64]) {
        self.map::<Exp>(x);
    }

    /// `x[i] ← tanh(x[i])` at this level.
    ///
    /// # Panics
    /// If this CPU cannot run the level.
    pub fn tanh(self, x: &mut [f64]) {
        self.map::<Tanh>(x);
    }

    /// `x[i] ← sin(x[i])` at this level.
    ///
    /// # Panics
    /// If this CPU cannot run the level.
    pub fn sin(self, x: &mut [f64]) {
        self.map::<Sin>(x);
    }

    /// `x[i] ← cos(x[i])` at this level.
    ///
    /// # Panics
    /// If this CPU cannot run the level.
    pub fn cos(self, x: &mut [f64]) {
        self.map::<Cos>(x);
    }

    /// `x[i] ← sin(x[i])` and `cos[i] ← cos(x[i])` at this level, from one argument
    /// reduction: the same bits as [`Level::sin`] and [`Level::cos`].
    ///
    /// # Panics
    /// If this CPU cannot run the level, or the slices differ in length.
    pub fn sin_cos(self, x: &mut [f64], cos: &mut [f64]) {
        self.vectorize(SinCos { x, cos });
    }

    fn map<F: Lanes>(self, x: &mut [f64]) {
        self.vectorize(Map::<F>::new(x));
    }

    /// Runs `op` compiled for this level: code in an `#[inline(always)]` `with_simd` is inlined
    /// into a function with the level's target features (a closure is not: it is called
    /// through an out-of-line `FnOnce` shim, measured at baseline speed). This is how the
    /// batched methods of generated theories ([`crate::lanes`]) run at a chosen level.
    ///
    /// # Panics
    /// If this CPU cannot run the level.
    #[inline(always)]
    pub fn vectorize<Op: WithSimd>(self, op: Op) -> Op::Output {
        match self {
            #[cfg(target_arch = "x86_64")]
            Level::Avx512 => Simd::vectorize(self.cpu(pulp::x86::V4::try_new()), op),
            #[cfg(target_arch = "x86_64")]
            Level::Avx2 => Simd::vectorize(self.cpu(pulp::x86::V3::try_new()), op),
            #[cfg(target_arch = "x86_64")]
            Level::Sse42 => Simd::vectorize(self.cpu(pulp::x86::V2::try_new()), op),
            Level::Portable => Simd::vectorize(pulp::Scalar128b, op),
            #[cfg(not(target_arch = "x86_64"))]
            _ => Simd::vectorize(self.cpu(None::<pulp::Scalar128b>), op),
        }
    }

    /// The detected instruction set, or a panic naming the level.
    fn cpu<T>(self, detected: Option<T>) -> T {
        detected.unwrap_or_else(|| panic!("{self:?} is not available on this CPU"))
    }
}
