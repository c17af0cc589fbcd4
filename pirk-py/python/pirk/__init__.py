"""pirk from Python: run cards, read the results as numpy arrays.

Every job is the ``pirk`` command line run in-process (the GIL released), so cards, output
directories, reports and error messages are the command line's own (docs/cli.md). Bad input
raises ``ValueError`` with the line the command line prints after ``error: ``; a failure while
computing raises ``RuntimeError``; Ctrl-C stops the job and raises ``KeyboardInterrupt``.
"""

from __future__ import annotations

import errno
import json
import os
import tempfile
import tomllib
from pathlib import Path
from typing import Any

import numpy as np

from . import _pirk

__all__ = ["Flow", "Result", "compare", "run", "scan", "theories", "train"]

Card = str | os.PathLike | dict


def theories() -> list[dict]:
    """The built-in theories: ``name``, ``summary``, ``dimensions`` (lowest, highest),
    ``couplings`` and ``kernels``."""
    return _pirk.theories()


class Result:
    """What a job wrote: ``report`` (report.json as a dict, docs/report-schema.md), its main
    numbers, and the arrays.

    ``ensemble`` has shape ``(n, *lattice)`` and ``log_weights`` shape ``(n,)`` (None where the
    command writes none); ``hmc_ensemble`` is ``compare``'s HMC chain. With ``out`` given the
    arrays are memory-mapped read-only from its ``.npy`` files (no copy); without it each file
    was read once into a buffer that numpy then owns (rust-numpy, no further copy) before the
    temporary directory was removed, and ``out`` is None.
    """

    def __init__(self, directory: Path, keep: bool):
        self.out: Path | None = directory if keep else None
        self.report: dict[str, Any] = json.loads((directory / "report.json").read_text())
        self.ess: float | None = self.report["ess"]
        self.acceptance: float | None = self.report["acceptance"]
        log_z = self.report["log_z"]
        self.log_z: tuple[float, float] | None = (
            None if log_z is None else (log_z["value"], log_z["error"])
        )
        self.observables: dict[str, tuple[float | None, float | None]] = {
            name: (o["mean"], o["err"]) for name, o in self.report["observables"].items()
        }

        def array(name: str) -> np.ndarray | None:
            file = directory / name
            if not file.exists():
                return None
            return np.load(file, mmap_mode="r") if keep else _pirk.load_npy(str(file))

        self.ensemble = array("ensemble.npy")
        self.log_weights = array("log_weights.npy")
        self.hmc_ensemble = array("hmc_ensemble.npy")

    def __repr__(self) -> str:
        shape = None if self.ensemble is None else self.ensemble.shape
        return (
            f"pirk.Result(command={self.report['command']!r}, ess={self.ess}, "
            f"acceptance={self.acceptance}, ensemble shape={shape}, out={self.out})"
        )


def run(card: Card, out=None, threads=None, quiet=True, *, force=False, resume=False) -> Result:
    """``pirk run``: train, sample, correct, measure. ``card`` is a path or a dict with the
    card's structure; ``out`` the output directory (None: a temporary one, removed once read);
    ``threads``, ``quiet``, ``force`` and ``resume`` are the command line's options."""
    return _job("run", card, out, threads, quiet, force, resume)


def train(card: Card, out=None, threads=None, quiet=True, *, force=False, resume=False) -> Result:
    """``pirk train``: the flow only (``out/flow.json``, for :meth:`Flow.load`)."""
    return _job("train", card, out, threads, quiet, force, resume)


def compare(card: Card, out=None, threads=None, quiet=True, *, force=False, resume=False) -> Result:
    """``pirk compare``: PIK+MH against HMC (and Wolff where it applies); ``report["comparison"]``
    holds the pulls and costs, ``hmc_ensemble`` the HMC chain."""
    return _job("compare", card, out, threads, quiet, force, resume)


def scan(card: Card, out=None, threads=None, quiet=True, *, force=False, resume=False) -> Result:
    """``pirk scan``: observables along the coupling path; ``report["scan"]`` lists the points."""
    return _job("scan", card, out, threads, quiet, force, resume)


class Flow:
    """A trained flow (``flow.json`` of ``run``, ``train``, ``compare``, ``scan`` or ``sample``)
    with the card it was trained on: the file holds the flow's coefficients, the card its
    theory, prior, basis and path."""

    def __init__(self, path: Path, card: Card):
        self.path = path
        self.card = card

    @classmethod
    def load(cls, path, card: Card | None = None) -> "Flow":
        """The flow in ``path``, for ``card`` (a path or a dict; by default ``card.toml`` beside
        it, the card the job that wrote it ran). It is checked against the card when sampling,
        as ``pirk sample --flow`` does."""
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(errno.ENOENT, "no trained flow", str(path))
        if card is None:
            card = path.parent / "card.toml"
            if not card.is_file():
                raise FileNotFoundError(
                    errno.ENOENT, "no card.toml beside the flow: pass its card", str(card)
                )
        return cls(path, card)

    def sample(self, n: int, seed: int, out=None, threads=None, quiet=True) -> Result:
        """``pirk sample``: ``n`` configurations from this flow with the card's correction,
        seeded by ``seed``; ``ensemble`` and ``log_weights`` hold them."""
        try:
            card = self.card
            if not isinstance(card, dict):
                card = tomllib.loads(Path(card).read_text())
        except (OSError, tomllib.TOMLDecodeError):
            card = self.card  # the command line rejects it, in its own words
        else:
            card = dict(card, seed=seed)
            card["sample"] = dict(card.get("sample", {}), count=n)
        return _job("sample", card, out, threads, quiet, extra=["--flow", str(self.path)])


def _job(command, card, out, threads, quiet, force=False, resume=False, extra=()) -> Result:
    """Runs ``pirk COMMAND`` on ``card`` and reads what it wrote."""
    with tempfile.TemporaryDirectory(prefix="pirk-") as scratch:
        scratch = Path(scratch)
        if isinstance(card, dict):
            card_file = scratch / "card.toml"
            card_file.write_text(_pirk.card_toml(json.dumps(card)))
        else:
            card_file = Path(card)
        directory = Path(out) if out is not None else scratch / "out"
        args = ["--quiet"] if quiet else []
        args += [command, str(card_file), "--out", str(directory), *extra]
        if threads is not None:
            args.append(f"--threads={threads}")
        args += ["--force"] if force else []
        args += ["--resume"] if resume else []
        try:
            _pirk.execute(args)
        except ValueError as e:
            if isinstance(card, dict):  # the temporary file means nothing to the caller
                raise ValueError(str(e).replace(str(card_file), "dict card")) from None
            raise
        return Result(directory, keep=out is not None)
