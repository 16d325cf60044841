"""The sha256 of the trusted binaries, recorded by ``sciglm lean setup`` and checked before each
trusted run: a binary changed since (by anything that could write there) is not trusted."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

RECORD = "sciglm-trusted.json"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def record_path(project: Path) -> Path:
    return project / ".lake" / RECORD


def record(project: Path, binaries: list[Path]) -> Path:
    """Write the sha256 of each of ``binaries`` into the project's record."""
    path = record_path(project)
    path.parent.mkdir(parents=True, exist_ok=True)
    hashes = {str(b.resolve()): sha256(b) for b in binaries}
    path.write_text(json.dumps(hashes, indent=1) + "\n", encoding="utf-8")
    return path


def changed(project: Path, binaries: list[Path]) -> str | None:
    """None when every one of ``binaries`` has its recorded sha256, else what differs."""
    path = record_path(project)
    try:
        hashes = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return f"no record of the trusted binaries' sha256 ({path}: {exc}); run `sciglm lean setup`"
    for binary in binaries:
        want = hashes.get(str(binary.resolve())) if isinstance(hashes, dict) else None
        if want is None:
            return f"{binary} has no recorded sha256; run `sciglm lean setup`"
        if sha256(binary) != want:
            return f"{binary} changed since `sciglm lean setup` (sha256 differs)"
    return None
