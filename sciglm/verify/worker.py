"""The code that runs inside a verifier worker process.

Imported by the fork server before any worker forks, so the plugins (sympy, math-verify,
pint …) are loaded once and each worker starts in milliseconds; a pool started cold (a few
checks) takes checks at once and loads those libraries in the background meanwhile.
"""

from __future__ import annotations

import resource
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection

from sciglm import registry
from sciglm.records import Verdict, VerdictStatus, VerifyItem


def warm_up() -> None:
    """Load the plugins and let each subject prepare (parsers, unit registries).

    Also run in a pool's parent before it forks: a subject whose checks time themselves with
    ``signal.alarm`` (math-verify) ends by cancelling the process's alarm timer, so the
    caller's own timer (a time limit around the whole call) is put back afterwards.
    """
    with alarm_kept():
        for subject, _ in registry.subjects().values():
            try:
                subject.warmup()
            except Exception:  # noqa: BLE001 - a subject that fails to warm up fails at verify
                pass


@contextmanager
def alarm_kept() -> Iterator[None]:
    """Restore this process's ``ITIMER_REAL`` timer (what is left of it) after the block."""
    delay, interval = signal.getitimer(signal.ITIMER_REAL)
    started = time.monotonic()
    try:
        yield
    finally:
        if delay:  # an armed timer: what is left of it (a disarmed one has no delay)
            left = max(delay - (time.monotonic() - started), 1e-3)
            signal.setitimer(signal.ITIMER_REAL, left, interval)


def address_space_bytes() -> int:
    """This process's current virtual address space (what RLIMIT_AS counts)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def limit_memory(memory_mb: int | None) -> None:
    """Cap this process's address space at what it has now plus ``memory_mb``, so a runaway
    check raises MemoryError (a worker forked from a big process keeps its inheritance)."""
    if not memory_mb:
        return
    limit = address_space_bytes() + memory_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def verify_one(item: VerifyItem) -> Verdict:
    """Run the item's subject verifier (or the benchmark scorer the caller set in
    ``item.scorer``; never one a record names), turning any failure into an undecided verdict."""
    try:
        if item.scorer:
            from sciglm.eval.scorers import get_scorer

            check = get_scorer(item.scorer)
        else:
            check = registry.get_subject(item.subject).verify
    except Exception as exc:  # noqa: BLE001
        return Verdict(None, None, str(exc), status=VerdictStatus.NOT_RUN)
    try:
        verdict = check(item)
    except MemoryError:
        return Verdict(None, None, "verifier ran out of its memory limit",
                       status=VerdictStatus.OUT_OF_MEMORY)
    except RecursionError:
        return Verdict(None, None, "answer too deeply nested to check")
    except Exception as exc:  # noqa: BLE001 - hostile input must not kill the run
        return Verdict(None, None, f"verifier error: {type(exc).__name__}: {str(exc)[:200]}",
                       status=VerdictStatus.CRASHED)
    if not isinstance(verdict, Verdict):
        return Verdict(None, None, f"subject {item.subject!r} returned {type(verdict).__name__}",
                       status=VerdictStatus.CRASHED)
    return verdict


def serve(conn: Connection, memory_mb: int | None, warm: bool = True) -> None:
    """Worker main loop: receive ``(task_id, item)``, send back ``(task_id, verdict)``.

    A cold worker (``warm=False``) says it is ready at once, runs its first check at once, then
    warms up in a background thread (imports and registries only, never a check) and sends
    ``("warm", None)``; a check that needs a library still loading waits for it. The first
    check (often the only one) has no warm-up competing with it for the interpreter.
    """
    # Ctrl-C in a terminal reaches the whole process group: the command that owns the pool
    # decides what an interrupt means and stops the workers itself; a worker never dies of it
    # halfway through a check (chat's /verify went on with a broken pipe).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.setrecursionlimit(5000)
    limit_memory(memory_mb)
    sending = threading.Lock()

    def send(message: tuple[object, object]) -> None:
        with sending:
            conn.send(message)

    def warm_in_background() -> None:
        warm_up()
        try:
            send(("warm", None))
        except (OSError, ValueError):
            pass

    if warm:
        warm_up()
    cold = not warm
    send(("ready", None))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        task_id, item = message
        started = time.perf_counter()
        verdict = verify_one(item)
        verdict.seconds = time.perf_counter() - started
        send((task_id, verdict))
        if cold:
            cold = False
            threading.Thread(target=warm_in_background, name="warm-up", daemon=True).start()
