//! Periodic hypercubic lattices with precomputed neighbour tables.

/// A periodic lattice with sites in row-major order (last axis fastest).
///
/// `Lattice::new(&[])` is the zero-dimensional lattice: one site, no directions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lattice {
    dims: Vec<usize>,
    volume: usize,
    /// `up[x * ndim + mu]` is the site `x + mu`.
    up: Vec<usize>,
    /// `down[x * ndim + mu]` is the site `x - mu`.
    down: Vec<usize>,
}

impl Lattice {
    /// A periodic lattice with the given extents.
    ///
    /// # Panics
    /// If an extent is zero.
    pub fn new(dims: &[usize]) -> Self {
        assert!(
            dims.iter().all(|&d| d > 0),
            "lattice extents must be positive, got {dims:?}"
        );
        let volume = dims.iter().product();
        let ndim = dims.len();
        let mut up = vec![0; volume * ndim];
        let mut down = vec![0; volume * ndim];
        let mut stride = 1;
        for mu in (0..ndim).rev() {
            let extent = dims[mu];
            for x in 0..volume {
                let coord = (x / stride) % extent;
                let base = x - coord * stride;
                up[x * ndim + mu] = base + ((coord + 1) % extent) * stride;
                down[x * ndim + mu] = base + ((coord + extent - 1) % extent) * stride;
            }
            stride *= extent;
        }
        Self {
            dims: dims.to_vec(),
            volume,
            up,
            down,
        }
    }

    /// Number of sites.
    #[inline]
    pub fn volume(&self) -> usize {
        self.volume
    }

    /// Extents, one per direction.
    #[inline]
    pub fn dims(&self) -> &[usize] {
        &self.dims
    }

    /// Number of directions.
    #[inline]
    pub fn ndim(&self) -> usize {
        self.dims.len()
    }

    /// The site one step from `x` in direction `mu` (`forward`) or against it.
    #[inline(always)]
    pub fn neighbor(&self, x: usize, mu: usize, forward: bool) -> usize {
        let table = if forward { &self.up } else { &self.down };
        table[x * self.dims.len() + mu]
    }

    /// The site `x + steps * mu`.
    #[inline(always)]
    pub fn hop(&self, x: usize, mu: usize, steps: i32) -> usize {
        let mut y = x;
        for _ in 0..steps.unsigned_abs() {
            y = self.neighbor(y, mu, steps > 0);
        }
        y
    }

    /// Coordinates of site `x`.
    pub fn coords(&self, x: usize) -> Vec<usize> {
        let mut rest = x;
        let mut c = vec![0; self.ndim()];
        for mu in (0..self.ndim()).rev() {
            c[mu] = rest % self.dims[mu];
            rest /= self.dims[mu];
        }
        c
    }

    /// The site with the given coordinates (taken modulo the extents).
    pub fn site(&self, coords: &[usize]) -> usize {
        assert_eq!(coords.len(), self.ndim(), "wrong number of coordinates");
        coords
            .iter()
            .zip(&self.dims)
            .fold(0, |acc, (&c, &d)| acc * d + c % d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_major_last_axis_fastest() {
        let lat = Lattice::new(&[3, 4]);
        assert_eq!(lat.volume(), 12);
        assert_eq!(lat.site(&[1, 2]), 6);
        assert_eq!(lat.coords(6), vec![1, 2]);
        assert_eq!(lat.neighbor(6, 1, true), 7);
        assert_eq!(lat.neighbor(7, 1, true), 4);
        assert_eq!(lat.neighbor(6, 0, true), 10);
        assert_eq!(lat.neighbor(2, 0, false), 10);
    }

    #[test]
    fn hops_compose_and_wrap() {
        let lat = Lattice::new(&[5, 4, 3]);
        for x in 0..lat.volume() {
            for mu in 0..3 {
                assert_eq!(lat.hop(lat.hop(x, mu, 2), mu, -2), x);
                assert_eq!(lat.hop(x, mu, lat.dims()[mu] as i32), x);
                let mut c = lat.coords(x);
                c[mu] = (c[mu] + 1) % lat.dims()[mu];
                assert_eq!(lat.neighbor(x, mu, true), lat.site(&c));
            }
        }
    }

    #[test]
    fn zero_dimensional_is_one_site() {
        let lat = Lattice::new(&[]);
        assert_eq!(lat.volume(), 1);
        assert_eq!(lat.ndim(), 0);
        assert_eq!(lat.coords(0), Vec::<usize>::new());
    }
}
