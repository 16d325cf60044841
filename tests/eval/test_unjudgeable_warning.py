"""A subject that can judge nothing here (Lean without a toolchain) is named before the model
generates anything, not after all generation."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from rich.console import Console

import sciglm.console
from sciglm.eval import benchmarks as bm
from sciglm.eval.runner import run_eval
from sciglm.generation.base import GenParams
from sciglm.hookspecs import hookimpl
from sciglm.records import Message, Verdict, VerifyItem
from sciglm.subject import Subject
from tests.eval.test_runner import ScriptedModel, options


class Unjudgeable(Subject):
    name = "unjudgeable_demo"

    def unavailable(self) -> str | None:
        return "no toolchain here"

    def verify(self, item: VerifyItem) -> Verdict:
        return Verdict(None, None, "no toolchain here")


class Watching(ScriptedModel):
    """Records what the console had printed when generation began."""

    def __init__(self, screen: io.StringIO) -> None:
        super().__init__()
        self.screen = screen
        self.seen: list[str] = []

    def generate(self, conversations: Sequence[list[Message]], params: GenParams,
                 on_batch: object = None) -> list[str]:
        self.seen.append(self.screen.getvalue())
        return super().generate(conversations, params, on_batch)


def test_warning_comes_before_generation(register_plugin, tmp_path: Path,  # noqa: ANN001
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    class Plugin:
        @hookimpl
        def register_subjects(self, register):  # noqa: ANN001, ANN201 - hook signature
            register(Unjudgeable())

    register_plugin(Plugin(), "unjudgeable_plugin")
    screen = io.StringIO()
    monkeypatch.setattr(sciglm.console, "console", Console(file=screen, width=200))
    path = tmp_path / "items.jsonl"
    path.write_text("".join(json.dumps({"id": f"u{i}", "question": f"What is {i} plus {i}?",
                                        "reference": str(2 * i)}) + "\n" for i in range(3)))
    [bench] = bm.parse_benchmarks([f"proofs={path}:unjudgeable_demo"])
    model = Watching(screen)
    report = run_eval(model, [bench], tmp_path / "run", None, options(workers=1))
    assert report.benchmarks[0].total.undecided == 3
    assert model.seen and "the unjudgeable_demo subject cannot judge here (no toolchain " \
        "here); its 3 item(s) will be generated" in model.seen[0]


def test_lean_without_a_toolchain_is_unavailable(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from sciglm_lean.config import NO_TOOLCHAIN
    from sciglm_lean.subject import LeanSubject

    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("SCIGLM_LEAN_REPL", raising=False)
    assert (LeanSubject().unavailable() or "").startswith(NO_TOOLCHAIN)
