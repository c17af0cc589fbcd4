"""Shared cards and the command-line binary the error messages are compared with."""

import os
import shutil
from pathlib import Path

import pytest

import pirk

REPO = Path(__file__).resolve().parents[2]
TINY = REPO / "examples" / "cards" / "tiny.toml"


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory):
    """`pirk run` of the 8² tiny card, kept on disk."""
    out = tmp_path_factory.mktemp("tiny") / "out"
    return pirk.run(TINY, out=out)


@pytest.fixture(scope="session")
def pirk_binary():
    """The `pirk` binary built from this tree (CI builds it before the Python step); tests
    that compare with it skip without it."""
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    for candidate in (target / "release" / "pirk", shutil.which("pirk")):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    pytest.skip("no pirk binary: build it with cargo build --release -p pirk-cli")
