"""Helpers shared by the Lean tests."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from sciglm_lean.checker import LeanChecker
from sciglm_lean.config import Launch, LeanConfig, resolve_launch
from sciglm_lean.sandbox import find_bwrap, sandbox_problem
from sciglm_lean.trusted import TrustedChecker

FAKE_REPL = Path(__file__).with_name("fake_repl.py")
FAKE_COMPARATOR = Path(__file__).with_name("fake_comparator.py")
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


def fake_trusted(tmp_path: Path, *options: str, timeout: float = 60.0) -> TrustedChecker:
    """The trusted path with the stand-in comparator (sandboxed by the real bubblewrap);
    ``options`` go to the stand-in (see tests/lean/fake_comparator.py)."""
    return TrustedChecker(tmp_path, (sys.executable, str(FAKE_COMPARATOR), *options), timeout)


def make_checker(tmp_path: Path, launch: Launch | str | None, **changes: object) -> LeanChecker:
    """A checker on the stand-in REPL whose trusted path is the stand-in comparator."""
    return LeanChecker(make_config(tmp_path, **changes), launch, fake_trusted(tmp_path))


_NO_SANDBOX = sandbox_problem(find_bwrap())
requires_bwrap = pytest.mark.skipif(_NO_SANDBOX is not None, reason=_NO_SANDBOX or "")


def _trusted_missing() -> str | None:
    """Why the real trusted path cannot run here (None when it can)."""
    missing = _lean_missing()
    if missing is not None:
        return missing
    return TrustedChecker(LeanConfig.from_env().project).problem()


_TRUSTED = _trusted_missing()
requires_trusted = pytest.mark.skipif(_TRUSTED is not None, reason=_TRUSTED or "")
