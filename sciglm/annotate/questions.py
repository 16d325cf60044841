"""Reading the questions to annotate: JSONL as ``sciglm questions --jsonl`` prints it.

Each line: ``{"id", "subject", "question", "reference"?, "choices"?}``; other fields travel
on as ``meta`` (Lean's ``statement``/``header`` reach the verifier this way). A bad line —
not JSON, no question text, an unknown subject, a repeated id — is an :class:`InputError`
naming ``file:line``, or is reported and skipped when ``on_invalid`` is given.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sciglm import registry
from sciglm.errors import InputError
from sciglm.io.jsonl import iter_jsonl
from sciglm.records import Question

KNOWN = ("id", "subject", "question", "reference", "choices", "source", "solution")


def _question(record: dict[str, Any], path: str, number: int, subject: str | None,
              known: set[str]) -> Question:
    text = record.get("question")
    if not isinstance(text, str) or not text.strip():
        raise InputError("no question text (field 'question')", path, number)
    name = subject or record.get("subject")
    if not isinstance(name, str) or not name:
        raise InputError("record has no 'subject' (or pass --subject)", path, number)
    if name not in known:
        names = ", ".join(sorted(known)) or "none installed"
        raise InputError(f"unknown subject {name!r} (known: {names})", path, number)
    choices = record.get("choices")
    if choices is not None and not isinstance(choices, list):
        raise InputError("'choices' must be a list", path, number)
    reference = record.get("reference")
    meta = dict(record.get("meta") or {}) if isinstance(record.get("meta"), dict) else {}
    meta |= {k: v for k, v in record.items() if k not in KNOWN and k != "meta"}
    raw_id = record.get("id")
    return Question(
        id=str(raw_id) if raw_id not in (None, "") else f"{Path(path).stem}-{number}",
        subject=name,
        question=text,
        reference=None if reference is None else str(reference),
        choices=[str(c) for c in choices] if choices else None,
        source=str(record.get("source") or ""),
        solution=record.get("solution") if isinstance(record.get("solution"), str) else None,
        meta=meta,
    )


def read_questions(
    path: str | os.PathLike[str],
    subject: str | None = None,
    on_invalid: Callable[[InputError], None] | None = None,
) -> list[Question]:
    """Every valid question of a JSONL file, in file order."""
    path = str(path)
    known = set(registry.subjects())
    seen: dict[str, int] = {}
    out: list[Question] = []
    for number, record in iter_jsonl(path, on_invalid):
        try:
            question = _question(record, path, number, subject, known)
            if question.id in seen:
                raise InputError(
                    f"id {question.id!r} repeats line {seen[question.id]}", path, number
                )
        except InputError as error:
            if on_invalid is None:
                raise
            on_invalid(error)
            continue
        seen[question.id] = number
        out.append(question)
    return out
