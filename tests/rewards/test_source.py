"""The reward source: verdicts in order, a batch deadline no hostile item can stretch."""

from __future__ import annotations

import threading
import time

import pytest

from sciglm.records import Verdict, VerdictStatus, VerifyItem
from sciglm.rewards.source import RewardSource, settings_from_env, to_reward


def items(responses: list[str]) -> list[VerifyItem]:
    return [VerifyItem(str(i), "sleepy", r, "a") for i, r in enumerate(responses)]


def test_a_hanging_item_never_delays_its_batch_past_the_deadline(source: RewardSource) -> None:
    source.verdicts(items(["a"]))  # the pool is warm (start-up has its own grace)
    started = time.monotonic()
    verdicts = source.verdicts(items(["a", "hang", "b", "a"]), deadline=1.5)
    took = time.monotonic() - started
    assert took < 3.0, took  # the check's own bound is 60 s
    assert [v.correct for v in verdicts] == [True, None, False, True]
    assert verdicts[1].status is VerdictStatus.TIMED_OUT
    assert [v.status for v in verdicts if v is not verdicts[1]] == [VerdictStatus.JUDGED] * 3
    assert source.stats.deadline_misses == 1


def test_queued_checks_behind_the_deadline_are_dropped_not_run(source: RewardSource) -> None:
    source.verdicts(items(["a"]))
    # two workers, both hung: the third item is still queued when the deadline passes
    verdicts = source.verdicts(items(["hang", "hang", "b"]), deadline=1.0)
    assert [v.status for v in verdicts] == [VerdictStatus.TIMED_OUT] * 3
    assert all(v.correct is None for v in verdicts)


def test_threads_share_one_pool(source: RewardSource) -> None:
    results: dict[int, list[bool | None]] = {}

    def run(n: int) -> None:
        results[n] = [v.correct for v in source.verdicts(items(["a", "b"] * 3))]

    threads = [threading.Thread(target=run, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r == [True, False] * 3 for r in results.values())
    assert len(results) == 6
    assert source.stats.verdicts + source.stats.cached == 36


def test_the_first_batch_is_not_lost_to_start_up(source: RewardSource) -> None:
    verdicts = source.verdicts(items(["a", "b"]), deadline=0.01)  # workers not started yet
    assert [v.correct for v in verdicts] == [True, False]


def test_null_becomes_the_configured_reward() -> None:
    undecided = Verdict(None, status=VerdictStatus.TIMED_OUT)
    assert to_reward(undecided, None) is None
    assert to_reward(undecided, -1.0) == -1.0
    assert to_reward(Verdict(True), None) == 1.0
    assert to_reward(Verdict(False), -1.0) == 0.0


def test_a_closed_source_refuses_work(source: RewardSource) -> None:
    source.close()
    with pytest.raises(RuntimeError, match="closed"):
        source.verdicts(items(["a"]))


def test_bad_environment_settings_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    from sciglm.errors import SciglmError

    monkeypatch.setenv("SCIGLM_REWARD_DEADLINE", "soon")
    with pytest.raises(SciglmError, match="SCIGLM_REWARD_DEADLINE"):
        settings_from_env()
    monkeypatch.setenv("SCIGLM_REWARD_DEADLINE", "5")
    monkeypatch.setenv("SCIGLM_REWARD_WORKERS", "3")
    settings = settings_from_env()
    assert (settings.deadline, settings.workers) == (5.0, 3)


def test_a_missing_extra_names_the_light_extra() -> None:
    from sciglm.cli.main import missing_extra_message

    fastapi = ModuleNotFoundError("no fastapi", name="fastapi")
    trl = ModuleNotFoundError("no trl", name="trl")
    assert "'sciglm[reward]'" in missing_extra_message(fastapi, "reward")  # type: ignore[operator]
    assert "'sciglm[train]'" in missing_extra_message(fastapi, "chat")  # type: ignore[operator]
    assert "'sciglm[rl]'" in missing_extra_message(trl, "rl")  # type: ignore[operator]
    assert missing_extra_message(ModuleNotFoundError("x", name="x"), "rl") is None


def test_an_item_asked_again_is_answered_from_the_cache(source: RewardSource) -> None:
    first = source.verdicts(items(["a", "b"]))
    again = source.verdicts(items(["a", "b", "c"]))  # what a second reward function asks
    assert [v.correct for v in again] == [True, False, False]
    assert again[:2] == first and source.stats.cached == 2
    assert source.stats.verdicts == 3  # only "c" went to the pool the second time


def test_an_undecided_timeout_is_not_cached(source: RewardSource) -> None:
    source.verdicts(items(["a"]))
    source.verdicts(items(["hang"]), deadline=0.5)
    assert source.stats.cached == 0
    assert source.verdicts(items(["hang"]), deadline=0.5)[0].status is VerdictStatus.TIMED_OUT
    assert source.stats.cached == 0
