"""``sciglm.config``: click options derived from a dataclass's fields: path kinds, environment
variables, repeated choices, open number ranges, ``{default}`` in a help text, a field's flag."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from click.testing import CliRunner

from sciglm.config import ConfigOption, click_options, flag_of, from_values, option


@dataclass
class Settings:
    """Every kind of option the tests below parse."""

    source: str | None = option(None, "A file.", path="file", exists=True)
    target: str | None = option(None, "A folder.", path="dir")
    anywhere: str | None = option(None, "Any path.", path=True)
    quiet: bool = option(False, "Say less.", envvar="TEST_SCIGLM_QUIET")
    stage: tuple[str, ...] = option((), "A stage.", choices=("one", "two"), multiple=True)
    share: float = option(0.5, "A share.", min=0, max=1, max_open=True)
    steps: int = option(60, "Steps (default {default}).", deferred=True)
    rate: float = option(5e-5, "Rate, default {default}.", deferred=True)
    size: int = option(8, "Size.", flag="--per-device-size")


@click.command()
@click_options(Settings)
def command(**values: Any) -> None:
    """Print the parsed config."""
    click.echo(repr(from_values(Settings, values)))


def invoke(*args: str, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(command, list(args), env=env)


def test_the_options_are_marked_with_their_dataclass() -> None:
    marked = {p.name: p.config_class for p in command.params if isinstance(p, ConfigOption)}
    assert marked == dict.fromkeys(("source", "target", "anywhere", "quiet", "stage", "share",
                                    "steps", "rate", "size"), Settings)


def test_path_kinds(tmp_path: Path) -> None:
    folder, file = tmp_path / "d", tmp_path / "f.txt"
    folder.mkdir()
    file.write_text("x", encoding="utf-8")
    ok = invoke("--source", str(file), "--target", str(tmp_path / "new"), "--anywhere",
                str(folder))
    assert ok.exit_code == 0, ok.output
    assert f"source='{file}'" in ok.output
    assert invoke("--source", str(tmp_path / "missing.txt")).exit_code == 2  # must exist
    assert invoke("--source", str(folder)).exit_code == 2  # a file, not a folder
    assert invoke("--target", str(file)).exit_code == 2  # a folder, not a file


def test_envvar_gives_the_value_when_the_flag_is_absent() -> None:
    assert "quiet=True" in invoke(env={"TEST_SCIGLM_QUIET": "1"}).output
    assert "quiet=False" in invoke(env={"TEST_SCIGLM_QUIET": "0"}).output
    assert "quiet=False" in invoke().output


def test_multiple_choices() -> None:
    assert "stage=('two', 'one')" in invoke("--stage", "two", "--stage", "one").output
    bad = invoke("--stage", "three")
    assert bad.exit_code == 2
    assert "'three' is not one of 'one', 'two'" in bad.output


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
