"""Listing commands: piped, one plain row per line on stdout (``sciglm data list | grep gsm8k``);
on a narrow terminal a table whose names are never cut."""

from __future__ import annotations

import io
import sys

import pytest
from rich.console import Console

import sciglm.console
from sciglm.catalog.data import CATALOG
from sciglm.catalog.models import CATALOG as MODELS
from sciglm.cli.main import main

LISTINGS = [(["data", "list"], sorted(CATALOG)), (["models", "catalog"], sorted(MODELS)),
            (["plugins"], ["math", "physics", "chemistry", "lean"]),
            (["data", "info", "gsm8k"], ["name", "hub_id", "splits"])]


def run(args: list[str], capsys: pytest.CaptureFixture) -> str:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize(("args", "names"), LISTINGS)
def test_piped_listing_is_one_row_per_line_on_stdout(args: list[str], names: list[str],
                                                     capsys: pytest.CaptureFixture) -> None:
    lines = run(args, capsys).splitlines()
    first = [line.split("\t")[0] for line in lines]
    assert set(names) <= set(first), (args, first)
    assert len(set(len(line.split("\t")) for line in lines)) == 1  # same columns on every line


@pytest.mark.parametrize(("args", "names"), LISTINGS)
def test_narrow_terminal_never_cuts_a_name(args: list[str], names: list[str],
                                           capsys: pytest.CaptureFixture,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    screen = io.StringIO()
    monkeypatch.setattr(sciglm.console, "console", Console(file=screen, width=60))
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert run(args, capsys) == ""  # a terminal: the table goes to stderr
    for name in names:
        assert f"│ {name} " in screen.getvalue(), name
