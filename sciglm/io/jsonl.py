"""JSONL reading that names ``file:line`` for a malformed line, and crash-safe appending."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sciglm.errors import InputError
from sciglm.io.text import decode_line, display_name, not_utf8, open_input

OnInvalid = Callable[[InputError], None]


def iter_jsonl(
    path: str | os.PathLike[str], on_invalid: OnInvalid | None = None
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line_number, object)`` for each non-blank line of a JSONL file (``-``: stdin).

    A line that is not a JSON object raises :class:`InputError` naming ``file:line``, or,
    when ``on_invalid`` is given, is passed to it and skipped.
    """
    with open_input(str(path)) as handle:
        path = display_name(str(path))
        for number, raw in enumerate(handle, start=1):
            try:
                line = decode_line(raw, number)
            except UnicodeDecodeError as exc:
                error = not_utf8(exc, path, number)
            else:
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    error = InputError(
                        f"not valid JSON ({exc.msg} at column {exc.colno})", path, number
                    )
                else:
                    if isinstance(obj, dict):
                        yield number, obj
                        continue
                    error = InputError(
                        f"expected a JSON object, got {type(obj).__name__}", path, number
                    )
            if on_invalid is None:
                raise error
            on_invalid(error)


def read_jsonl(
    path: str | os.PathLike[str], on_invalid: OnInvalid | None = None
) -> list[dict[str, Any]]:
    """All objects of a JSONL file (see :func:`iter_jsonl`)."""
    return [obj for _, obj in iter_jsonl(path, on_invalid)]


def dumps(record: dict[str, Any]) -> str:
    """One JSONL line (no newline), UTF-8 text kept readable."""
    return json.dumps(record, ensure_ascii=False, separators=(", ", ": "))


def write_jsonl(path: str | os.PathLike[str], records: list[dict[str, Any]]) -> None:
    """Write records atomically: a temporary file renamed over ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        for record in records:
            handle.write(dumps(record) + "\n")
    os.replace(tmp, path)


def repair_torn_tail(path: str | os.PathLike[str]) -> int:
    """Cut a last line that was torn by a crash (no newline, or not JSON); return bytes cut."""
    path = Path(path)
    if not path.exists():
        return 0
    data = path.read_bytes()
    if not data:
        return 0
    keep = len(data)
    if not data.endswith(b"\n"):
        keep = data.rfind(b"\n") + 1
    else:
        last_start = data.rfind(b"\n", 0, len(data) - 1) + 1
        try:
            json.loads(data[last_start:])
        except ValueError:
            keep = last_start
    if keep == len(data):
        return 0
    with open(path, "r+b") as handle:
        handle.truncate(keep)
    return len(data) - keep


class JsonlAppender:
    """Append records one per line, flushed (and fsynced) as each one is written.

    Opening repairs a torn last line left by a crash, so a ``kill -9`` at any moment loses
    at most the record being written and never corrupts the file.
    """

    def __init__(self, path: str | os.PathLike[str], fsync: bool = True) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.repaired_bytes = repair_torn_tail(self.path)
        self._fsync = fsync
        self._handle = open(self.path, "a", encoding="utf-8")

    def write(self, record: dict[str, Any]) -> None:
        self._handle.write(dumps(record) + "\n")
        self._handle.flush()
        if self._fsync:
            os.fsync(self._handle.fileno())

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> JsonlAppender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def drop_errors(path: str | os.PathLike[str]) -> int:
    """Rewrite a run's output without the records that carry an ``error`` (a failed request);
    return how many were dropped.

    Used by ``--retry-errors`` (annotate, eval): those items run again and get exactly one
    record each. The rewrite is atomic (a temporary file renamed over the output).
    """
    path = Path(path)
    if not path.exists():
        return 0
    repair_torn_tail(path)
    records = [record for _, record in iter_jsonl(path)]
    kept = [record for record in records if not record.get("error")]
    if len(kept) < len(records):
        write_jsonl(path, kept)
    return len(records) - len(kept)
