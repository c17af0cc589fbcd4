"""Ctrl-C during a job: KeyboardInterrupt soon after, no output directory, and the job's
staging directory kept for resume=True, as after Ctrl-C on the command line."""

import _thread
import tempfile
import threading
import time
import tomllib

import pytest

import pirk
from conftest import TINY

# tiny.toml with 10⁶ configurations: minutes of sampling, stopped after a second.
LONG = TINY.read_text().replace("count = 400", "count = 1000000")
# tiny.toml refined in two rounds of 6000 configurations: seconds per round on one thread,
# after well under a second of training.
REFINED = TINY.read_text() + "\n[refine]\nrounds = 1\nsamples = 6000\n"


def interrupt_after(seconds):
    timer = threading.Timer(seconds, _thread.interrupt_main)
    timer.start()
    return timer


@pytest.mark.parametrize("at", [0.3, 1.5])  # in training, in sampling (with one thread)
def test_ctrl_c_stops_the_job_and_leaves_no_output(at, tmp_path):
    card = tmp_path / "card.toml"
    card.write_text(LONG)
    out = tmp_path / "out"
    start = time.monotonic()
    timer = interrupt_after(at)
    with pytest.raises(KeyboardInterrupt):
        pirk.run(card, out=out, threads=1)
    timer.join()
    assert time.monotonic() - start < at + 10
    assert not out.exists()
    assert (tmp_path / ".out.pirk-partial").is_dir()


def test_ctrl_c_without_out_removes_the_temporary_directory(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    card = tomllib.loads(LONG)
    timer = interrupt_after(1.0)
    with pytest.raises(KeyboardInterrupt):
        pirk.run(card)
    timer.join()
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_stops_refinement_between_rounds(tmp_path, capfd):
    card = tmp_path / "card.toml"
    card.write_text(REFINED)
    out = tmp_path / "out"
    timer = interrupt_after(2.0)
    with pytest.raises(KeyboardInterrupt):
        pirk.train(card, out=out, threads=1, quiet=False)
    timer.join()
    assert "refining: " in capfd.readouterr().err  # training was over: stopped while refining
    # Uninterrupted, train would have finished the second round and written out.
    assert not out.exists()
    assert not (tmp_path / ".out.pirk-partial" / "flow.json").exists()
