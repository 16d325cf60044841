"""Start-up of ``sciglm verify`` on a one-line file, and of ``sciglm --version``.

Runs each command ``--runs`` times as a user would (a fresh process each time), the commands in
turn so that a change in the machine's load hits them alike, and prints the median and the best
wall-clock seconds, the ratio to a bare ``python -c pass`` (the floor no Python CLI can go
under) and the load average before and after. Goal: a one-line file in ≤ 0.3 s.

    .venv/bin/python benchmarks/startup_bench.py --runs 15
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def timed(cases: dict[str, list[str]], runs: int) -> dict[str, list[float]]:
    """Seconds per run of each command, the commands taking turns."""
    seconds: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, command in cases.items():
            started = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True, timeout=120)
            seconds[name].append(time.perf_counter() - started)
    return seconds


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        one = Path(tmp) / "one.jsonl"
        one.write_text(json.dumps({"id": "1", "subject": "math", "response": "\\boxed{2}",
                                   "reference": "2"}) + "\n", encoding="utf-8")
        cases = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "sciglm --version": [str(BIN / "sciglm"), "--version"],
            "sciglm verify (1 line)": [str(BIN / "sciglm"), "verify", str(one),
                                       "-o", str(Path(tmp) / "out.jsonl")],
        }
        before = load()
        results = timed(cases, args.runs)
        after = load()
    floor = statistics.median(results["python -c pass"])
    print(f"{'command':<26}{'median s':>10}{'best s':>10}{'× python':>10}")
    for name, seconds in results.items():
        median = statistics.median(seconds)
        print(f"{name:<26}{median:>10.3f}{min(seconds):>10.3f}{median / floor:>10.1f}")
    print(f"load average (1, 5, 15 min): {before} before, {after} after; {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
