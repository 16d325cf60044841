"""One in-process reward source over :class:`~sciglm.verify.pool.VerifierPool`.

Every check runs in a worker process with the pool's time and memory bounds (never in the
caller's thread: math-verify times itself with ``signal.alarm``). A batch has a deadline:
checks unfinished by then come back ``correct=None`` with :attr:`VerdictStatus.TIMED_OUT`, so a
hostile item never delays its batch past the deadline. Safe to call from many threads.
"""

from __future__ import annotations

import atexit
import json
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import Future, wait
from dataclasses import dataclass, field

from sciglm.records import Verdict, VerdictStatus, VerifyItem
from sciglm.verify.pool import DEFAULT_MEMORY_MB, VerifierPool

#: Verdicts kept for items asked again (each reward function of a step asks for the same).
CACHE_SIZE = 4096
#: Seconds a batch may take before its unfinished checks come back timed out.
DEFAULT_DEADLINE = 30.0
#: Seconds added to the deadline of batches sent while the pool's workers start (loading the
#: subjects' libraries), so that the first batch of a run is not lost to start-up.
STARTUP_GRACE = 20.0


@dataclass
class RewardSettings:
    """How rewards are computed: the pool's bounds and the batch deadline."""

    workers: int | None = None
    timeout: float | None = None  # per check; None: the subject's default
    memory_mb: int = DEFAULT_MEMORY_MB
    deadline: float = DEFAULT_DEADLINE
    start_method: str = "forkserver"  # "fork" where the caller registered subjects itself


@dataclass
class RewardStats:
    """Counters since the source started (what ``/metrics`` reports)."""

    started: float = field(default_factory=time.monotonic)
    verdicts: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    deadline_misses: int = 0
    in_flight: int = 0
    cached: int = 0  # verdicts answered from the cache

    def count(self, verdict: Verdict) -> None:
        self.verdicts += 1
        self.statuses[verdict.status.value] = self.statuses.get(verdict.status.value, 0) + 1


def cache_key(item: VerifyItem) -> str:
    """Everything a verdict depends on (the id does not count)."""
    return json.dumps([item.subject, item.response, item.reference, item.question, item.choices,
                       item.extra, item.scorer, item.benchmark], sort_keys=True, default=str)


def deadline_verdict(deadline: float) -> Verdict:
    """The verdict of a check the batch deadline cut off."""
    return Verdict(None, None, f"batch deadline of {deadline:g}s passed before the check ended",
                   seconds=deadline, status=VerdictStatus.TIMED_OUT)


def to_reward(verdict: Verdict, null_reward: float | None) -> float | None:
    """1.0 for correct, 0.0 for wrong, ``null_reward`` for undecided (``None``: skip it)."""
    if verdict.correct is None:
        return null_reward
    return 1.0 if verdict.correct else 0.0


