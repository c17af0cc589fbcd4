//! Lane groups: [`LANES`] configurations processed together by the batched methods of a
//! generated theory ([`crate::Theory::velocity_lanes`]).
//!
//! A lane group's field is stored site-major, lane-minor: `phi[x * LANES + l]` is site `x` of
//! configuration `l`, so one site of every configuration is one contiguous [`Lanes`] value and
//! a neighbour read is one vector load. Generated code computes with [`Lanes`] exactly as the
//! scalar methods compute with `f64`, operation for operation and in the same order, and IEEE
//! arithmetic is lane-wise, so every lane gets the scalar method's bits. The lane count is
//! fixed and independent of the instruction set: a narrower level runs each operation as
//! several vector instructions, and every level gives the same bits (no fused multiply-add).

use std::ops::{Add, AddAssign, Div, Mul, Neg, Sub};

/// Configurations per lane group: one AVX-512 vector of `f64`.
pub const LANES: usize = 8;

/// One `f64` per configuration of a lane group. Every operation is lane-wise.
#[derive(Clone, Copy, Debug, PartialEq)]
#[repr(C, align(64))]
pub struct Lanes(pub [f64; LANES]);

impl Lanes {
    /// Every lane zero.
    pub const ZERO: Lanes = Lanes([0.0; LANES]);

    /// The same value in every lane.
    #[inline(always)]
    pub fn splat(v: f64) -> Lanes {
        Lanes([v; LANES])
    }

    /// The lanes of entry `i` of a lane-group array (`values[i * LANES..][..LANES]`).
    #[inline(always)]
    pub fn load(values: &[f64], i: usize) -> Lanes {
        let mut out = [0.0; LANES];
        out.copy_from_slice(&values[i * LANES..(i + 1) * LANES]);
        Lanes(out)
    }

    /// Stores the lanes as entry `i` of a lane-group array.
    #[inline(always)]
    pub fn store(self, values: &mut [f64], i: usize) {
        values[i * LANES..(i + 1) * LANES].copy_from_slice(&self.0);
    }

    /// `f` of every lane.
    #[inline(always)]
    pub fn map(self, f: impl Fn(f64) -> f64) -> Lanes {
        Lanes(self.0.map(f))
    }

    /// Lane-wise `powi`.
    #[inline(always)]
    pub fn powi(self, n: i32) -> Lanes {
        self.map(|v| v.powi(n))
    }

    /// Lane-wise `powf`.
    #[inline(always)]
    pub fn powf(self, p: f64) -> Lanes {
        self.map(|v| v.powf(p))
    }

    /// Per lane, the sum over the sites of a lane-group field of `volume` sites, each in
    /// site order from −0 (as `Iterator::sum` of that configuration's values).
    #[inline(always)]
    pub fn site_sum(phi: &[f64], volume: usize) -> Lanes {
        Lanes::component_sum(phi, volume, 1, 0)
    }

    /// [`Lanes::site_sum`] of component `a` of a field with `components` values per site
    /// (site-major, component, then lane).
    #[inline(always)]
    pub fn component_sum(phi: &[f64], volume: usize, components: usize, a: usize) -> Lanes {
        let mut acc = Lanes::splat(-0.0);
        for x in 0..volume {
            acc += Lanes::load(phi, x * components + a);
        }
        acc
    }
}

/// Lane-wise `f64` methods of one argument, by the same name (libm where `f64` calls it, as the
/// scalar methods do outside site blocks).
macro_rules! lane_wise_functions {
    ($($name:ident),*) => {
        impl Lanes {
            $(
                #[doc = concat!("Lane-wise `", stringify!($name), "`.")]
                #[inline(always)]
                pub fn $name(self) -> Lanes {
                    self.map(f64::$name)
                }
            )*
        }
    };
}

lane_wise_functions!(sqrt, exp, ln, sin, cos, tanh, sinh, cosh);

macro_rules! lane_wise {
    ($trait:ident, $method:ident, $op:tt) => {
        impl $trait for Lanes {
            type Output = Lanes;
            #[inline(always)]
            fn $method(self, rhs: Lanes) -> Lanes {
                Lanes(std::array::from_fn(|l| self.0[l] $op rhs.0[l]))
            }
        }
        impl $trait<f64> for Lanes {
            type Output = Lanes;
            #[inline(always)]
            fn $method(self, rhs: f64) -> Lanes {
                Lanes(std::array::from_fn(|l| self.0[l] $op rhs))
            }
        }
        impl $trait<Lanes> for f64 {
            type Output = Lanes;
            #[inline(always)]
            fn $method(self, rhs: Lanes) -> Lanes {
                Lanes(std::array::from_fn(|l| self $op rhs.0[l]))
            }
        }
    };
}

lane_wise!(Add, add, +);
lane_wise!(Sub, sub, -);
lane_wise!(Mul, mul, *);
lane_wise!(Div, div, /);

