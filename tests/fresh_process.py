"""Run ``sciglm`` in a fresh process, as a user would.

Training (DeepSpeed's process group and rendezvous store, its JIT-built ops, a model's memory)
never lives in the test process, so one run cannot leave state behind for the next; and a run
that hangs is stopped at its timeout with the Python stacks of its threads in the failure
(``faulthandler`` answers the SIGABRT sent at the timeout), where an in-process hang in C code
would outlive pytest's own timeout.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sciglm.pipeline.runner import RENDEZVOUS

REPO = Path(__file__).resolve().parents[1]


def sciglm_env(**extra: str) -> dict[str, str]:
    """This process's environment without a launcher's rendezvous variables (each run is a
    run of its own, never a rank of another), with this checkout first on the path."""
    env = {k: v for k, v in os.environ.items() if k not in RENDEZVOUS}
    path = [str(REPO), str(REPO / "plugins"), env.get("PYTHONPATH", "")]
    return env | {"PYTHONPATH": os.pathsep.join(p for p in path if p)} | extra


def run_sciglm(args: list[str], timeout: float = 900, **env: str) -> subprocess.CompletedProcess:
    """``sciglm ARGS`` in a fresh process; a run past ``timeout`` seconds fails the test with
    its stacks."""
    command = [sys.executable, "-X", "faulthandler", "-m", "sciglm.cli.main", *args]
    with subprocess.Popen(command, env=sciglm_env(**env), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True) as proc:
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGABRT)  # faulthandler prints every thread's stack
            try:
                out, err = proc.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                out, err = proc.communicate()
            pytest.fail(f"sciglm {' '.join(args[:2])} ran past {timeout:.0f} s; its "
                        f"stderr ends:\n{err[-6000:]}")
    return subprocess.CompletedProcess(command, proc.returncode, out, err)


def run_json(args: list[str], timeout: float = 900, **env: str) -> dict[str, Any]:
    """:func:`run_sciglm` for a command that must succeed and print JSON."""
    proc = run_sciglm(args, timeout, **env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)