class RewardSource:
    """Verdicts for batches of :class:`VerifyItem`, from one lazily started pool."""

    def __init__(self, settings: RewardSettings | None = None) -> None:
        self.settings = settings or RewardSettings()
        self.stats = RewardStats()
        self._pool: VerifierPool | None = None
        self._lock = threading.Lock()
        self._stats_lock = threading.Lock()  # the trainer's threads and the server's share them
        self._closed = False
        self._ready_by = 0.0  # until then the pool may still be starting its workers
        self._cache: OrderedDict[str, Verdict] = OrderedDict()

    @property
    def pool(self) -> VerifierPool:
        """The pool, started on first use (from whichever thread gets here first)."""
        with self._lock:
            if self._closed:
                raise RuntimeError("reward source is closed")
            if self._pool is None:
                s = self.settings
                self._pool = VerifierPool(s.workers or os.cpu_count() or 1, s.timeout,
                                          s.memory_mb, start_method=s.start_method,
                                          prefetch=1)  # nothing waits behind a hanging check
                self._ready_by = time.monotonic() + STARTUP_GRACE
            return self._pool

    @property
    def restarts(self) -> int:
        return self._pool.restarts if self._pool is not None else 0

    def submit(self, items: Sequence[VerifyItem]) -> list[Future[Verdict]]:
        """Queue every item's check; the futures resolve to verdicts."""
        pool = self.pool
        return [pool.submit(item) for item in items]

    def collect(self, futures: Sequence[Future[Verdict]], deadline: float | None = None,
                started: float | None = None) -> list[Verdict]:
        """The verdicts of ``futures`` in order, waiting at most ``deadline`` seconds from
        ``started``; checks not ended by then come back timed out (queued ones are dropped)."""
        limit = self.settings.deadline if deadline is None else deadline
        begun = time.monotonic() if started is None else started
        until = begun + limit
        if begun < self._ready_by:
            until += STARTUP_GRACE
        with self._stats_lock:
            self.stats.in_flight += len(futures)
        try:
            wait(futures, timeout=max(0.0, until - time.monotonic()))
        finally:
            with self._stats_lock:
                self.stats.in_flight -= len(futures)
        verdicts, missed = [], 0
        for future in futures:
            if future.done():
                verdict = future.result()
            else:
                future.cancel()  # a queued check is dropped; a running one ends by its bound
                verdict, missed = deadline_verdict(limit), missed + 1
            if verdict.status is VerdictStatus.JUDGED:
                self._ready_by = 0.0  # a worker answered: the pool has started
            verdicts.append(verdict)
        with self._stats_lock:
            self.stats.deadline_misses += missed
            for verdict in verdicts:
                self.stats.count(verdict)
        return verdicts

    def verdicts(self, items: Sequence[VerifyItem], deadline: float | None = None) -> list[Verdict]:
        """Check a batch; verdicts in input order, none later than the deadline.

        A verdict is a function of its item, so an item judged moments ago (TRL calls each
        reward function on the same completions) is answered from a small cache."""
        if not items:
            return []
        started = time.monotonic()
        keys = [cache_key(item) for item in items]
        with self._lock:
            known = {i: self._cache[k] for i, k in enumerate(keys) if k in self._cache}
        todo = [i for i in range(len(items)) if i not in known]
        fresh = self.collect(self.submit([items[i] for i in todo]), deadline, started)
        with self._lock:
            for i, verdict in zip(todo, fresh, strict=True):
                if verdict.status is VerdictStatus.JUDGED:
                    self._cache[keys[i]] = verdict
                    if len(self._cache) > CACHE_SIZE:
                        self._cache.popitem(last=False)
            self.stats.cached += len(known)
        done = dict(known) | dict(zip(todo, fresh, strict=True))
        return [done[i] for i in range(len(items))]

    def close(self) -> None:
        """Stop the pool; checks still queued resolve as not run."""
        with self._lock:
            self._closed = True
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()


_default: RewardSource | None = None
_default_lock = threading.Lock()


def default_source() -> RewardSource:
    """This process's one reward source (started on first use, closed at exit).

    Its settings come from ``SCIGLM_REWARD_WORKERS``, ``SCIGLM_REWARD_TIMEOUT`` and
    ``SCIGLM_REWARD_DEADLINE`` where set (a trainer imports the adapters by name and cannot
    pass arguments to them).
    """
    global _default
    with _default_lock:
        if _default is None:
            _default = RewardSource(settings_from_env())
            atexit.register(_default.close)
        return _default


def settings_from_env() -> RewardSettings:
    """:class:`RewardSettings` from the ``SCIGLM_REWARD_*`` environment variables."""
    from sciglm.errors import SciglmError

    def number(name: str, kind: type) -> float | int | None:
        raw = os.environ.get(name)
        if raw in (None, ""):
            return None
        try:
            value = kind(raw)
        except ValueError:
            raise SciglmError(f"{name}={raw!r} is not a number") from None
        if value <= 0:
            raise SciglmError(f"{name}={raw!r} must be positive")
        return value

    settings = RewardSettings(workers=number("SCIGLM_REWARD_WORKERS", int),  # type: ignore[arg-type]
                              timeout=number("SCIGLM_REWARD_TIMEOUT", float))
    deadline = number("SCIGLM_REWARD_DEADLINE", float)
    if deadline is not None:
        settings.deadline = float(deadline)
    return settings
