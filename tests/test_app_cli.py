"""The ``app.py`` command line."""

from __future__ import annotations

import pytest

import app


def test_help_lists_the_sandbox_command(capsys: pytest.CaptureFixture[str]) -> None:
    """``app.py --help`` names its subcommands."""
    with pytest.raises(SystemExit) as exc:
        app.main(["--help"])
    assert exc.value.code == 0
    assert "sandbox" in capsys.readouterr().out


def test_a_subcommand_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    """Without a subcommand the parser explains itself and exits 2."""
    with pytest.raises(SystemExit) as exc:
        app.main([])
    assert exc.value.code == 2
    assert "required" in capsys.readouterr().err
