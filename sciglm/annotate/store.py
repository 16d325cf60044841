"""The resumable output file: one JSON record per finished question, appended and fsynced.

Opening it repairs a last line torn by a crash and reads the ids already done, so a re-run
skips them; a ``kill -9`` loses at most the questions in flight and never duplicates one.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sciglm.errors import InputError
from sciglm.io.jsonl import JsonlAppender, drop_errors, iter_jsonl, repair_torn_tail

__all__ = ["OutputStore", "brief", "drop_errors", "scan_done"]  # drop_errors: shared with eval

SUMMARY_FIELDS = ("subject", "stage", "correct", "error")


def brief(record: dict[str, Any]) -> dict[str, Any]:
    """The few fields of a record that the run summary needs (trajectories stay on disk)."""
    return {name: record.get(name) for name in SUMMARY_FIELDS}


def scan_done(path: str | os.PathLike[str]) -> dict[str, dict[str, Any]]:
    """Brief records already in the output by id; a bad line names ``file:line``."""
    done: dict[str, dict[str, Any]] = {}
    if not Path(path).exists():
        return done
    for number, record in iter_jsonl(path):
        if "id" not in record:
            raise InputError(
                "output record has no 'id' (is this an annotate output?)", str(path), number
            )
        done[str(record["id"])] = brief(record)
    return done


class OutputStore:
    """Append-only output with the set of ids already written."""

    def __init__(self, path: str | os.PathLike[str], fsync: bool = True) -> None:
        self.path = Path(path)
        self.repaired_bytes = repair_torn_tail(self.path)
        self.done = scan_done(self.path)
        self._fsync = fsync
        self._appender: JsonlAppender | None = None  # opened at the first write
        self._sync_fd = -1

    def is_done(self, question_id: str) -> bool:
        return question_id in self.done

    def write(self, record: dict[str, Any]) -> None:
        """Append one finished question (ids already written are refused, never duplicated)."""
        self.write_batch([record])

    def write_batch(self, records: list[dict[str, Any]]) -> None:
        """Append several records with one fsync (group commit)."""
        if not records:
            return
        if self._appender is None:
            self._appender = JsonlAppender(self.path, fsync=False)
            self._sync_fd = os.open(self.path, os.O_RDONLY)
        for record in records:
            key = str(record["id"])
            if key in self.done:
                raise ValueError(f"question {key!r} already has a record in {self.path}")
            self._appender.write(record)
            self.done[key] = brief(record)
        if self._fsync:
            os.fsync(self._sync_fd)

    def close(self) -> None:
        if self._appender is not None:
            self._appender.close()
            os.close(self._sync_fd)
            self._appender = None

    def __enter__(self) -> OutputStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
