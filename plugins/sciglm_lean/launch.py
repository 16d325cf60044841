"""Start a REPL under limits.

Usage: ``python -m sciglm_lean.launch [--memory-mb N] [--max-file-mb N] [--max-processes N]
[--parent PID] -- CMD ...``.

Sets the address-space limit (RLIMIT_AS; 0 lifts it to the hard limit, so a check is bound by
its own limit, not by the verifier worker's), the largest file it may write (RLIMIT_FSIZE: a
``dbg_trace`` flood into the REPL's stderr file stops there) and how many processes its user
may run (RLIMIT_NPROC; not enforced for root), asks Linux to kill the process when its parent
dies (``PR_SET_PDEATHSIG``), then ``exec``s the command, so no Lean process outlives its client.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import resource
import signal
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int | None) -> None:
    """Linux only: SIGKILL this process when the parent exits (best effort elsewhere)."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if parent is not None and os.getppid() != parent:
        sys.exit(70)  # the parent is already gone


def limit_memory(memory_mb: int) -> None:
    """Cap the address space at ``memory_mb`` (0: lift it to the hard limit, e.g. when the
    parent is a verifier worker with a small cap of its own)."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = memory_mb * 1024 * 1024 if memory_mb > 0 else hard
    if hard != resource.RLIM_INFINITY and limit != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def limit(kind: int, value: int) -> None:
    """Lower the soft and hard limit ``kind`` to ``value`` (never above the current hard one)."""
    _, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(kind, (value, value))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sciglm_lean.launch")
    parser.add_argument("--memory-mb", type=int, default=None)
    parser.add_argument("--max-file-mb", type=int, default=None)
    parser.add_argument("--max-processes", type=int, default=None)
    parser.add_argument("--parent", type=int, default=None)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")
    die_with_parent(args.parent)
    if args.memory_mb is not None:
        limit_memory(args.memory_mb)
    if args.max_file_mb is not None:
        limit(resource.RLIMIT_FSIZE, args.max_file_mb << 20)
    if args.max_processes is not None:
        limit(resource.RLIMIT_NPROC, args.max_processes)
    try:
        os.execvp(command[0], command)
    except OSError as exc:
        print(f"cannot run {command[0]!r}: {exc}", file=sys.stderr)
        sys.exit(127)


if __name__ == "__main__":
    main()
