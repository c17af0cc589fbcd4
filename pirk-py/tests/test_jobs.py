"""run with a path card and an output directory, compare, scan, and sampling a saved flow."""

import re
import shutil

import numpy as np
import pytest

import pirk
from conftest import TINY


def test_run_with_out_keeps_the_directory_and_maps_the_arrays(tiny_run):
    out = tiny_run.out
    assert (out / "report.json").is_file() and (out / "flow.json").is_file()
    assert tiny_run.report["command"] == "run" and tiny_run.report["lattice"] == [8, 8]
    assert tiny_run.ensemble.shape == (400, 8, 8) and tiny_run.log_weights.shape == (400,)
    assert isinstance(tiny_run.ensemble, np.memmap) and not tiny_run.ensemble.flags.writeable
    assert np.array_equal(tiny_run.ensemble, np.load(out / "ensemble.npy"))
    assert tiny_run.hmc_ensemble is None
    assert set(tiny_run.observables) >= {"M", "abs_M", "M2", "chi", "binder", "xi_2nd"}
    mean, err = tiny_run.observables["M2"]
    assert mean == tiny_run.report["observables"]["M2"]["mean"] and err > 0


def test_existing_out_needs_force(tiny_run):
    with pytest.raises(ValueError, match="already exists; pass --force to replace it"):
        pirk.run(TINY, out=tiny_run.out)


def test_compare_runs_hmc_and_wolff_beside_pik():
    result = pirk.compare(TINY, threads=2)
    comparison = result.report["comparison"]
    assert set(comparison["pulls"]) >= {"M", "M2"}
    assert result.report["wolff"] is not None
    assert result.hmc_ensemble.shape == (200, 8, 8)
    assert result.ensemble.shape == (400, 8, 8)


def test_scan_reports_every_point():
    result = pirk.scan(TINY)
    points = result.report["scan"]
    assert [p["t"] for p in points] == pytest.approx([1 / 3, 2 / 3, 1])
    assert points[-1]["observables"]["M2"] == result.report["observables"]["M2"]


def test_saved_flow_samples_from_its_directory_alone(tiny_run, tmp_path):
    assert (tiny_run.out / "card.toml").read_text() == TINY.read_text()
    flow = pirk.Flow.load(tiny_run.out / "flow.json")
    first = flow.sample(100, seed=5)
    assert first.report["command"] == "sample" and first.report["seed"] == 5
    assert first.ensemble.shape == (100, 8, 8) and first.log_weights.shape == (100,)
    given = pirk.Flow.load(tiny_run.out / "flow.json", TINY)
    again = given.sample(100, seed=5, out=tmp_path / "again")
    assert np.array_equal(first.ensemble, again.ensemble)
    other = flow.sample(100, seed=6)
    assert not np.array_equal(first.ensemble, other.ensemble)
    # A sampled directory keeps its card too, so its flow samples again the same way.
    resampled = pirk.Flow.load(tmp_path / "again" / "flow.json").sample(100, seed=5)
    assert np.array_equal(first.log_weights, resampled.log_weights)


def test_saved_flow_refuses_another_card(tiny_run):
    card = {
        "theory": "hopping",
        "lattice": [4, 4],
        "target": {"kappa": 0.21, "lambda": 0.022},
        "prior": {"kind": "free", "kinetic": 0.21, "mass": 0.16},
        "path": {"start": {"kappa": 0.21, "lambda": 0.0}},
    }
    with pytest.raises(ValueError, match=r"^--flow .*flow\.json: "):
        pirk.Flow.load(tiny_run.out / "flow.json", card).sample(10, seed=1)


def test_missing_flow_file_and_unreadable_card(tiny_run, tmp_path):
    with pytest.raises(FileNotFoundError):
        pirk.Flow.load(tmp_path / "flow.json", TINY)
    alone = tmp_path / "flow.json"
    shutil.copy(tiny_run.out / "flow.json", alone)
    with pytest.raises(FileNotFoundError, match="no card.toml beside the flow"):
        pirk.Flow.load(alone)
    card = tmp_path / "card.toml"
    card.write_text("theory = ")
    with pytest.raises(ValueError, match=rf"^{re.escape(str(card))}: line 1: "):
        pirk.Flow.load(tiny_run.out / "flow.json", card).sample(10, seed=1)