impl Neg for Lanes {
    type Output = Lanes;
    #[inline(always)]
    fn neg(self) -> Lanes {
        self.map(|v| -v)
    }
}

impl AddAssign for Lanes {
    #[inline(always)]
    fn add_assign(&mut self, rhs: Lanes) {
        *self = *self + rhs;
    }
}

impl AddAssign<f64> for Lanes {
    #[inline(always)]
    fn add_assign(&mut self, rhs: f64) {
        *self = *self + rhs;
    }
}

/// A value that is the same for every configuration (a coupling, a constant) in every lane.
impl From<f64> for Lanes {
    #[inline(always)]
    fn from(v: f64) -> Lanes {
        Lanes::splat(v)
    }
}

/// Copies configuration `lane` out of a lane-group array into `out` (one value per entry).
pub fn gather(group: &[f64], lane: usize, out: &mut [f64]) {
    for (o, g) in out.iter_mut().zip(group.chunks_exact(LANES)) {
        *o = g[lane];
    }
}

/// Copies `values` (one per entry) into configuration `lane` of a lane-group array.
pub fn scatter(values: &[f64], lane: usize, group: &mut [f64]) {
    for (v, g) in values.iter().zip(group.chunks_exact_mut(LANES)) {
        g[lane] = *v;
    }
}

/// A one-configuration map of `volume` values applied to each lane of `input`, into `output`
/// (both lane-group arrays): `f(lane, configuration, result)`. The default batched methods of
/// hand-written theories and potentials go this way.
pub fn per_lane(
    volume: usize,
    input: &[f64],
    output: &mut [f64],
    mut f: impl FnMut(usize, &[f64], &mut [f64]),
) {
    let (mut one, mut result) = (vec![0.0; volume], vec![0.0; volume]);
    for l in 0..LANES {
        gather(input, l, &mut one);
        f(l, &one, &mut result);
        scatter(&result, l, output);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Mixed operations are lane-wise IEEE operations: every lane equals the scalar result.
    #[test]
    fn operations_are_lane_wise() {
        let a = Lanes(std::array::from_fn(|l| l as f64 * 0.7 - 2.1));
        let b = Lanes(std::array::from_fn(|l| 1.3 + l as f64 * l as f64 / 5.0));
        let r = -(2.0 * a - b / 3.0 + a * b) + (a - 0.5).tanh() * b.powi(3);
        for l in 0..LANES {
            let (x, y) = (a.0[l], b.0[l]);
            let s = -(2.0 * x - y / 3.0 + x * y) + (x - 0.5).tanh() * y.powi(3);
            assert_eq!(r.0[l].to_bits(), s.to_bits(), "lane {l}");
        }
    }

    /// `per_lane` hands each lane's configuration to the map and stores its result there.
    #[test]
    fn per_lane_maps_each_configuration() {
        let v = 3;
        let group: Vec<f64> = (0..v * LANES).map(|i| i as f64).collect();
        let mut out = vec![0.0; v * LANES];
        per_lane(v, &group, &mut out, |l, one, result| {
            for (r, x) in result.iter_mut().zip(one) {
                *r = 10.0 * x + l as f64;
            }
        });
        for (i, (&o, &g)) in out.iter().zip(&group).enumerate() {
            assert_eq!(o, 10.0 * g + (i % LANES) as f64);
        }
    }

    /// `gather` and `scatter` are inverse transpositions and `site_sum` sums in site order.
    #[test]
    fn transpositions_round_trip() {
        let v = 5;
        let group: Vec<f64> = (0..v * LANES).map(|i| (i as f64).sin()).collect();
        let mut back = vec![0.0; v * LANES];
        let mut one = vec![0.0; v];
        for l in 0..LANES {
            gather(&group, l, &mut one);
            assert_eq!(one[2], group[2 * LANES + l]);
            assert_eq!(
                Lanes::site_sum(&group, v).0[l].to_bits(),
                one.iter().sum::<f64>().to_bits()
            );
            scatter(&one, l, &mut back);
        }
        assert_eq!(group, back);
    }

    /// `component_sum` sums one component of a site-major, component-minor field in site
    /// order, as the one-configuration strided sum does.
    #[test]
    fn component_sums_stride_over_sites() {
        let (v, n) = (5, 3);
        let group: Vec<f64> = (0..v * n * LANES).map(|i| (i as f64).cos()).collect();
        let mut one = vec![0.0; v * n];
        for l in 0..LANES {
            gather(&group, l, &mut one);
            for a in 0..n {
                let want: f64 = one.iter().skip(a).step_by(n).sum();
                let got = Lanes::component_sum(&group, v, n, a).0[l];
                assert_eq!(got.to_bits(), want.to_bits(), "lane {l}, component {a}");
            }
        }
    }
}
