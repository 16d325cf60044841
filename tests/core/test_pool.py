"""The verifier pool: order kept, a hang costs its timeout, crashes and memory are contained."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from sciglm.hookspecs import hookimpl
from sciglm.records import Verdict, VerifyItem
from sciglm.subject import Subject
from sciglm.verify.pool import VerifierPool


class Misbehaving(Subject):
    """Equal strings are correct; some responses hang, crash or eat memory."""

    name = "misbehaving"

    def verify(self, item: VerifyItem) -> Verdict:
        if item.response == "hang":  # sleeps, so the measured cost is the pool's, not the CPU's
            time.sleep(3600)
        if item.response == "spin":
            while True:
                pass
        if item.response == "crash":
            os._exit(3)
        if item.response == "memory":
            bytearray(8 * 1024**3)
        if item.response == "raise":
            raise ValueError("bad input")

        return Verdict(item.response == item.reference, item.response, "")


class Plugin:
    @hookimpl
    def register_subjects(self, register):  # type: ignore[no-untyped-def]
        register(Misbehaving())


@pytest.fixture
def subject(register_plugin) -> None:  # type: ignore[no-untyped-def]
    register_plugin(Plugin(), "misbehaving")


def items(responses: list[str]) -> list[VerifyItem]:
    return [VerifyItem(str(i), "misbehaving", r, "a") for i, r in enumerate(responses)]


def test_order_and_verdicts(subject: None) -> None:
    responses = ["a", "b"] * 20
    with VerifierPool(2, timeout=5, start_method="fork") as pool:
        verdicts = pool.map(items(responses))
    assert [v.correct for v in verdicts] == [r == "a" for r in responses]
    assert all(v.seconds >= 0 for v in verdicts)


def _timed_map(responses: list[str]) -> tuple[list, int, float]:
    started = time.monotonic()
    with VerifierPool(2, timeout=1.0, start_method="fork") as pool:
        verdicts = pool.map(items(responses))
    # read once the pool has stopped: a timed-out check's verdict is handed out just before
    # its worker is replaced (and counted)
    return verdicts, pool.restarts, time.monotonic() - started


def test_hang_costs_its_timeout_only(subject: None) -> None:
    """Two hanging checks cost at most their two timeouts on top of the same run without them
    (measured beside it, so a loaded machine slows both alike)."""
    _, _, baseline = _timed_map(["a", "b", "a", "a", "b", "b", "a"])
    verdicts, restarts, elapsed = _timed_map(["a", "hang", "a", "a", "hang", "b", "a"])
    assert [v.correct for v in verdicts] == [True, None, True, True, None, False, True]
    assert verdicts[1].reason == "timed out after 1s"
    assert restarts == 2
    assert elapsed < baseline + 2 * 1.0 + 2.5, (elapsed, baseline)


def test_a_spinning_check_is_stopped_at_its_timeout(subject: None) -> None:
    with VerifierPool(1, timeout=1.0, start_method="fork") as pool:
        verdicts = pool.map(items(["spin", "a"]))
    assert verdicts[0].correct is None and verdicts[0].reason == "timed out after 1s"
    assert verdicts[1].correct is True


def test_crash_memory_and_exceptions_become_undecided(subject: None) -> None:
    responses = ["crash", "a", "memory", "raise", "a"]
    with VerifierPool(1, timeout=20, memory_mb=1024, start_method="fork") as pool:
        verdicts = pool.map(items(responses))
    assert verdicts[0].correct is None and "died (exit code 3)" in verdicts[0].reason
    assert verdicts[1].correct is True
    assert verdicts[2].correct is None and "memory" in verdicts[2].reason
    assert verdicts[3].correct is None and "ValueError: bad input" in verdicts[3].reason
    assert verdicts[4].correct is True


def test_recycling_keeps_results(subject: None) -> None:
    with VerifierPool(1, timeout=5, recycle_after=3, start_method="fork") as pool:
        verdicts = pool.map(items(["a"] * 10))
        assert pool.restarts >= 2
    assert all(v.correct for v in verdicts)


def test_unknown_subject_is_undecided(subject: None) -> None:
    with VerifierPool(1, timeout=5, start_method="fork") as pool:
        (verdict,) = pool.map([VerifyItem("x", "nope", "a", "a")])
    assert verdict.correct is None and "unknown subject 'nope'" in verdict.reason


class SlowStart(Subject):
    """A subject whose per-worker warm-up takes longer than one check may."""

    name = "slow_start"

    def warmup(self) -> None:
        time.sleep(1.5)

    def verify(self, item: VerifyItem) -> Verdict:
        return Verdict(item.response == item.reference, item.response, "")


class SlowStartPlugin:
    @hookimpl
    def register_subjects(self, register):  # type: ignore[no-untyped-def]
        register(SlowStart())


def test_worker_start_up_does_not_count_against_a_check(register_plugin) -> None:  # type: ignore[no-untyped-def]
    register_plugin(SlowStartPlugin(), "slow_start")
    with VerifierPool(1, timeout=0.5, start_method="fork") as pool:
        (verdict,) = pool.map([VerifyItem("1", "slow_start", "a", "a")])
    assert verdict.correct is True, verdict.reason


class SlowToWarm(Subject):
    """Takes 3 s to warm up (its libraries) and 1.5 s per check."""

    name = "slow_to_warm"

    def warmup(self) -> None:
        time.sleep(3.0)

    def verify(self, item: VerifyItem) -> Verdict:
        time.sleep(1.5)
        return Verdict(True, item.response, "")


class SlowPlugin:
    @hookimpl
    def register_subjects(self, register):  # type: ignore[no-untyped-def]
        register(SlowToWarm())


def test_cold_worker_checks_get_the_grace_until_it_is_warm(register_plugin) -> None:  # type: ignore[no-untyped-def]
    """A cold worker takes checks while it loads its libraries in the background; until it
    says it is warm its checks are not cut at their timeout (``COLD_GRACE``), then they are."""
    register_plugin(SlowPlugin(), "slow-to-warm")
    slow = [VerifyItem("1", "slow_to_warm", "x", "x")]
    with VerifierPool(1, timeout=0.5, start_method="fork", warm=False) as pool:
        (first,) = pool.map(slow)  # before the worker has warmed up
        deadline = time.monotonic() + 60
        while pool.warming and time.monotonic() < deadline:
            time.sleep(0.05)
        assert pool.warming == 0  # the worker said it is warm, and the pool heard it
        (later,) = pool.map(slow)
    assert first.correct is True
    assert later.correct is None and later.reason == "timed out after 0.5s"
    with VerifierPool(1, timeout=0.5, start_method="fork", warm=True) as pool:
        (warm,) = pool.map(slow)
    assert warm.correct is None


FORK_FIRST = textwrap.dedent("""
    import json, os, sys, threading
    from sciglm import plugins, registry
    from sciglm.records import Verdict, VerifyItem
    from sciglm.subject import Subject
    from sciglm.hookspecs import hookimpl
    from sciglm.verify.pool import VerifierPool

    class Parent(Subject):
        name = "parent_pid"
        def verify(self, item):
            return Verdict(True, str(os.getppid()), "")

    class Plugin:
        @hookimpl
        def register_subjects(self, register):
            register(Parent())

    if __name__ == "__main__":
        plugins.pm.register(Plugin(), name="parent-pid")
        registry.subjects()
        stop = threading.Event()
        if sys.argv[1] == "threaded":
            threading.Thread(target=stop.wait, daemon=True).start()
        with VerifierPool(1, timeout=60, warm=False, fork_first=True) as pool:
            (verdict,) = pool.map([VerifyItem("1", "parent_pid", "x", "x")])
        stop.set()
        print(json.dumps({"pid": os.getpid(), "predicted": verdict.predicted,
                          "reason": verdict.reason}))
