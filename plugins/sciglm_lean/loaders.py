"""Question loaders for Lean: miniF2F-style statement JSONL and LeanDojo benchmark records."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sciglm.errors import InputError
from sciglm.io.jsonl import iter_jsonl
from sciglm.records import Question
from sciglm_lean.dojo import FIELDS


def _rows(path: str | os.PathLike[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    """Rows of a JSONL file, or of a JSON file holding a list (LeanDojo benchmark splits)."""
    path = Path(path)
    if not path.exists():
        raise InputError("no such file", str(path))
    if path.suffix == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise InputError(f"invalid JSON: {exc.msg}", str(path), exc.lineno) from exc
        if not isinstance(data, list):
            raise InputError("expected a JSON list of records", str(path))
        yield from enumerate(data, start=1)
        return
    yield from iter_jsonl(path)


def load_statements(
    path: str | os.PathLike[str], split: str | None = None, source: str = "lean"
) -> Iterator[Question]:
    """Lean 4 statements: ``statement`` (through ``:= by sorry``), optional ``name``/``id``,
    ``header`` and ``split`` (miniF2F's fields). ``split`` keeps one split only."""
    for number, row in _rows(path):
        statement = row.get("statement") or row.get("formal_statement")
        if not isinstance(statement, str) or not statement.strip():
            raise InputError("record has no 'statement' (Lean theorem text)", str(path), number)
        if split and row.get("split") != split:
            continue
        name = row.get("name") or row.get("id") or f"{Path(path).stem}:{number}"
        header = row.get("header") if isinstance(row.get("header"), str) else None
        yield Question(
            id=str(name),
            subject="lean",
            question=statement,
            source=source,
            meta={"statement": statement, "header": header, "split": row.get("split")},
        )


def load_minif2f(path: str | os.PathLike[str], split: str | None = None) -> Iterator[Question]:
    """miniF2F in Lean 4 (``minif2f-lean4/minif2f.jsonl`` of a data mirror)."""
    return load_statements(path, split, source="minif2f")


def load_leandojo(path: str | os.PathLike[str]) -> Iterator[Question]:
    """LeanDojo benchmark records (``full_name``, ``file_path``, ``url``, ``commit``)."""
    for number, row in _rows(path):
        missing = [k for k in FIELDS if not isinstance(row.get(k), str) or not row.get(k)]
        if missing:
            raise InputError(f"LeanDojo record lacks {', '.join(missing)}", str(path), number)
        statement = row.get("theorem_statement") or row.get("statement") or row["full_name"]
        yield Question(
            id=row["full_name"],
            subject="lean",
            question=str(statement),
            source="leandojo",
            meta={k: row[k] for k in FIELDS} | {"start": row.get("start"), "end": row.get("end")},
        )
