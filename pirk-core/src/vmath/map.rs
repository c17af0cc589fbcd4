//! One lane function applied over a slice, whole vectors first, then the partial tail.

use pulp::{Simd, WithSimd};
use std::marker::PhantomData;

/// A function of one vector of lanes, at any instruction-set level.
pub(super) trait Lanes {
    fn apply<S: Simd>(simd: S, x: S::f64s) -> S::f64s;

    /// Runs after `apply` over the whole slice, compiled at the same level: for values
    /// `apply` leaves to scalar code.
    #[inline(always)]
    fn finish(_x: &mut [f64]) {}
}

/// `x[i] ← F(x[i])` in place, as a pulp operation.
pub(super) struct Map<'a, F> {
    x: &'a mut [f64],
    f: PhantomData<F>,
}

impl<'a, F> Map<'a, F> {
    pub(super) fn new(x: &'a mut [f64]) -> Self {
        Map { x, f: PhantomData }
    }
}

impl<F: Lanes> WithSimd for Map<'_, F> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let (head, tail) = S::as_mut_simd_f64s(&mut *self.x);
        for v in head {
            *v = F::apply(simd, *v);
        }
        if !tail.is_empty() {
            let v = simd.partial_load_f64s(tail);
            simd.partial_store_f64s(tail, F::apply(simd, v));
        }
        F::finish(self.x);
    }
}
