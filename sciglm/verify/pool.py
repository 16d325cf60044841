"""A pool of verifier worker processes with a wall-clock timeout and a memory cap per check.

A hanging check costs its timeout and nothing else: the worker running it is killed and
replaced, the check comes back undecided (``correct: null``), the queued checks go on.
Results keep input order. ``submit`` is thread-safe, so asyncio code can await checks
(``asyncio.wrap_future(pool.submit(item))``) without the event loop ever running a verifier.

Workers come from a fork server (a fresh interpreter that loads the plugins once, then forks
each worker); a pool of a few checks (``fork_first``) instead forks its first workers straight
from the calling process, which has its plugins loaded already, when that process runs a single
thread (forking a threaded process can copy a lock another thread holds).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.context import BaseContext

from sciglm.records import Verdict, VerdictStatus, VerifyItem
from sciglm.verify import worker as worker_module

DEFAULT_MEMORY_MB = 2048
PREFETCH = 4  # checks queued per worker, to hide the round trip
STARTUP_TIMEOUT = 120.0  # seconds a new worker may take to load the plugins
READY = "ready"  # what a worker sends once it can take checks
WARM = "warm"  # what a cold worker sends once its libraries are loaded
#: Until a cold worker (``warm=False``) has loaded its libraries, a check that waits for one
#: may take this many seconds on top of its timeout.
COLD_GRACE = 30.0


def single_threaded() -> bool:
    """Whether this process runs one thread only, counting threads started outside Python
    (Linux's ``/proc``; ``False`` where that cannot be read)."""
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


def subject_timeout(item: VerifyItem) -> float:
    """The item's subject's ``default_timeout`` (10 s where the subject is unknown)."""
    from sciglm import registry
    from sciglm.errors import UnknownSubjectError

    try:
        return registry.get_subject(item.subject).default_timeout
    except UnknownSubjectError:
        return 10.0


@dataclass
class _Task:
    item: VerifyItem
    timeout: float
    future: Future[Verdict]


@dataclass
class _Worker:
    process: mp.process.BaseProcess
    conn: Connection
    queue: deque[tuple[int, _Task]] = field(default_factory=deque)
    head_started: float = 0.0
    done: int = 0
    ready: bool = False  # the clock of a check starts only once its worker is ready
    started_at: float = field(default_factory=time.monotonic)
    cold: bool = False  # started without warm-up, still loading libraries in the background
    head_cold: bool = False  # the current check started while the worker was cold

    def deadline(self) -> float | None:
        """When the worker's current check (or its start-up) runs out of time."""
        if not self.ready:
            return self.started_at + STARTUP_TIMEOUT
        if not self.queue:
            return None
        grace = COLD_GRACE if self.head_cold else 0.0
        return self.head_started + self.queue[0][1].timeout + grace


class VerifierPool:
    """``workers`` processes checking :class:`VerifyItem` s with per-check bounds."""

    def __init__(
        self,
        workers: int | None = None,
        timeout: float | None = None,
        memory_mb: int | None = DEFAULT_MEMORY_MB,
        recycle_after: int = 5000,
        start_method: str = "forkserver",
        timeout_for: Callable[[VerifyItem], float] | None = None,
        warm: bool = True,
        fork_first: bool = False,
        prefetch: int = PREFETCH,
    ) -> None:
        """``warm=False`` starts workers that take checks before every subject's libraries are
        loaded (for a handful of checks, where start-up would dominate); they load them in the
        background, and until then a check may take ``COLD_GRACE`` more seconds.
        ``fork_first=True`` forks the first workers from this process before returning, when it
        runs a single thread (no interpreter to start, the plugins it loaded come along);
        replacements still come from ``start_method``. ``prefetch``: checks queued per worker
        (1: none waits behind a check that may hang, as a reward batch with a deadline wants)."""
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.warm = warm
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.recycle_after = recycle_after
        self.prefetch = max(1, prefetch)
        self._timeout_for = timeout_for
        self._ctx = mp.get_context(start_method)
        self._preload = "sciglm.verify.preload" if warm else "sciglm.verify.coldload"
        self._inbox: queue.SimpleQueue[_Task | None] = queue.SimpleQueue()
        self._wake_r, self._wake_w = os.pipe()
        self._next_id = 0
        self._workers: list[_Worker] = []
        self._closed = False
        self.restarts = 0
        if warm and start_method == "fork":
            # Workers forked from this process inherit what it imported: load the subjects'
            # libraries here, once, so that no child imports after the fork. A child that imports
            # a module another thread of this process was importing at the fork waits forever on
            # that module's lock (the thread that held it does not exist in the child).
            worker_module.warm_up()
        if fork_first and single_threaded():  # before the dispatcher thread exists
            fork = mp.get_context("fork")
            self._workers = [self._start_worker(fork) for _ in range(self.workers)]
        self._thread = threading.Thread(target=self._run, name="verifier-pool", daemon=True)
        self._thread.start()

    # -- public API --------------------------------------------------------------------------
    def submit(self, item: VerifyItem) -> Future[Verdict]:
        """Queue one check; the future resolves to its :class:`Verdict`."""
        if self._closed:
            raise RuntimeError("verifier pool is closed")
        timeout = self.timeout
        if timeout is None:
            timeout = (self._timeout_for or subject_timeout)(item)
        task = _Task(item, timeout, Future())
        self._inbox.put(task)
        os.write(self._wake_w, b"x")
        return task.future

    def map(
        self,
        items: Iterable[VerifyItem],
        on_result: Callable[[int, Verdict], None] | None = None,
    ) -> list[Verdict]:
        """Check every item; verdicts in input order. ``on_result(index, verdict)`` as each ends."""
        futures = [self.submit(item) for item in items]
        if on_result is not None:
            for index, future in enumerate(futures):
                future.add_done_callback(lambda f, i=index: on_result(i, f.result()))
        return [future.result() for future in futures]

    @property
    def warming(self) -> int:
        """How many workers are still loading their libraries (cold start)."""
        return sum(1 for w in list(self._workers) if w.cold)

    def close(self) -> None:
        """Stop the workers; checks still queued resolve as undecided."""
        if self._closed:
            return
        self._closed = True
        self._inbox.put(None)
        os.write(self._wake_w, b"x")
        self._thread.join(timeout=30)
        os.close(self._wake_r)
        os.close(self._wake_w)

    def __enter__(self) -> VerifierPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the dispatcher thread ---------------------------------------------------------------
    def _start_worker(self, ctx: BaseContext | None = None) -> _Worker:
        ctx = ctx or self._ctx
        if ctx.get_start_method() == "forkserver":  # read when the fork server first starts
            ctx.set_forkserver_preload([self._preload])
        parent, child = ctx.Pipe()
        process = ctx.Process(
            target=worker_module.serve, args=(child, self.memory_mb, self.warm), daemon=True
        )
        process.start()
        child.close()
        return _Worker(process, parent, cold=not self.warm)

    def _stop_worker(self, w: _Worker, kill: bool) -> None:
        if kill:
            w.process.kill()
        else:
            try:
                w.conn.send(None)
            except OSError:
                w.process.kill()
        w.process.join(timeout=5)
        if w.process.is_alive():
            w.process.kill()
            w.process.join()
        w.conn.close()

    def _replace(
        self, workers: list[_Worker], index: int, pending: deque[_Task], kill: bool
    ) -> None:
        """Restart worker ``index``; its queued (not yet started) checks go back first in line."""
        w = workers[index]
        for _, task in reversed(list(w.queue)):
            pending.appendleft(task)
        w.queue.clear()
        self._stop_worker(w, kill)
        workers[index] = self._start_worker()
        self.restarts += 1

    def _run(self) -> None:
        pending: deque[_Task] = deque()
        if not self._workers:
            self._workers = [self._start_worker() for _ in range(self.workers)]
        workers = self._workers
        closing = False
        try:
            while True:
                while True:  # drain the inbox
                    try:
                        task = self._inbox.get_nowait()
                    except queue.Empty:
                        break
                    if task is None:
                        closing = True
                    else:
                        pending.append(task)
                if closing:
                    break
                now = time.monotonic()
                for w in workers:  # hand out work
                    while (
                        pending
                        and len(w.queue) < self.prefetch
                        and w.done + len(w.queue) < self.recycle_after  # due for recycling
                    ):
                        task = pending.popleft()
                        running = task.future.running()  # re-queued after a restart
                        if not running and not task.future.set_running_or_notify_cancel():
                            continue
                        task_id = self._next_id
                        self._next_id += 1
                        try:
                            w.conn.send((task_id, task.item))
                        except Exception as exc:  # noqa: BLE001 - unpicklable or broken pipe
                            task.future.set_result(Verdict(
                                None, None, f"cannot send check: {exc}",
                                status=VerdictStatus.NOT_RUN,
                            ))
                            continue
                        if not w.queue:
                            w.head_started, w.head_cold = now, w.cold
                        w.queue.append((task_id, task))
                deadlines = [d for w in workers if (d := w.deadline()) is not None]
                wait_for = max(0.0, min(deadlines) - now) if deadlines else None
                waiting = [w.conn for w in workers if w.queue or not w.ready or w.cold]
                ready = wait([self._wake_r] + waiting, wait_for)
                if self._wake_r in ready:
                    os.read(self._wake_r, 65536)
                now = time.monotonic()
                for index, w in enumerate(workers):
                    if w.conn in ready:
                        self._receive(workers, index, pending, now)
                for index, w in enumerate(workers):
                    deadline = w.deadline()
                    if deadline is not None and now >= deadline:
                        if w.queue:
                            _, task = w.queue.popleft()
                            if w.ready:
                                reason = f"timed out after {task.timeout:g}s"
                                status = VerdictStatus.TIMED_OUT
                            else:
                                reason = f"verifier worker did not start in {STARTUP_TIMEOUT:g}s"
                                status = VerdictStatus.NOT_RUN
                            task.future.set_result(
                                Verdict(None, None, reason, seconds=task.timeout, status=status)
                            )
                        self._replace(workers, index, pending, kill=True)
                    elif not workers[index].queue and workers[index].done >= self.recycle_after:
                        self._replace(workers, index, pending, kill=False)
        finally:
            for w in workers:
                for _, task in w.queue:
                    pending.append(task)
                self._stop_worker(w, kill=True)
            while True:
                try:
                    task = self._inbox.get_nowait()
                except queue.Empty:
                    break
                if task is not None:
                    pending.append(task)
            for task in pending:
                if not task.future.done():
                    task.future.set_result(Verdict(
                        None, None, "verifier pool closed", status=VerdictStatus.NOT_RUN
                    ))

    def _receive(
        self,
        workers: list[_Worker],
        index: int,
        pending: deque[_Task],
        now: float,
    ) -> None:
        w = workers[index]
        try:
            while w.conn.poll():
                task_id, verdict = w.conn.recv()
                if task_id == READY:
                    w.ready = True
                    w.head_started, w.head_cold = now, w.cold
                    continue
                if task_id == WARM:
                    w.cold = False
                    continue
                head_id, task = w.queue.popleft()
                assert head_id == task_id, "verifier worker answered out of order"
                task.future.set_result(verdict)
                w.done += 1
                w.head_started, w.head_cold = now, w.cold
        except (EOFError, OSError):
            w.process.join(timeout=5)
            code = w.process.exitcode
            if w.queue:
                _, task = w.queue.popleft()
                # Killed by a signal from outside (Ctrl-C reaches the process group): the check
                # never ran to an answer. Any other death is the check's own doing.
                interrupted = code in (-signal.SIGINT, -signal.SIGTERM, -signal.SIGHUP)
                task.future.set_result(Verdict(
                    None, None, f"verifier process died (exit code {code})",
                    status=VerdictStatus.NOT_RUN if interrupted else VerdictStatus.CRASHED,
                ))
            self._replace(workers, index, pending, kill=True)

