//! A trained flow: the coefficients `k(t)` on a time grid, with everything needed to refuse
//! reuse against the wrong theory, basis or lattice. Saved as versioned JSON.

use serde::{Deserialize, Serialize};

use crate::Basis;
use crate::Path;
use crate::Pruning;
use crate::Theory;
use crate::error::{Error, Result};

/// The file format version written by [`Flow::save`].
pub const FLOW_VERSION: u32 = 2;

/// Coefficients on a grid plus provenance.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Flow {
    /// File format version.
    pub version: u32,
    /// `Theory::NAME`.
    pub theory: String,
    /// `Theory::PARAMS`.
    pub params: Vec<String>,
    /// Basis kernel names, in coefficient order.
    pub kernels: Vec<String>,
    /// Lattice extents.
    pub lattice: Vec<usize>,
    /// The coupling path.
    pub path: Path,
    /// RK4 steps the coefficients were fitted for: a trained flow's grid holds the half
    /// steps too, a refined flow's only the whole steps.
    pub steps: usize,
    /// Increasing times from 0 to 1.
    pub grid: Vec<f64>,
    /// `k(t)` at each grid time.
    pub coeffs: Vec<Vec<f64>>,
    /// Relative residual of each slice.
    pub residuals: Vec<f64>,
    /// Condition estimate of each slice (infinite for a singular slice).
    #[serde(with = "infinite_as_null")]
    pub conditions: Vec<f64>,
    /// Largest `max_x |φ̇_x|` seen in training: the scale for runaway detection.
    pub max_speed: f64,
    /// The kernels training dropped, when it pruned the basis (absent in older files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pruning: Option<Pruning>,
    /// The prior the flow starts from, as the host that trained it described it (pirk's
    /// command line: its `[prior]` table). A flow only samples its theory from this prior, so a
    /// host that reuses the flow reads it back (absent in older files and for library users
    /// who keep track themselves).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prior: Option<serde_json::Value>,
}

impl Flow {
    /// `k(t)` by linear interpolation on the grid, into `out`.
    pub fn coefficients(&self, t: f64, out: &mut [f64]) {
        let g = &self.grid;
        let i = g[1..g.len() - 1].iter().take_while(|&&x| x <= t).count();
        let u = ((t - g[i]) / (g[i + 1] - g[i])).clamp(0.0, 1.0);
        for ((o, a), b) in out.iter_mut().zip(&self.coeffs[i]).zip(&self.coeffs[i + 1]) {
            *o = a + u * (b - a);
        }
    }

    /// The flow restricted to `[0, τ]` and rescaled to unit time `s = t/τ` (so
    /// `dφ/ds = τ φ̇`): integrated from the same prior it gives exact samples of `q_τ`, for the
    /// theory at `θ(τ)`. One training thus serves every point of a scan along the path.
    pub fn truncated(&self, tau: f64) -> Result<Self> {
        let path = self.path.restricted(tau)?;
        let keep = self.grid.iter().take_while(|&&g| g < tau).count().max(1);
        let mut end = vec![0.0; self.coeffs[0].len()];
        self.coefficients(tau, &mut end);
        let next = keep.min(self.grid.len() - 1);
        let scaled = |c: &[f64]| c.iter().map(|k| tau * k).collect::<Vec<_>>();
        let kept = |x: &[f64]| x[..keep].iter().copied().chain([x[next]]).collect();
        Ok(Self {
            path,
            grid: self.grid[..keep]
                .iter()
                .map(|g| g / tau)
                .chain([1.0])
                .collect(),
            coeffs: self.coeffs[..keep]
                .iter()
                .map(|c| scaled(c))
                .chain([scaled(&end)])
                .collect(),
            residuals: kept(&self.residuals),
            conditions: kept(&self.conditions),
            max_speed: tau * self.max_speed,
            pruning: self.pruning.clone(),
            prior: self.prior.clone(),
            version: self.version,
            theory: self.theory.clone(),
            params: self.params.clone(),
            kernels: self.kernels.clone(),
            lattice: self.lattice.clone(),
            steps: self.steps,
        })
    }

    /// Writes the flow as pretty JSON.
    pub fn save(&self, file: impl AsRef<std::path::Path>) -> Result<()> {
        std::fs::write(file, serde_json::to_string_pretty(self)?)?;
        Ok(())
    }

    /// Reads a flow and checks it was trained for theory `T` with this basis and lattice.
    pub fn load<T: Theory>(file: impl AsRef<std::path::Path>, basis: &Basis<T>) -> Result<Self> {
        Self::from_json(&std::fs::read(file)?, basis)
    }

    /// [`Flow::load`] from the file's bytes.
    pub fn from_json<T: Theory>(json: &[u8], basis: &Basis<T>) -> Result<Self> {
        let flow: Flow = serde_json::from_slice(json)?;
        let check = |what, found: String, expected: String| {
            if found == expected {
                Ok(())
            } else {
                Err(Error::FlowMismatch {
                    what,
                    found,
                    expected,
                })
            }
        };
        check(
            "version",
            flow.version.to_string(),
            FLOW_VERSION.to_string(),
        )?;
        check("theory", flow.theory.clone(), T::NAME.to_string())?;
        check("params", flow.params.join(" "), T::PARAMS.join(" "))?;
        check(
            "kernel names",
            flow.kernels.join(" "),
            basis.names().join(" "),
        )?;
        check(
            "lattice",
            format!("{:?}", flow.lattice),
            format!("{:?}", basis.lattice().dims()),
        )?;
        Ok(flow)
    }
}

/// JSON has no infinity: a singular slice's condition estimate is stored as `null` and read
/// back as `+∞`, so every flow that can be saved can be loaded.
mod infinite_as_null {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[f64], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|x| x.is_finite().then_some(*x)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
        let v: Vec<Option<f64>> = Vec::deserialize(d)?;
        Ok(v.into_iter().map(|x| x.unwrap_or(f64::INFINITY)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The truncated flow's `k'(s)` is `τ k(τ s)` at every time, on a grid cut inside an
    /// interval and on a grid point; its path is the restricted one.
    #[test]
    fn truncated_flow_is_the_rescaled_start() {
        let grid = vec![0.0, 0.25, 0.5, 0.75, 1.0];
        let flow = Flow {
            version: FLOW_VERSION,
            theory: "t".into(),
            params: vec!["a".into()],
            kernels: vec!["k0".into(), "k1".into()],
            lattice: vec![4],
            path: Path::linear(&[0.0], &[2.0]).unwrap(),
            steps: 2,
            coeffs: grid.iter().map(|t| vec![t * t, 1.0 - t]).collect(),
            residuals: vec![0.1, 0.2, 0.3, 0.4, 0.5],
            conditions: vec![1.0; 5],
            grid,
            max_speed: 3.0,
            pruning: None,
            prior: None,
        };
        for tau in [0.6, 0.5] {
            let cut = flow.truncated(tau).unwrap();
            let (mut a, mut b) = ([0.0; 2], [0.0; 2]);
            for i in 0..=40 {
                let s = i as f64 / 40.0;
                cut.coefficients(s, &mut a);
                flow.coefficients(tau * s, &mut b);
                for j in 0..2 {
                    assert!((a[j] - tau * b[j]).abs() < 1e-14, "τ = {tau}, s = {s}");
                }
            }
            assert_eq!(cut.path, flow.path.restricted(tau).unwrap());
            assert_eq!(cut.max_speed, tau * 3.0);
            assert_eq!(cut.grid.len(), cut.residuals.len());
        }
    }
}
