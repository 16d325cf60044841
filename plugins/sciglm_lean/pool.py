"""A pool of N Lean checkers, each owning one REPL process; results keep input order.

Each worker thread owns a :class:`~sciglm_lean.checker.LeanChecker` (one REPL process with
its memory limit, per-proof timeout, restart after a crash or timeout, recycling after K
proofs). The pool only hands out jobs and collects verdicts; it knows nothing of JSON.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass

from sciglm.records import Verdict
from sciglm_lean.checker import LeanChecker
from sciglm_lean.config import Launch, LeanConfig


@dataclass(frozen=True)
class ProofJob:
    """One proof to check: the asked ``statement``, the model's ``response``, a ``header``."""

    statement: str
    response: str
    header: str | None = None
    id: str = ""


class LeanPool:
    """``workers`` checkers working through a shared queue of :class:`ProofJob` s."""

    def __init__(
        self,
        workers: int = 1,
        config: LeanConfig | None = None,
        launch: Launch | str | None = None,
        checker_factory: Callable[[], LeanChecker] | None = None,
    ) -> None:
        config = config or LeanConfig.from_env()
        make = checker_factory or (lambda: LeanChecker(config, launch))
        self.checkers = [make() for _ in range(max(1, workers))]
        self._jobs: queue.SimpleQueue[tuple[ProofJob, Future[Verdict]] | None] = queue.SimpleQueue()
        self._closed = False
        self._threads = [
            threading.Thread(target=self._work, args=(c,), name=f"lean-{i}", daemon=True)
            for i, c in enumerate(self.checkers)
        ]
        for thread in self._threads:
            thread.start()

    def submit(self, job: ProofJob) -> Future[Verdict]:
        """Queue one proof; the future resolves to its verdict."""
        if self._closed:
            raise RuntimeError("Lean pool is closed")
        future: Future[Verdict] = Future()
        self._jobs.put((job, future))
        return future

    def map(
        self, jobs: Iterable[ProofJob], on_result: Callable[[int, Verdict], None] | None = None
    ) -> list[Verdict]:
        """Check every job; verdicts in input order."""
        futures = [self.submit(job) for job in jobs]
        if on_result is not None:
            for index, future in enumerate(futures):
                future.add_done_callback(lambda f, i=index: on_result(i, f.result()))
        return [future.result() for future in futures]

    def _work(self, checker: LeanChecker) -> None:
        try:
            while True:
                task = self._jobs.get()
                if task is None:
                    return
                job, future = task
                if not future.set_running_or_notify_cancel():
                    continue
                started = time.perf_counter()
                try:
                    verdict = checker.check(job.statement, job.response, job.header)
                except Exception as exc:  # noqa: BLE001 - one bad job must not stop the worker
                    verdict = Verdict(None, None, f"checker error: {type(exc).__name__}: {exc}")
                verdict.seconds = time.perf_counter() - started
                future.set_result(verdict)
        finally:
            checker.close()

    @property
    def starts(self) -> int:
        """REPL processes started so far (first starts, restarts and recycles)."""
        return sum(c.starts for c in self.checkers)

    @property
    def header_loads(self) -> int:
        return sum(c.header_loads for c in self.checkers)

    def close(self) -> None:
        """Finish queued jobs, then stop every REPL."""
        if self._closed:
            return
        self._closed = True
        for _ in self._threads:
            self._jobs.put(None)
        for thread in self._threads:
            thread.join()

    def __enter__(self) -> LeanPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
