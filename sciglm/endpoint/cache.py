"""A response cache keyed by the full request, so a re-run after a crash repeats no API call.

One SQLite file (WAL mode) beside the output. The key is a SHA-256 of the request body in
canonical JSON (model, messages, temperature, max_tokens …), not of the URL: the embedded
teacher gets a new port every run. All SQLite work happens on one I/O thread, never on the
event loop.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sciglm.errors import SciglmError

SCHEMA = "CREATE TABLE IF NOT EXISTS responses (key TEXT PRIMARY KEY, response TEXT NOT NULL)"


def request_key(body: dict[str, Any]) -> str:
    """A stable hash of a request body."""
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def default_cache_path(output: str | os.PathLike[str]) -> Path:
    """``OUT.jsonl`` → ``OUT.jsonl.cache.sqlite`` in the same folder."""
    output = Path(output)
    return output.with_name(output.name + ".cache.sqlite")


class ResponseCache:
    """Cached completions in SQLite; ``get``/``put`` are awaited, the work runs on ``executor``."""

    def __init__(self, path: str | os.PathLike[str], executor: ThreadPoolExecutor) -> None:
        self.path = Path(path)
        self._executor = executor
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(SCHEMA)
        except sqlite3.Error as exc:
            raise SciglmError(f"{self.path}: cannot open the response cache ({exc})") from exc

    def _get(self, key: str) -> dict[str, Any] | None:
        row = self._db.execute("SELECT response FROM responses WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        try:
            value = json.loads(row[0])
        except ValueError:
            return None
        return value if isinstance(value, dict) and isinstance(value.get("text"), str) else None

    def _put(self, key: str, response: dict[str, Any]) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO responses (key, response) VALUES (?, ?)",
            (key, json.dumps(response, ensure_ascii=False)),
        )

    async def get(self, key: str) -> dict[str, Any] | None:
        """The cached response for ``key``, or ``None``."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, self._get, key)

    def put(self, key: str, response: dict[str, Any]) -> None:
        """Remember ``response`` (a :meth:`Completion.to_dict`) under ``key``.

        Queued on the I/O thread without waiting: the cache only saves calls, the output file
        is the record of what is done, and the one thread keeps puts before later writes.
        """
        self._executor.submit(self._put_quietly, key, response)

    def _put_quietly(self, key: str, response: dict[str, Any]) -> None:
        try:
            self._put(key, response)
        except sqlite3.Error:
            pass  # a full disk or a locked file costs cache hits, never the run

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM responses").fetchone()[0])

    def close(self) -> None:
        self._db.close()