""")


def _fork_first(tmp_path: Path, mode: str) -> dict[str, object]:
    script = tmp_path / "fork_first.py"
    script.write_text(FORK_FIRST, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), mode], capture_output=True, text=True,
                          timeout=120, check=True)
    return json.loads(done.stdout)


def test_fork_first_forks_the_workers_from_a_single_threaded_caller(tmp_path: Path) -> None:
    """Its plugins (here one registered in-process) come along; no fork server starts."""
    probe = _fork_first(tmp_path, "single")
    assert probe["predicted"] == str(probe["pid"]), probe


def test_fork_first_uses_the_fork_server_when_the_caller_runs_threads(tmp_path: Path) -> None:
    """Forking a threaded process could copy a held lock: the fork server's workers know only
    the installed plugins, not the one registered in this process."""
    probe = _fork_first(tmp_path, "threaded")
    assert probe["predicted"] is None and "unknown subject 'parent_pid'" in str(probe["reason"])


class AlarmResettingSubject(Subject):
    """Warms up as math-verify times itself: ``signal.alarm`` then ``alarm(0)``."""

    name = "alarm_reset"

    def warmup(self) -> None:
        import signal

        signal.alarm(30)
        signal.alarm(0)

    def verify(self, item: VerifyItem) -> Verdict:
        return Verdict(True, item.response, "")


class _AlarmResetPlugin:
    @hookimpl
    def register_subjects(self, register):  # type: ignore[no-untyped-def]
        register(AlarmResettingSubject())


def test_a_fork_pool_keeps_the_callers_alarm_timer(register_plugin) -> None:  # type: ignore[no-untyped-def]
    """The subjects warm up in the caller before a fork pool starts; a warm-up that cancels the
    process's alarm (math-verify does) must not cancel the caller's own time limit."""
    import signal

    register_plugin(_AlarmResetPlugin(), "alarm-reset")
    previous = signal.signal(signal.SIGALRM, lambda *_: None)
    signal.setitimer(signal.ITIMER_REAL, 100.0)
    try:
        with VerifierPool(1, 5.0, start_method="fork"):
            left, _ = signal.getitimer(signal.ITIMER_REAL)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert 90 < left <= 100
