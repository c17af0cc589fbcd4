//! `.npy` files: the ensemble (`n × lattice dims`), log-weights, and sampling checkpoints.

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use ndarray::{Array, ArrayD, IxDyn};
use ndarray_npy::{ReadNpyExt, WriteNpyExt};

use crate::outdir::write_atomic;

/// Writes `data` with the given shape to `file` atomically.
pub fn write(file: &Path, shape: &[usize], data: Vec<f64>) -> anyhow::Result<()> {
    let array = Array::from_shape_vec(IxDyn(shape), data)?;
    write_atomic(file, |tmp| -> anyhow::Result<()> {
        let mut w = BufWriter::new(File::create(tmp)?);
        array.write_npy(&mut w)?;
        w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        Ok(())
    })
}

/// Reads an f64 array of any shape: its shape and its data in row-major order.
pub fn read(file: &Path) -> anyhow::Result<(Vec<usize>, Vec<f64>)> {
    let array = ArrayD::<f64>::read_npy(File::open(file)?)?;
    let shape = array.shape().to_vec();
    Ok((shape, array.into_iter().collect()))
}
