"""Generic question loading from local JSONL/JSON/CSV/Parquet files through ``datasets``."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from sciglm.errors import InputError
from sciglm.io.jsonl import iter_jsonl
from sciglm.io.text import iter_text_lines
from sciglm.records import Question

FORMATS = {".jsonl": "json", ".json": "json", ".csv": "csv", ".parquet": "parquet"}


def iter_rows(path: str | os.PathLike[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(row_number, row)`` for a local data file. JSONL is read line by line (errors name
    ``file:line``); JSON, CSV and Parquet go through ``datasets``."""
    path = Path(path)
    if not path.exists():
        raise InputError("no such file", str(path))
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        yield from iter_jsonl(path)
        return
    if suffix not in FORMATS:
        raise InputError(f"unsupported file type {suffix!r} (use {', '.join(FORMATS)})", str(path))
    if FORMATS[suffix] != "parquet":  # bytes that are not UTF-8 stop at their line, not deep in
        for _ in iter_text_lines(path):  # datasets with a message that names neither
            pass
    import datasets

    datasets.disable_progress_bars()
    datasets.logging.set_verbosity_error()  # its own log of the failure would be a second line
    try:
        table = datasets.load_dataset(FORMATS[suffix], data_files=str(path), split="train")
    except Exception as exc:  # noqa: BLE001 - datasets raises many kinds
        raise InputError(f"cannot read as {FORMATS[suffix]}: {exc}", str(path)) from exc
    for number, row in enumerate(table, start=1):
        yield number, dict(row)


def load_mapped(
    path: str | os.PathLike[str],
    subject: str,
    fields: dict[str, str] | None = None,
    source: str | None = None,
) -> Iterable[Question]:
    """Questions from any local file, with ``fields`` mapping our names to the file's columns.

    Our names: ``id``, ``question``, ``reference``, ``choices``, ``subject``, ``solution``.
    A row without question text raises an error naming ``file:row``.
    """
    mapping = {
        "id": "id",
        "question": "question",
        "reference": "reference",
        "choices": "choices",
        "subject": "subject",
        "solution": "solution",
    }
    mapping.update(fields or {})
    source = source or Path(path).stem
    for number, row in iter_rows(path):
        text = row.get(mapping["question"])
        if not isinstance(text, str) or not text.strip():
            raise InputError(
                f"no question text in field {mapping['question']!r}", str(path), number
            )
        reference = row.get(mapping["reference"])
        choices = row.get(mapping["choices"])
        used = set(mapping.values())
        yield Question(
            id=str(row.get(mapping["id"]) or f"{source}-{number}"),
            subject=str(row.get(mapping["subject"]) or subject),
            question=text,
            reference=None if reference is None else str(reference),
            choices=[str(c) for c in choices] if isinstance(choices, list) else None,
            source=source,
            solution=row.get(mapping["solution"])
            if isinstance(row.get(mapping["solution"]), str)
            else None,
            meta={k: v for k, v in row.items() if k not in used},
        )
