"""``sciglm.config``: path kinds, open number ranges, ``{default}`` in a help text, the flag of a
field."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from click.testing import CliRunner

from sciglm.config import click_options, flag_of, from_values, option


@dataclass
class Settings:
    """Options of the kinds tested below."""

    source: str | None = option(None, "A file.", path="file", exists=True)
    target: str | None = option(None, "A folder.", path="dir")
    share: float = option(0.5, "A share.", min=0, max=1, max_open=True)
    steps: int = option(60, "Steps (default {default}).", deferred=True)
    rate: float = option(5e-5, "Rate, default {default}.", deferred=True)
    size: int = option(8, "Size.", flag="--per-device-size")


@click.command()
@click_options(Settings)
def command(**values: Any) -> None:
    """Print the parsed config."""
    click.echo(repr(from_values(Settings, values)))


def invoke(*args: str) -> Any:
    return CliRunner().invoke(command, list(args))


def test_path_kinds(tmp_path: Path) -> None:
    file = tmp_path / "f.txt"
    file.write_text("x", encoding="utf-8")
    ok = invoke("--source", str(file), "--target", str(tmp_path / "new"))
    assert ok.exit_code == 0, ok.output
    assert invoke("--source", str(tmp_path / "missing.txt")).exit_code == 2  # must exist
    assert invoke("--source", str(tmp_path)).exit_code == 2  # a file, not a folder
    assert invoke("--target", str(file)).exit_code == 2  # a folder, not a file


def test_an_open_bound_is_excluded() -> None:
    assert "share=0.99" in invoke("--share", "0.99").output
    assert invoke("--share", "1").exit_code == 2
    assert "0<=x<1" in invoke("--help").output


def test_help_shows_the_default_of_a_deferred_option() -> None:
    text = " ".join(invoke("--help").output.split())
    assert "Steps (default 60)." in text and "Rate, default 5e-5." in text
    assert "steps=None" in invoke().output  # not given: the value comes from elsewhere


def test_flag_of_a_field() -> None:
    assert flag_of(Settings, "size") == "--per-device-size"
    assert flag_of(Settings, "share") == "--share"
