"""The complete lock: every package the tests run with is pinned in constraints.txt, at the
version installed, so a release on PyPI between two CI runs cannot change what CI tests."""

from __future__ import annotations

import importlib.metadata as metadata
import os
import re
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
EXTRAS = ("train", "reward", "rl", "dev")


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _locked() -> dict[str, str]:
    text = (ROOT / "constraints.txt").read_text("utf-8")
    return {_norm(n): v for n, v in re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)$", text, re.M)}


def _closure() -> set[str]:
    """sciglm's installed dependencies with the extras CI installs, transitively."""
    seen: set[str] = set()
    todo = [(req, EXTRAS) for req in metadata.requires("sciglm") or []]
    while todo:
        text, extras = todo.pop()
        req = Requirement(text)
        if req.marker and not any(req.marker.evaluate({"extra": e}) for e in ("", *extras)):
            continue
        name = _norm(req.name)
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = metadata.requires(req.name) or []
        except metadata.PackageNotFoundError:
            continue
        todo += [(r, tuple(req.extras)) for r in requires]
    return seen


pytestmark = pytest.mark.skipif(
    bool(os.environ.get("SCIGLM_TEST_LATEST")),
    reason="scripts/test_latest.sh runs on the newest releases, not the lock",
)


def test_every_installed_dependency_is_locked_at_its_installed_version() -> None:
    locked = _locked()
    closure = _closure()
    assert {"transformers", "openai", "math-verify", "torch", "datasets"} <= closure
    unpinned = sorted(name for name in closure if name not in locked)
    assert not unpinned, f"not in constraints.txt (run scripts/lock.sh): {unpinned}"
    drifted = {
        name: (locked[name], metadata.version(name))
        for name in closure
        if metadata.version(name).split("+")[0] != locked[name]
    }
    assert not drifted, f"installed versions differ from the lock: {drifted}"


def test_the_hand_pins_agree_with_the_lock() -> None:
    locked = _locked()
    pins = re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)$", (ROOT / "pins.txt").read_text(), re.M)
    assert pins, "pins.txt pins nothing"
    for name, version in pins:
        assert locked.get(_norm(name)) == version, name


def test_setup_installs_from_the_lock_and_ci_runs_setup() -> None:
    setup = (ROOT / "scripts" / "setup.sh").read_text()
    installs = [line for line in setup.splitlines() if "pip install" in line]
    assert installs and all("-c constraints.txt" in line for line in installs)
    assert "scripts/setup.sh" in (ROOT / "scripts" / "test.sh").read_text()
    assert "scripts/test.sh" in (ROOT / ".ci" / "run").read_text()
