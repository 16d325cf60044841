"""Each command's options are its config dataclass's option fields, and a default changed in the
dataclass is the default ``--help`` shows (the command states no default of its own)."""

from __future__ import annotations

import dataclasses
import importlib
import typing
from typing import Any

import click
import pytest
from click.testing import CliRunner

from sciglm.config import cli_fields

#: (command, its config dataclass), each as ``module:attribute``.
COMMANDS = [
    ("sciglm.cli.questions_cmd:questions", "sciglm.data.questions_config:QuestionsConfig"),
    ("sciglm.cli.filter_cmd:filter_cmd", "sciglm.data.filter_config:FilterConfig"),
    ("sciglm.cli.mix_cmd:mix", "sciglm.data.mix_config:MixConfig"),
]


def load(path: str) -> Any:
    module, attr = path.split(":")
    return getattr(importlib.import_module(module), attr)


def shown_default(cls: type) -> tuple[dataclasses.Field, Any] | None:
    """A number or text option of ``cls`` and a new default for it that ``--help`` would
    show (``None`` when the options are all flags, lists or deferred)."""
    hints = typing.get_type_hints(cls)
    for field in dataclasses.fields(cls):
        spec = field.metadata.get("cli")
        if spec is None or spec["multiple"] or spec["deferred"] or spec["choices"]:
            continue
        base = next(a for a in (*typing.get_args(hints[field.name]), hints[field.name])
                    if a is not type(None))
        start = field.default if isinstance(field.default, int | float) else 0
        if base is int and spec["max"] is None:
            return field, max(start, spec["min"] or 0) + 7919
        if base is float and spec["max"] is None:
            return field, max(start, spec["min"] or 0) + 7.375
        if base is str and not spec["path"]:
            return field, "changed-default"
    return None


def help_text(command: click.Command) -> str:
    result = CliRunner().invoke(command, ["--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


@pytest.mark.parametrize(("command_path", "config_path"), COMMANDS)
def test_options_are_the_config_fields(command_path: str, config_path: str) -> None:
    command, config = load(command_path), load(config_path)
    options = {p.name for p in command.params if isinstance(p, click.Option)} - {"help"}
    assert options == set(cli_fields(config))


@pytest.mark.parametrize(("command_path", "config_path"), COMMANDS)
def test_help_shows_the_config_default(command_path: str, config_path: str,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    config = load(config_path)
    found = shown_default(config)
    if found is None:
        pytest.skip(f"{config.__name__} has no option whose default --help shows")
    field, new = found
    module = importlib.import_module(command_path.split(":")[0])
    assert f"[default: {new}]" not in help_text(load(command_path))
    monkeypatch.setattr(field, "default", new)
    try:
        importlib.reload(module)  # the command's options are made again from the dataclass
        assert f"[default: {new}]" in help_text(load(command_path))
    finally:
        monkeypatch.undo()
        importlib.reload(module)
    assert f"[default: {new}]" not in help_text(load(command_path))
