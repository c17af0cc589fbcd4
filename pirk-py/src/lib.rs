//! The extension module `pirk._pirk`: the `pirk` command line run in-process, so cards,
//! outputs and error messages are the command line's own. The Python package `pirk`
//! (`python/pirk/`) builds the arguments and reads the output directory.

use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use pirk_cli::{App, Cancel, CommandError};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;

/// How often a waiting call looks for Ctrl-C.
const POLL: Duration = Duration::from_millis(50);

/// The command line with the built-in theories, built once.
fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    APP.get_or_init(App::with_builtins)
}

/// Bad input is a `ValueError`, anything else a `RuntimeError`; the message is the line the
/// command line prints after `error: `.
fn py_error(e: CommandError) -> PyErr {
    if e.bad_input {
        PyValueError::new_err(e.message)
    } else {
        PyRuntimeError::new_err(e.message)
    }
}

/// pirk's command line, run in-process (see the package `pirk`).
#[pymodule]
mod _pirk {
    use ndarray_npy::ReadNpyExt;
    use numpy::ndarray::ArrayD;
    use numpy::{IntoPyArray, PyArrayDyn};
    use pyo3::types::PyDict;

    use super::*;

    /// The built-in theories: dicts with `name`, `summary`, `dimensions` (lowest, highest),
    /// `couplings` and `kernels`.
    #[pyfunction]
    fn theories(py: Python<'_>) -> PyResult<Vec<Bound<'_, PyDict>>> {
        app()
            .theories()
            .into_iter()
            .map(|t| {
                let d = PyDict::new(py);
                d.set_item("name", t.name)?;
                d.set_item("summary", t.summary)?;
                d.set_item("dimensions", t.dimensions)?;
                d.set_item("couplings", t.couplings.to_vec())?;
                d.set_item("kernels", t.kernels.to_vec())?;
                Ok(d)
            })
            .collect()
    }

    /// Runs the command line on `args` (without the program name) with the GIL released, on a
    /// worker thread while this one watches for Ctrl-C: on KeyboardInterrupt the job is
    /// cancelled, and the exception raised once it has stopped.
    #[pyfunction]
    fn execute(py: Python<'_>, args: Vec<String>) -> PyResult<()> {
        let cancel = Cancel::new();
        let token = cancel.clone();
        let worker = std::thread::spawn(move || app().execute_args(args, &token));
        while !worker.is_finished() {
            py.detach(|| std::thread::sleep(POLL));
            if let Err(interrupt) = py.check_signals() {
                cancel.cancel();
                // Whatever the job ends with, the interrupt is what the caller sees.
                let _ = py.detach(|| worker.join());
                return Err(interrupt);
            }
        }
        match worker.join() {
            Ok(outcome) => outcome.map_err(py_error),
            // The panic message is on stderr already (the panic hook).
            Err(_) => Err(PyRuntimeError::new_err("pirk panicked; see stderr")),
        }
    }

    /// A card given as JSON (a dict with the card's structure) as TOML, for the command line.
    #[pyfunction]
    fn card_toml(json: &str) -> PyResult<String> {
        let card: serde_json::Value =
            serde_json::from_str(json).map_err(|e| PyValueError::new_err(e.to_string()))?;
        toml::to_string(&card).map_err(|e| PyValueError::new_err(format!("card: {e}")))
    }

    /// An f64 `.npy` file read into memory as a numpy array that owns the buffer it was read
    /// into (no copy): how a temporary output directory's arrays outlive it.
    #[pyfunction]
    fn load_npy(py: Python<'_>, path: PathBuf) -> PyResult<Bound<'_, PyArrayDyn<f64>>> {
        let file = BufReader::new(File::open(&path)?);
        let array = ArrayD::<f64>::read_npy(file)
            .map_err(|e| PyValueError::new_err(format!("{}: {e}", path.display())))?;
        Ok(array.into_pyarray(py))
    }
}
