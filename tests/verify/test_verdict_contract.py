"""The verdict contract: no record field chooses how an answer is judged, and every verdict
says how it came about in a typed status (code never reads the reason's wording)."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path
from typing import Any

from sciglm.hookspecs import hookimpl
from sciglm.records import Verdict, VerdictStatus, VerifyItem
from sciglm.subject import Subject
from sciglm.verify.pool import VerifierPool
from sciglm.verify.worker import verify_one

from .cli_helpers import run_sciglm

HEDGE = "I am not sure, maybe 42 or 7"


def test_a_record_cannot_name_its_scorer() -> None:
    record = {"id": "a", "subject": "math", "response": HEDGE, "reference": "42",
              "scorer": "contains", "benchmark": "gsm8k"}
    item = VerifyItem.from_record(record)
    assert item.scorer is None and item.benchmark is None
    assert "scorer" not in item.extra and "benchmark" not in item.extra
    assert verify_one(item).correct is not True


def test_sciglm_verify_ignores_a_scorer_field(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    lines = [{"id": "s", "subject": "math", "response": HEDGE, "reference": "42",
              "scorer": scorer} for scorer in ("contains", "first-char", "custom")]
    source.write_text("".join(json.dumps(line) + "\n" for line in lines), "utf-8")
    out = tmp_path / "out.jsonl"
    result = run_sciglm("verify", str(source), "-o", str(out))
    assert result.returncode == 0, result.stderr
    verdicts = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [v["correct"] for v in verdicts] == [False, False, False]
    assert {v["status"] for v in verdicts} == {"judged"}
    summary = json.loads(run_sciglm("verify", str(source), "-o", str(tmp_path / "again.jsonl"),
                                    "--json").stdout)
    assert summary["total"]["statuses"] == {"judged": 3}


def test_a_record_can_tighten_the_tolerance_but_never_loosen_it() -> None:
    loose = VerifyItem("p", "physics", r"\boxed{15 m/s}", "10 m/s", extra={"rel_tol": 0.9})
    tight = VerifyItem("p", "physics", r"\boxed{10.4 m/s}", "10 m/s", extra={"rel_tol": 0.01})
    assert verify_one(loose).correct is False
    assert verify_one(tight).correct is False


def test_each_way_a_verdict_comes_about_has_its_status() -> None:
    slow = VerifyItem("t", "math", r"\boxed{" + "+".join(["x"] * 20000) + "}", "1")
    with VerifierPool(1, timeout=0.2) as pool:
        judged, timed = pool.map([VerifyItem("j", "math", r"\boxed{4}", "4"), slow])
    assert judged.status is VerdictStatus.JUDGED and judged.correct is True
    if timed.status is not VerdictStatus.JUDGED:  # a fast machine may finish it in time
        assert timed.status is VerdictStatus.TIMED_OUT and timed.correct is None
    unknown = verify_one(VerifyItem("u", "math", "4", "4", scorer="no-such-scorer"))
    assert unknown.status is VerdictStatus.NOT_RUN and unknown.correct is None
    record = Verdict(None, reason="x", status=VerdictStatus.TIMED_OUT).to_record(
        VerifyItem("r", "math", "4", "4"))
    assert record["status"] == "timed_out"


class _DiesBy(Subject):
    """A subject whose check ends its own process with the signal its response names."""

    name = "dies_by"

    def verify(self, item: VerifyItem) -> Verdict:
        os.kill(os.getpid(), getattr(signal, item.response))
        time.sleep(0.5)
        return Verdict(True)


class _DiesPlugin:
    @hookimpl
    def register_subjects(self, register: Any) -> None:
        register(_DiesBy())


def test_a_worker_killed_from_outside_is_not_run_and_a_crash_is_crashed(
    register_plugin: Any,
) -> None:
    register_plugin(_DiesPlugin(), "dies-by")
    items = [VerifyItem(sig, "dies_by", sig, "x") for sig in ("SIGTERM", "SIGHUP", "SIGKILL")]
    with VerifierPool(1, timeout=30, start_method="fork") as pool:
        verdicts = pool.map(items)
    assert [v.status for v in verdicts] == [
        VerdictStatus.NOT_RUN, VerdictStatus.NOT_RUN, VerdictStatus.CRASHED]
    assert all(v.correct is None for v in verdicts)


def test_ctrl_c_in_the_terminal_does_not_kill_a_check(register_plugin: Any) -> None:
    """SIGINT reaches the worker with the rest of the process group: the check goes on."""
    register_plugin(_DiesPlugin(), "dies-by")
    with VerifierPool(1, timeout=30, start_method="fork") as pool:
        (verdict,) = pool.map([VerifyItem("i", "dies_by", "SIGINT", "x")])
    assert verdict.status is VerdictStatus.JUDGED and verdict.correct is True
