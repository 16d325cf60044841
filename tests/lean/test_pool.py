"""Lean checks in the one verifier pool (sciglm/verify/pool.py), against the stand-in REPL.

Each pool worker keeps one LeanChecker (one REPL process) for its life: the header is loaded once
per worker, a hanging proof costs its timeout, a crash or a memory blow-up restarts the REPL.
The sandbox is switched off here (SCIGLM_LEAN_BWRAP=""), so a proof the REPL accepts comes back
``null`` with ``details["repl"] == "accepted"``; tests/lean/test_checker.py covers ``true``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sciglm_lean

from sciglm import plugins
from sciglm.records import Verdict, VerifyItem
from sciglm.verify.pool import VerifierPool
from tests.lean.helpers import FAKE_COMPARATOR, FAKE_REPL, STATEMENT, events

OK = "  subst h\n  rfl"


@pytest.fixture
def lean_env(tmp_path: Path, fake_log: Path, register_plugin, monkeypatch) -> Path:  # type: ignore[no-untyped-def]
    """The lean plugin registered and its settings in the environment the workers inherit."""
    plugins.load_plugins()  # entry points first: registering before them would hide "lean"
    if not plugins.pm.is_registered(sciglm_lean):  # not installed by entry point here?
        register_plugin(sciglm_lean, "lean")
    monkeypatch.setenv("SCIGLM_LEAN_REPL", f"{sys.executable} {FAKE_REPL} --log {fake_log}")
    monkeypatch.setenv("SCIGLM_LEAN_PROJECT", str(tmp_path))
    monkeypatch.setenv("SCIGLM_LEAN_COMPARATOR", f"{sys.executable} {FAKE_COMPARATOR}")
    monkeypatch.setenv("SCIGLM_LEAN_BWRAP", "")
    monkeypatch.setenv("SCIGLM_LEAN_UNSANDBOXED", "1")  # the REPL stage without a sandbox
    monkeypatch.setenv("SCIGLM_LEAN_TIMEOUT", "10")
    monkeypatch.setenv("SCIGLM_LEAN_HEADER_TIMEOUT", "10")
    return fake_log


def item(marker: str = "", index: int = 0) -> VerifyItem:
    response = OK + (f"\n  -- {marker}" if marker else "")
    return VerifyItem(str(index), "lean", response, extra={"statement": STATEMENT})


def accepted(verdict: Verdict) -> bool:
    """The REPL stage passed (the trusted stage cannot run without the sandbox)."""
    return verdict.correct is None and verdict.details.get("repl") == "accepted"


def check(items: list[VerifyItem], workers: int = 1) -> list[Verdict]:
    with VerifierPool(workers, start_method="fork") as pool:
        return pool.map(items)


def test_header_loaded_once_per_worker_and_order_kept(lean_env: Path) -> None:
    markers = ["SLOW", "", "FAKE_ERROR", "SLOW FAKE_ERROR", "", "SLOW", "FAKE_ERROR", ""] * 2
    verdicts = check([item(m, i) for i, m in enumerate(markers)], workers=2)
    assert [accepted(v) for v in verdicts] == [("FAKE_ERROR" not in m) for m in markers]
    assert all(
        v.correct is False for v, m in zip(verdicts, markers, strict=True) if "FAKE_ERROR" in m
    )
    assert "no sandbox" in verdicts[1].reason
    assert events(lean_env, "start") == 2
    assert events(lean_env, "header") == 2
    assert events(lean_env, "proof") == len(markers)


@pytest.mark.slow
def test_a_hanging_proof_costs_its_timeout_and_nothing_else(lean_env: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SCIGLM_LEAN_TIMEOUT", "1")
    started = time.monotonic()
    verdicts = check([item(), item("HANG"), item(), item()])
    elapsed = time.monotonic() - started
    assert [accepted(v) for v in verdicts] == [True, False, True, True]
    assert verdicts[1].correct is None and "timed out after 1s" in verdicts[1].reason
    assert elapsed < 15
    assert events(lean_env, "start") == 2  # restarted once, header loaded again
    assert events(lean_env, "header") == 2


@pytest.mark.slow
def test_crash_and_memory_blowup_restart_the_repl(lean_env: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SCIGLM_LEAN_MEMORY_MB", "300")
    verdicts = check([item("CRASH"), item(), item("BLOWUP"), item()])
    assert [accepted(v) for v in verdicts] == [False, True, False, True]
    assert verdicts[0].correct is None and "exit code 3" in verdicts[0].reason
    assert verdicts[2].correct is None and "MemoryError" in verdicts[2].reason
    assert events(lean_env, "start") == 3


@pytest.mark.slow
def test_recycling_after_k_proofs(lean_env: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SCIGLM_LEAN_RECYCLE", "3")
    assert all(accepted(v) for v in check([item() for _ in range(7)]))
    assert events(lean_env, "start") == 3 and events(lean_env, "header") == 3


def test_repl_dies_with_its_client(tmp_path: Path) -> None:
    """A client killed mid-proof (e.g. by the verify pool's timeout) leaves no REPL behind."""
    pid_file = tmp_path / "pid"
    script = (
        "import sys, pathlib\n"
        "from sciglm_lean.repl import ReplProcess\n"
        f"p = ReplProcess([sys.executable, {str(FAKE_REPL)!r}])\n"
        "p.start()\n"
        f"pathlib.Path({str(pid_file)!r}).write_text(str(p.pid))\n"
        "p.send({'cmd': 'HANG'}, timeout=60)\n"
    )
    client = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.monotonic() + 20
    while not pid_file.exists() or not pid_file.read_text():
        assert time.monotonic() < deadline, "client did not start the REPL"
        time.sleep(0.05)
    repl_pid = int(pid_file.read_text())
    time.sleep(0.5)
    client.kill()
    client.wait()
    deadline = time.monotonic() + 5
    while _alive(repl_pid):
        assert time.monotonic() < deadline, "REPL outlived its client"
        time.sleep(0.05)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie waiting for init to reap it counts as dead
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split()[2] != "Z"
    except OSError:
        return False
