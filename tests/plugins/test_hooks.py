"""Every hook of the contract is documented with its real signature and exercised by a test
(datasette's meta-tests): a hook added to ``sciglm/hookspecs.py`` without both fails here."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import click
from click.testing import CliRunner

from sciglm import hookspecs, plugins, registry
from sciglm.hookspecs import hookimpl
from sciglm.records import Question, Verdict, VerifyItem
from sciglm.subject import Subject

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs" / "plugins.md"


def hook_specs() -> dict[str, list[str]]:
    """Hook name → argument names, read from the contract itself."""
    return {
        name: list(inspect.signature(function).parameters)
        for name, function in inspect.getmembers(hookspecs, inspect.isfunction)
        if hasattr(function, "sciglm_spec")
    }


def test_every_hook_is_documented_with_its_signature() -> None:
    text = DOCS.read_text(encoding="utf-8")
    documented = dict(re.findall(r"^### `(\w+)\(([^)]*)\)`", text, flags=re.M))
    specs = hook_specs()
    assert specs, "no hookspecs found"
    for name, args in specs.items():
        assert name in documented, f"docs/plugins.md has no '### `{name}(…)`' section"
        assert [a.strip() for a in documented[name].split(",") if a.strip()] == args, name


def test_every_hook_has_a_test() -> None:
    names = set()
    for path in (REPO / "tests").rglob("test_*.py"):
        names |= set(re.findall(r"^def (test_hook_\w+)\(", path.read_text(encoding="utf-8"),
                                flags=re.M))
    for name in hook_specs():
        assert f"test_hook_{name}" in names, f"no test named test_hook_{name}"


class Coin(Subject):
    name = "coin_demo"

    def verify(self, item: VerifyItem) -> Verdict:
        return Verdict(item.response.strip() == item.reference, item.response.strip(), "")


class CoinPlugin:
    @hookimpl
    def register_subjects(self, register):  # type: ignore[no-untyped-def]
        register(Coin())

    @hookimpl
    def register_loaders(self, register):  # type: ignore[no-untyped-def]
        def load(path: str, **_: object):  # type: ignore[no-untyped-def]
            yield Question("c1", "coin_demo", f"heads or tails? ({path})", "heads")

        register("coins", load, "coin_demo", "one coin toss")

    @hookimpl
    def register_commands(self, cli):  # type: ignore[no-untyped-def]
        @cli.command("coin-demo")
        def coin_demo() -> None:
            click.echo("heads")


def test_hook_register_subjects(register_plugin) -> None:  # type: ignore[no-untyped-def]
    register_plugin(CoinPlugin(), "coin")
    subject = registry.get_subject("coin_demo")
    assert subject.verify(VerifyItem("1", "coin_demo", "heads", "heads")).correct is True
    assert subject.verify(VerifyItem("2", "coin_demo", "tails", "heads")).correct is False


def test_hook_register_loaders(register_plugin) -> None:  # type: ignore[no-untyped-def]
    register_plugin(CoinPlugin(), "coin")
    info = registry.get_loader("coins")
    assert (info.subject, info.plugin) == ("coin_demo", "coin")
    (question,) = list(info.loader("x.jsonl"))
    assert question.reference == "heads" and "x.jsonl" in question.question


def test_hook_register_commands(register_plugin) -> None:  # type: ignore[no-untyped-def]
    from sciglm.cli import main as cli_main

    register_plugin(CoinPlugin(), "coin")
    plugins.load_plugins()
    cli_main._plugin_commands_added = False
    try:
        result = CliRunner().invoke(cli_main.cli, ["coin-demo"])
    finally:
        cli_main.cli.commands.pop("coin-demo", None)
        cli_main._plugin_commands_added = False
    assert result.exit_code == 0 and result.output == "heads\n", result.output
