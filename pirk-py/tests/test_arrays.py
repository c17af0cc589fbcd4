"""Arrays: memory maps of a kept directory's files, numpy-owned buffers read by the extension
(rust-numpy) from a temporary one."""

import numpy as np
import pytest

import pirk
from pirk import _pirk
from conftest import TINY


def built_by_rust_numpy(array):
    """numpy owns no data here: the buffer is the Rust one, kept alive by rust-numpy's
    container (np.load would give an array owning a buffer of its own)."""
    return not array.flags.owndata and type(array.base).__name__ == "PySliceContainer"


def test_temporary_directory_arrays_are_rust_buffers_handed_to_numpy():
    result = pirk.run(TINY)
    assert result.out is None
    for array, shape in [(result.ensemble, (400, 8, 8)), (result.log_weights, (400,))]:
        assert type(array) is np.ndarray and array.shape == shape and array.dtype == np.float64
        assert built_by_rust_numpy(array) and array.flags.writeable and array.flags.c_contiguous


def test_load_npy_reads_what_numpy_reads(tiny_run, tmp_path):
    for name in ["ensemble.npy", "log_weights.npy"]:
        array = _pirk.load_npy(str(tiny_run.out / name))
        assert built_by_rust_numpy(array)
        assert np.array_equal(array, np.load(tiny_run.out / name))
    fortran = np.asfortranarray(np.arange(12.0).reshape(3, 4))
    np.save(tmp_path / "f.npy", fortran)
    assert np.array_equal(_pirk.load_npy(str(tmp_path / "f.npy")), fortran)


def test_load_npy_refuses_other_dtypes_and_missing_files(tmp_path):
    np.save(tmp_path / "ints.npy", np.arange(3))
    with pytest.raises(ValueError, match="ints.npy"):
        _pirk.load_npy(str(tmp_path / "ints.npy"))
    with pytest.raises(FileNotFoundError):
        _pirk.load_npy(str(tmp_path / "absent.npy"))
