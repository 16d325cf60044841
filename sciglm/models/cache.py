"""The conversion cache: original checkpoints converted once, kept under
``$SCIGLM_CACHE/models/converted/KEY`` (default ``~/.cache/sciglm``), KEY naming the source, its
revision and the converter version.

An entry is built in ``KEY.partial-PID`` and renamed into place only when complete, its
``sciglm-model.json`` written last, so a killed conversion never leaves a folder that reads as
complete. A file lock (``KEY.lock``, released by the OS if its holder dies) makes concurrent
first uses — e.g. the ranks of a DeepSpeed launch — convert once while the others wait.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sciglm.errors import SciglmError
from sciglm.models.embedded import cache_dir

META_FILE = "sciglm-model.json"
CONVERTER_FILES = ("convert_chatglm3.py", "chatglm_tokenizer.py")


def root() -> Path:
    """The folder holding every converted model."""
    return cache_dir() / "models" / "converted"


def converter_version() -> str:
    """A short digest of the ChatGLM converter's source: a changed converter gets new entries."""
    import sciglm.train.convert_chatglm3 as module

    folder = Path(module.__file__).parent
    digest = hashlib.sha256()
    for name in CONVERTER_FILES:
        path = folder / name
        if path.is_file():
            digest.update(name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:8]


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def is_complete(entry: Path) -> bool:
    """Whether ``entry`` is a finished conversion (its metadata is written last)."""
    return (entry / META_FILE).is_file() and (entry / "config.json").is_file()


def say(message: str) -> None:
    print(f"sciglm: {message}", file=sys.stderr, flush=True)


def ensure(key: str, meta: dict[str, Any], build: Callable[[Path], None]) -> Path:
    """The complete entry ``key``, built with ``build(tmp_folder)`` under a lock if missing."""
    from filelock import FileLock, Timeout

    base = root()
    entry = base / key
    if is_complete(entry):
        return entry
    base.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(base / f"{key}.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        say(f"waiting for another process converting {meta.get('source')} (lock {lock.lock_file})")
        lock.acquire()
    try:
        if is_complete(entry):
            return entry
        for stale in [*base.glob(f"{key}.partial-*"), entry]:
            if stale.exists():  # left by a killed conversion (or an entry missing its metadata)
                shutil.rmtree(stale, ignore_errors=True)
        tmp = base / f"{key}.partial-{os.getpid()}"
        tmp.mkdir()
        start = time.monotonic()
        try:
            build(tmp)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)  # a failed conversion leaves nothing behind
            raise
        info = {**meta, "key": key, "size_bytes": folder_size(tmp),
                "converted_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "seconds": round(time.monotonic() - start, 1)}
        (tmp / META_FILE).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, entry)
        return entry
    finally:
        lock.release()


def entries() -> list[dict[str, Any]]:
    """Metadata of every complete entry (``path`` added), by source then key."""
    found = []
    base = root()
    if base.is_dir():
        for entry in sorted(base.iterdir()):
            if not entry.is_dir() or not is_complete(entry):
                continue
            try:
                info = json.loads((entry / META_FILE).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if isinstance(info, dict):
                found.append({**info, "path": str(entry)})
    return sorted(found, key=lambda e: (str(e.get("source")), str(e.get("key"))))


def matching(name: str) -> list[dict[str, Any]]:
    """Entries whose key or source is ``name`` (a source matches all its revisions)."""
    key = name.strip().lower()
    return [e for e in entries()
            if key in (str(e.get("key", "")).lower(), str(e.get("source", "")).lower())]


def remove(entry: dict[str, Any]) -> None:
    """Delete one entry (under its lock, so a conversion in progress is not cut short)."""
    from filelock import FileLock

    path = Path(entry["path"])
    if path.parent != root():
        raise SciglmError(f"{path}: not inside the conversion cache {root()}")
    with FileLock(str(root() / f"{path.name}.lock")):
        shutil.rmtree(path)


def stale_partials() -> list[Path]:
    """Unfinished conversions nobody is working on (their lock is free)."""
    from filelock import FileLock, Timeout

    found = []
    base = root()
    for partial in sorted(base.glob("*.partial-*")) if base.is_dir() else []:
        key = partial.name.split(".partial-", 1)[0]
        lock = FileLock(str(base / f"{key}.lock"))
        try:
            lock.acquire(timeout=0)
        except Timeout:
            continue
        lock.release()
        found.append(partial)
    return found
