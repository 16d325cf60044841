"""Every option of every command in the ``sciglm`` tree (plugins' commands included) comes from
a field of a config dataclass (:func:`sciglm.config.click_options`): an option written by hand
with ``click.option`` fails here, so each default and help text lives in one place."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import click

from sciglm.cli.main import cli
from sciglm.config import ConfigOption, cli_fields, click_options, option

#: click's own options, not a command's settings.
CLICK_OWN = {"--help", "--version"}


def walk(command: click.Command, path: tuple[str, ...]) -> Iterator[tuple[str, click.Command]]:
    """``("sciglm data pull", command)`` for ``command`` and every command under it."""
    yield " ".join(path), command
    if isinstance(command, click.Group):
        ctx = click.Context(command, info_name=path[-1])
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            assert sub is not None, f"{' '.join(path)} lists {name!r} but cannot load it"
            yield from walk(sub, (*path, name))


def hand_written(command: click.Command) -> list[str]:
    """The options of ``command`` that no config dataclass field declares."""
    found = []
    for param in command.get_params(click.Context(command)):
        if not isinstance(param, click.Option) or CLICK_OWN & set(param.opts):
            continue
        declared = (isinstance(param, ConfigOption)
                    and param.name in cli_fields(param.config_class))
        if not declared:
            found.append(param.opts[-1])
    return found


def test_every_option_is_a_config_field() -> None:
    commands = dict(walk(cli, ("sciglm",)))
    assert {"sciglm", "sciglm data pull", "sciglm models rm", "sciglm pipeline"} <= set(commands)
    offenders = {path: bad for path, command in commands.items()
                 if (bad := hand_written(command))}
    assert offenders == {}


@dataclass
class _Settings:
    level: int = option(1, "How much.")


def test_the_check_sees_an_option_written_by_hand() -> None:
    """Control: a command with one derived option and one hand-written option."""

    @click.command()
    @click_options(_Settings)
    @click.option("--extra", is_flag=True, help="Written by hand.")
    def command(**values: object) -> None:
        """A command."""

    assert hand_written(command) == ["--extra"]
