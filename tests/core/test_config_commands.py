"""Each command's click options are exactly the option fields of its config dataclass (one
declaration per option: its flag, default and help live in the dataclass)."""

from __future__ import annotations

import importlib
from typing import Any

import click
import pytest

from sciglm.config import cli_fields

#: (command, its config dataclass), each as ``module:attribute``.
COMMANDS = [
    ("sciglm.cli.classifier_cmd:data", "sciglm.classifier.config:ClassifierDataConfig"),
    ("sciglm.cli.classifier_cmd:train", "sciglm.classifier.config:ClassifierTrainConfig"),
    ("sciglm.cli.classifier_cmd:eval_cmd", "sciglm.classifier.config:ClassifierEvalConfig"),
    ("sciglm.cli.chat_cmd:chat", "sciglm.chat.config:ChatConfig"),
    ("sciglm.cli.convert_cmd:chatglm3", "sciglm.train.convert_config:ConvertChatglm3Config"),
    ("sciglm.cli.teacher_cmd:serve", "sciglm.teacher.config:TeacherServeConfig"),
]


def load(path: str) -> Any:
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def option_names(command: click.Command) -> list[str]:
    """The names of ``command``'s options (click's own ``--help`` is not among its params)."""
    return [str(p.name) for p in command.params if isinstance(p, click.Option)]


@pytest.mark.parametrize(("command", "config"), COMMANDS)
def test_the_options_are_the_config_fields(command: str, config: str) -> None:
    names = option_names(load(command))
    assert len(names) == len(set(names))
    assert set(names) == set(cli_fields(load(config)))


def test_the_check_sees_a_missing_option() -> None:
    """Control: a command lacking one of the dataclass's options does not pass."""

    @click.command()
    @click.option("--port", type=int)
    def command(port: int | None) -> None:
        """A command."""

    fields = cli_fields(load("sciglm.teacher.config:TeacherServeConfig"))
    assert set(option_names(command)) != set(fields)
