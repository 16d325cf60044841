"""Fixtures of the annotation tests: a tiny in-process subject and a fork-started verifier pool."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sciglm.answers.extract import final_answer
from sciglm.hookspecs import hookimpl
from sciglm.records import Verdict, VerifyItem
from sciglm.subject import Subject

UNDECIDABLE = "??"  # a reference the toy verifier cannot decide (to reach the judge)


class ToySubject(Subject):
    """Exact match of the boxed answer; ``??`` references are undecidable."""

    name = "toy"
    description = "test-only exact-match subject"
    default_timeout = 5.0

    def extract_answer(self, response: str, item: VerifyItem | None = None) -> str | None:
        return final_answer(response)

    def verify(self, item: VerifyItem) -> Verdict:
        predicted = self.extract_answer(item.response)
        if item.reference is None or item.reference == UNDECIDABLE:
            return Verdict(None, predicted, "no reference to compare with")
        if predicted is None:
            return Verdict(False, None, "no final answer found")
        same = predicted.strip() == item.reference.strip()
        return Verdict(same, predicted, "exact match" if same else "does not match the reference")


class ToyPlugin:
    @hookimpl
    def register_subjects(self, register: Any) -> None:
        register(ToySubject())


@pytest.fixture
def toy(register_plugin: Any) -> str:
    """Register the ``toy`` subject for one test (the pool must use ``start_method="fork"``)."""
    register_plugin(ToyPlugin(), "toy-plugin")
    return "toy"


def write_questions(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def read_records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
