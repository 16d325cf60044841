"""A subject that cannot judge here (miniF2F without Lean) is announced before anything is
generated, not after the whole run in the table (issue #24, Also)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from sciglm_lean import config as lean_config
from sciglm_lean.subject import LeanSubject

from sciglm import registry
from sciglm.eval import benchmarks as bm
from sciglm.eval.runner import EvalOptions, run_eval
from sciglm.generation.base import GenParams
from sciglm.records import Message
from tests.eval.test_runner import ScriptedModel


def test_the_warning_comes_before_generation(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "sums.jsonl"
    path.write_text(json.dumps({"id": "s2", "question": "What is 2 plus 2?",
                                "reference": "4"}) + "\n")
    bench = bm.parse_benchmarks([f"sums={path}:math"])[0]
    monkeypatch.setattr(registry.get_subject("math"), "cannot_judge", lambda: "no checker")
    warnings: list[str] = []
    seen_at_generation: list[int] = []

    class Model(ScriptedModel):
        def generate(self, conversations: Sequence[list[Message]], params: GenParams,
                     on_batch: object = None) -> list[str]:
            seen_at_generation.append(len(warnings))
            return super().generate(conversations, params, on_batch)

    run_eval(Model(), [bench], tmp_path / "out", None, EvalOptions(limit=1), warn=warnings.append)
    assert warnings == ["math: no checker; every math verdict of this run will be null"]
    assert seen_at_generation == [1]


def test_lean_says_why_it_cannot_judge(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SCIGLM_LEAN_REPL", raising=False)
    monkeypatch.setattr(lean_config, "find_lake", lambda: None)
    assert "no `lake` on PATH" in (LeanSubject().cannot_judge() or "")
    monkeypatch.setenv("SCIGLM_LEAN_REPL", "some-repl")  # a REPL of one's own: it can judge
    assert LeanSubject().cannot_judge() is None


def test_a_sets_own_subject_names_are_not_asked(tmp_path: Path, shared_data: Path) -> None:
    """MMLU's ``abstract_algebra`` is a subject of the set, scored by the letter scorer: no
    registered subject to ask, so no error (it stopped every run of mmlu-sci)."""
    class AnswersB(ScriptedModel):
        def generate(self, conversations: Sequence[list[Message]], params: GenParams,
                     on_batch: object = None) -> list[str]:
            return ["B"] * len(conversations)

    bench = registry.get_benchmark("mmlu-sci")
    warnings: list[str] = []
    run_eval(AnswersB(), [bench], tmp_path / "out", shared_data, EvalOptions(limit=1),
             warn=warnings.append)
    assert warnings == []
