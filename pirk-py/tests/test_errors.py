"""Bad input raises ValueError with the command line's one-line message, and writes nothing."""

import subprocess
import tomllib

import pytest

import pirk
from conftest import TINY

GOOD = TINY.read_text()

# Path cards, so that messages naming the card's file are the same for both.
BAD_CARDS = {
    "unknown theory": GOOD.replace('theory = "hopping"', 'theory = "nope"'),
    "unknown key": GOOD.replace("steps = 10", "step = 10"),
    "malformed toml": GOOD.replace("seed = 1", "seed = "),
    "wrong dimensions": GOOD.replace("lattice = [8, 8]", "lattice = []"),
    "missing coupling": GOOD.replace("lambda = 0.022\n", "", 1),
    "non-finite coupling": GOOD.replace("kappa = 0.21\n", "kappa = nan\n", 1),
    "tiny collocation set": GOOD.replace("samples = 400", "samples = 3"),
}


def cli_error(binary, card, out):
    """The command line's exit code and its `error: ` line for the same card and --out."""
    done = subprocess.run(
        [binary, "--quiet", "run", card, "--out", out], capture_output=True, text=True
    )
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    return done.returncode, lines[0].removeprefix("error: ")


@pytest.mark.parametrize("case", sorted(BAD_CARDS))
def test_bad_card_raises_the_command_lines_message(case, tmp_path, pirk_binary):
    card = tmp_path / "card.toml"
    card.write_text(BAD_CARDS[case])
    out = tmp_path / "out"
    code, message = cli_error(pirk_binary, card, out)
    assert code == 2
    with pytest.raises(ValueError) as raised:
        pirk.run(card, out=out)
    assert str(raised.value) == message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["card.toml"]


def test_missing_card_file(tmp_path, pirk_binary):
    card = tmp_path / "absent.toml"
    _, message = cli_error(pirk_binary, card, tmp_path / "out")
    with pytest.raises(ValueError) as raised:
        pirk.run(card, out=tmp_path / "out")
    assert str(raised.value) == message
    assert message.startswith(f"cannot read card {card}: ")


def test_dict_card_errors_name_the_problem():
    card = tomllib.loads(GOOD)
    with pytest.raises(ValueError, match=r"^unknown theory `nope` \(theories: phi4, "):
        pirk.run(dict(card, theory="nope"))
    del card["target"]
    with pytest.raises(ValueError, match=r"^dict card: line \d+: missing field `target`$"):
        pirk.run(card)
    with pytest.raises(ValueError, match=r"^card: "):
        pirk.run({"theory": None})


def test_bad_options_are_value_errors():
    with pytest.raises(ValueError, match="--threads"):
        pirk.run(TINY, threads=-1)
