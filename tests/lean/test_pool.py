"""Verdict logic and the process pool, against a stand-in REPL process (no Lean needed)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from sciglm_lean.checker import LeanChecker
from sciglm_lean.config import Launch
from sciglm_lean.pool import LeanPool, ProofJob

from tests.lean.helpers import FAKE_REPL, STATEMENT, events, make_config

OK = "  subst h\n  rfl"


def job(marker: str = "") -> ProofJob:
    return ProofJob(STATEMENT, OK + (f"\n  -- {marker}" if marker else ""))


def test_lean_verdicts_follow_what_lean_said(tmp_path: Path, fake_launch: Launch) -> None:
    checker = LeanChecker(make_config(tmp_path), launch=fake_launch)
    try:
        good = checker.check(STATEMENT, OK)
        assert good.correct is True and good.details["axioms"] == [
            "propext",
            "Classical.choice",
            "Quot.sound",
        ]
        error = checker.check(STATEMENT, OK + "\n  -- FAKE_ERROR")
        assert error.correct is False and "linarith failed" in error.reason
        assert error.details["goals"] == ["x : ℕ\n⊢ x + 1 = 3"]
        assert checker.check(STATEMENT, OK + " -- FAKE_SORRY").correct is False
        axiom = checker.check(STATEMENT, OK + " -- FAKE_AXIOM")
        assert axiom.correct is False and "fake_axiom" in axiom.reason
        sorry_ax = checker.check(STATEMENT, OK + " -- FAKE_SORRYAX")
        assert sorry_ax.correct is False and "sorry" in sorry_ax.reason
        wrong = checker.check(STATEMENT, OK + " -- WRONG_TYPE")
        assert wrong.correct is False and "not the asked statement" in wrong.reason
        assert checker.starts == 1 and checker.header_loads == 1
    finally:
        checker.close()


def test_header_loaded_once_per_worker_and_order_kept(
    tmp_path: Path, fake_launch: Launch, fake_log: Path
) -> None:
    markers = ["SLOW", "", "FAKE_ERROR", "SLOW FAKE_ERROR", "", "SLOW", "FAKE_ERROR", ""] * 2
    with LeanPool(2, make_config(tmp_path), launch=fake_launch) as pool:
        verdicts = pool.map([job(m) for m in markers])
    assert [v.correct for v in verdicts] == [("FAKE_ERROR" not in m) for m in markers]
    assert events(fake_log, "start") == 2
    assert events(fake_log, "header") == 2
    assert events(fake_log, "proof") == len(markers)


def test_header_reuse_off_reimports_for_every_proof(
    tmp_path: Path, fake_launch: Launch, fake_log: Path
) -> None:
    with LeanPool(1, make_config(tmp_path, reuse_header=False), launch=fake_launch) as pool:
        assert all(v.correct for v in pool.map([job() for _ in range(3)]))
    assert events(fake_log, "header") == 3


def test_a_hanging_proof_costs_its_timeout_and_nothing_else(
    tmp_path: Path, fake_launch: Launch, fake_log: Path
) -> None:
    config = make_config(tmp_path, proof_timeout=1.0)
    with LeanPool(1, config, launch=fake_launch) as pool:
        started = time.monotonic()
        verdicts = pool.map([job(), job("HANG"), job(), job()])
        elapsed = time.monotonic() - started
    assert [v.correct for v in verdicts] == [True, None, True, True]
    assert "timed out after 1s" in verdicts[1].reason
    assert elapsed < 8
    assert events(fake_log, "start") == 2  # restarted once, header loaded again
    assert events(fake_log, "header") == 2


def test_crash_and_memory_blowup_restart_the_repl(
    tmp_path: Path, fake_launch: Launch, fake_log: Path
) -> None:
    config = make_config(tmp_path, memory_mb=300)
    with LeanPool(1, config, launch=fake_launch) as pool:
        verdicts = pool.map([job("CRASH"), job(), job("BLOWUP"), job()])
    assert [v.correct for v in verdicts] == [None, True, None, True]
    assert "exit code 3" in verdicts[0].reason
    assert "MemoryError" in verdicts[2].reason
    assert events(fake_log, "start") == 3


def test_a_repl_that_died_while_idle_is_replaced_transparently(
    tmp_path: Path, fake_launch: Launch, fake_log: Path
) -> None:
    checker = LeanChecker(make_config(tmp_path), launch=fake_launch)
    try:
        assert checker.check(STATEMENT, OK).correct is True
        os.killpg(checker._process.pid, 9)
        time.sleep(0.2)
        assert checker.check(STATEMENT, OK).correct is True
        assert checker.starts == 2 and events(fake_log, "header") == 2
    finally:
        checker.close()


def test_recycling_after_k_proofs(tmp_path: Path, fake_launch: Launch, fake_log: Path) -> None:
    with LeanPool(1, make_config(tmp_path, recycle_after=3), launch=fake_launch) as pool:
        assert all(v.correct for v in pool.map([job() for _ in range(7)]))
        assert pool.starts == 3
    assert events(fake_log, "start") == 3 and events(fake_log, "header") == 3


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
