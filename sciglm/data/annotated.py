"""Reading annotated records (the output of ``sciglm annotate``) with ``file:line`` errors."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sciglm.errors import InputError
from sciglm.io.jsonl import iter_jsonl


@dataclass
class Annotated:
    """One annotated record plus where it came from; ``record`` is kept unchanged for output."""

    record: dict[str, Any]
    path: str
    line: int
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def question(self) -> str:
        return self.record["question"]

    @property
    def response(self) -> str:
        value = self.record.get("response")
        return value if isinstance(value, str) else ""

    @property
    def subject(self) -> str:
        return str(self.record.get("subject") or "")

    @property
    def source(self) -> str:
        return str(self.record.get("source") or Path(self.path).stem)


def check_record(record: dict[str, Any], path: str, line: int) -> None:
    """Raise :class:`InputError` at ``path:line`` when a record lacks what filtering needs."""
    if not isinstance(record.get("question"), str) or not record["question"].strip():
        raise InputError("record has no 'question' text", path, line)
    if record.get("response") is not None and not isinstance(record["response"], str):
        raise InputError("'response' must be text or null", path, line)
    if "correct" in record and record["correct"] not in (True, False, None):
        raise InputError(f"'correct' must be true, false or null, got {record['correct']!r}",
                         path, line)


def iter_annotated(path: str | os.PathLike[str]) -> Iterator[Annotated]:
    """Annotated records of a JSONL file, each checked; the first bad line stops with its place."""
    path = str(path)
    if not Path(path).is_file():
        raise InputError("no such file", path)
    for line, record in iter_jsonl(path):
        check_record(record, path, line)
        if "id" not in record:
            record["id"] = f"{Path(path).stem}:{line}"
        yield Annotated(record, path, line)


def rejected_record(item: Annotated, step: str, reason: str) -> dict[str, Any]:
    """The record as written to the rejected file: unchanged, plus why and where it was dropped."""
    return {**item.record, "rejected": {"step": step, "reason": reason,
                                        "input": f"{item.path}:{item.line}"}}
