"""The code that runs inside a verifier worker process.

Imported by the fork server before any worker forks, so the plugins (sympy, math-verify,
pint …) are loaded once and each worker starts in milliseconds; a pool started cold (a few
checks) skips that and each check loads what it needs.
"""

from __future__ import annotations

import resource
import sys
import time
from multiprocessing.connection import Connection

from sciglm import registry
from sciglm.records import Verdict, VerifyItem


def warm_up() -> None:
    """Load the plugins and let each subject prepare (parsers, unit registries)."""
    for subject, _ in registry.subjects().values():
        try:
            subject.warmup()
        except Exception:  # noqa: BLE001 - a subject that fails to warm up fails at verify time
            pass


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
    """Run the item's subject verifier, turning any failure into an undecided verdict."""
    try:
        subject = registry.get_subject(item.subject)
    except Exception as exc:  # noqa: BLE001
        return Verdict(None, None, str(exc))
    try:
        verdict = subject.verify(item)
    except MemoryError:
        return Verdict(None, None, "verifier ran out of its memory limit")
    except RecursionError:
        return Verdict(None, None, "answer too deeply nested to check")
    except Exception as exc:  # noqa: BLE001 - hostile input must not kill the run
        return Verdict(None, None, f"verifier error: {type(exc).__name__}: {str(exc)[:200]}")
    if not isinstance(verdict, Verdict):
        return Verdict(None, None, f"subject {item.subject!r} returned {type(verdict).__name__}")
    return verdict


def serve(conn: Connection, memory_mb: int | None, warm: bool = True) -> None:
    """Worker main loop: receive ``(task_id, item)``, send back ``(task_id, verdict)``.
    A cold worker (``warm=False``) skips the warm-up and loads libraries as checks need them."""
    sys.setrecursionlimit(5000)
    limit_memory(memory_mb)
    if warm:
        warm_up()
    conn.send(("ready", None))
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
        conn.send((task_id, verdict))
