"""Helpers shared by the Lean tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sciglm_lean.config import LeanConfig, resolve_launch

FAKE_REPL = Path(__file__).with_name("fake_repl.py")
STATEMENT = "theorem add_one (x : ℕ) (h : x = 2) : x + 1 = 3 := by sorry"
HONEST = "```lean\ntheorem add_one (x : ℕ) (h : x = 2) : x + 1 = 3 := by\n  subst h\n  rfl\n```"


def make_config(tmp_path: Path, **changes: object) -> LeanConfig:
    """A checker config for tests: short timeouts, project in ``tmp_path``."""
    values: dict = {"project": tmp_path, "proof_timeout": 10.0, "header_timeout": 10.0}
    values.update(changes)
    return LeanConfig(**values)


def events(log: Path, kind: str) -> int:
    """How many ``kind`` events (start, header, proof) the stand-in REPL logged."""
    if not log.exists():
        return 0
    return sum(1 for line in log.read_text().splitlines() if line.split()[1] == kind)


def _lean_missing() -> str | None:
    """Why the real-Lean tests cannot run here (None when they can)."""
    if shutil.which("lake") is None:
        return "needs a Lean toolchain: `lake` is not on PATH"
    launch = resolve_launch(LeanConfig.from_env())
    return launch if isinstance(launch, str) else None


_MISSING = _lean_missing()
requires_lake = pytest.mark.skipif(_MISSING is not None, reason=_MISSING or "")
