//! `.npy` files: the ensemble (`n × lattice dims`), log-weights, and sampling checkpoints.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use ndarray::{ArrayD, ArrayView, IxDyn};
use ndarray_npy::{ReadNpyExt, WriteNpyExt, write_zeroed_npy};

use crate::outdir::write_atomic;

/// Writes `data` with the given shape to `file` atomically.
pub fn write(file: &Path, shape: &[usize], data: &[f64]) -> anyhow::Result<()> {
    let array = ArrayView::from_shape(IxDyn(shape), data)?;
    write_atomic(file, |tmp| -> anyhow::Result<()> {
        let mut w = BufWriter::new(File::create(tmp)?);
        array.write_npy(&mut w)?;
        w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        Ok(())
    })
}

/// Writes the concatenation of the f64 arrays in `parts` (each read in turn, so memory holds one
/// part at a time) as one array of the given shape to `file`, atomically.
pub fn concat(file: &Path, shape: &[usize], parts: &[PathBuf]) -> anyhow::Result<()> {
    let total: usize = shape.iter().product();
    write_atomic(file, |tmp| -> anyhow::Result<()> {
        write_zeroed_npy::<f64, _>(&File::create(tmp)?, IxDyn(shape))?;
        let mut f = OpenOptions::new().write(true).open(tmp)?;
        let data_bytes = (total * size_of::<f64>()) as u64;
        f.seek(SeekFrom::Start(f.metadata()?.len() - data_bytes))?;
        let mut w = BufWriter::new(f);
        let mut written = 0;
        for part in parts {
            let (_, data) = read(part)?;
            written += data.len();
            anyhow::ensure!(written <= total, "{} overflows {shape:?}", part.display());
            data.iter()
                .try_for_each(|x| w.write_all(&x.to_ne_bytes()))?;
        }
        anyhow::ensure!(
            written == total,
            "the parts fill {written} of {total} values"
        );
        w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        Ok(())
    })
}

/// Reads an f64 array of any shape: its shape and its data in row-major order.
pub fn read(file: &Path) -> anyhow::Result<(Vec<usize>, Vec<f64>)> {
    parse(ArrayD::<f64>::read_npy(File::open(file)?)?)
}

/// [`read`] from the file's bytes.
pub fn read_bytes(bytes: &[u8]) -> anyhow::Result<(Vec<usize>, Vec<f64>)> {
    parse(ArrayD::<f64>::read_npy(bytes)?)
}

fn parse(array: ArrayD<f64>) -> anyhow::Result<(Vec<usize>, Vec<f64>)> {
    let shape = array.shape().to_vec();
    Ok((shape, array.into_iter().collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concatenated_parts_read_back_as_one_array() {
        let dir = tempfile::tempdir().unwrap();
        let parts: Vec<PathBuf> = [(0..6), (6..10)]
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                let data: Vec<f64> = r.map(|x| x as f64 * 0.5).collect();
                let part = dir.path().join(format!("part{i}.npy"));
                write(&part, &[data.len() / 2, 2], &data).unwrap();
                part
            })
            .collect();
        let file = dir.path().join("all.npy");
        concat(&file, &[5, 2], &parts).unwrap();
        let (shape, data) = read(&file).unwrap();
        assert_eq!(shape, vec![5, 2]);
        assert_eq!(data, (0..10).map(|x| x as f64 * 0.5).collect::<Vec<_>>());
        assert!(concat(&file, &[6, 2], &parts).is_err());
        assert!(concat(&file, &[4, 2], &parts).is_err());
    }
}
