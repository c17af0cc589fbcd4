//! A trained flow: the coefficients `k(t)` on a time grid, with everything needed to refuse
//! reuse against the wrong theory, basis or lattice. Saved as versioned JSON.

use serde::{Deserialize, Serialize};

use crate::Basis;
use crate::Path;
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

    /// Writes the flow as pretty JSON.
    pub fn save(&self, file: impl AsRef<std::path::Path>) -> Result<()> {
        std::fs::write(file, serde_json::to_string_pretty(self)?)?;
        Ok(())
    }

    /// Reads a flow and checks it was trained for theory `T` with this basis and lattice.
    pub fn load<T: Theory>(file: impl AsRef<std::path::Path>, basis: &Basis<T>) -> Result<Self> {
        let flow: Flow = serde_json::from_str(&std::fs::read_to_string(file)?)?;
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
