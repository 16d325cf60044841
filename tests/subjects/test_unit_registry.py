"""The pint registry is one per process, however many threads ask for it first (issue #24.1)."""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.verify.cli_helpers import run_sciglm, write_records

RACE = """
import threading
from sciglm.answers.quantity import registry
barrier = threading.Barrier(8)
seen = []
def ask():
    barrier.wait()
    seen.append(id(registry()))
threads = [threading.Thread(target=ask) for _ in range(8)]
for t in threads: t.start()
for t in threads: t.join()
print(len(set(seen)))
"""


def test_threads_asking_first_share_one_registry() -> None:
    for _ in range(3):  # a fresh process each time: the first call is the racy one
        done = subprocess.run([sys.executable, "-c", RACE], capture_output=True, text=True,
                              timeout=120, check=True)
        assert done.stdout.strip() == "1"


def test_cold_path_physics_verdicts_are_the_same_every_run(tmp_path: Path) -> None:
    """Few records take the cold path: each worker warms up in a thread while it checks."""
    # each worker's first check needs no units: the next one asks for the registry while the
    # warm-up thread is building it
    plain = [{"id": f"p{i}", "subject": "physics", "response": rf"\boxed{{{i}}}",
              "reference": str(i)} for i in range(2)]
    units = [{"id": f"u{i}", "subject": "physics", "response": rf"\boxed{{{10 + i} m/s}}",
              "reference": f"{(10 + i) * 3.6} km/h"} for i in range(6)]
    records = plain + units
    source = write_records(tmp_path / "answers.jsonl", records)

    def once(run: int) -> list[tuple[object, str]]:
        done = run_sciglm("verify", str(source), "--workers", "2")
        assert done.returncode == 0, done.stderr
        return [(r["correct"], r["reason"]) for r in map(json.loads, done.stdout.splitlines())]

    with ThreadPoolExecutor(4) as runs:  # concurrent runs load the machine like a busy CI
        results = list(runs.map(once, range(8)))
    for result in results:
        assert [correct for correct, _ in result] == [True] * 8, result
