"""quiet=True prints nothing, on either stream; quiet=False shows the command line's summary."""

import pirk
from conftest import TINY


def test_quiet_prints_nothing(capfd):
    result = pirk.run(TINY)
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""
    assert result.ess > 0


def test_not_quiet_prints_the_summary_table(capfd):
    result = pirk.run(TINY, quiet=False)
    captured = capfd.readouterr()
    assert "ESS" in captured.out and "abs_M" in captured.out
    assert "wrote " in captured.err
    assert result.ess > 0
