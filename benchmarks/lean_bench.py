"""Lean proof checking throughput: proofs/second vs pool size, header reuse on and off.

Runs short tactic proofs (norm_num, simp, omega, linarith, nlinarith, …) against miniF2F
statements through :class:`sciglm_lean.pool.LeanPool`. With header reuse on, each REPL imports
Mathlib once and checks every proof in that environment; with it off, every proof re-imports.
Where Lean is not installed it says so and exits 0.

    python benchmarks/lean_bench.py --limit 32 --pools 1,2,4
    python benchmarks/lean_bench.py --repl "lake env /path/to/repl" --limit 8
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "plugins"))

from sciglm_lean.config import LeanConfig, resolve_launch  # noqa: E402
from sciglm_lean.loaders import load_minif2f  # noqa: E402
from sciglm_lean.pool import LeanPool, ProofJob  # noqa: E402

TACTICS = ["norm_num", "simp", "omega", "linarith", "nlinarith", "decide", "positivity", "aesop"]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "minif2f-lean4" / "minif2f.jsonl"


def make_jobs(path: Path, limit: int) -> list[ProofJob]:
    """``limit`` jobs: miniF2F statements, each with one short tactic proof (round robin)."""
    questions = list(load_minif2f(path))[:limit]
    return [
        ProofJob(q.meta["statement"], f"  {TACTICS[i % len(TACTICS)]}", q.meta["header"], q.id)
        for i, q in enumerate(questions)
    ]


def measure(config: LeanConfig, workers: int, jobs: list[ProofJob]) -> dict:
    """Wall time for ``jobs`` on a fresh pool (Mathlib imports included)."""
    started = time.perf_counter()
    with LeanPool(workers, config) as pool:
        verdicts = pool.map(jobs)
        loads = pool.header_loads
    wall = time.perf_counter() - started
    return {
        "workers": workers,
        "reuse_header": config.reuse_header,
        "proofs": len(jobs),
        "accepted": sum(v.correct is True for v in verdicts),
        "rejected": sum(v.correct is False for v in verdicts),
        "undecided": sum(v.correct is None for v in verdicts),
        "header_loads": loads,
        "wall_s": round(wall, 2),
        "proofs_per_s": round(len(jobs) / wall, 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="miniF2F-style JSONL")
    parser.add_argument("--limit", type=int, default=32, help="proofs per run (reuse on)")
    parser.add_argument("--no-reuse-limit", type=int, default=8, help="proofs per run (reuse off)")
    parser.add_argument("--pools", default="1,2,4", help="pool sizes to compare")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per proof")
    parser.add_argument("--repl", help="command that runs a Lean REPL (default: the project's)")
    parser.add_argument("--json", action="store_true", help="print one JSON object per run")
    args = parser.parse_args()

    config = replace(LeanConfig.from_env(), proof_timeout=args.timeout)
    if args.repl:
        config = replace(config, repl_command=tuple(shlex.split(args.repl)))
    launch = resolve_launch(config)
    if isinstance(launch, str):
        print(f"Lean is not installed here, nothing to measure: {launch}")
        print("Install elan and run `sciglm lean setup`, then rerun this benchmark.")
        return 0
    if not args.data.exists():
        print(f"no statements at {args.data} (pass --data)", file=sys.stderr)
        return 1
    rows = []
    for reuse, limit in ((True, args.limit), (False, args.no_reuse_limit)):
        jobs = make_jobs(args.data, limit)
        for workers in (int(w) for w in args.pools.split(",")):
            row = measure(replace(config, reuse_header=reuse), workers, jobs)
            rows.append(row)
            if args.json:
                print(json.dumps(row), flush=True)
            else:
                print(
                    f"reuse={'on ' if reuse else 'off'} workers={workers}: "
                    f"{row['proofs']} proofs in {row['wall_s']:.1f}s = {row['proofs_per_s']:.2f}/s "
                    f"({row['accepted']} accepted, {row['rejected']} rejected, "
                    f"{row['undecided']} undecided, {row['header_loads']} header loads)",
                    flush=True,
                )
    base = {r["workers"]: r["proofs_per_s"] for r in rows if not r["reuse_header"]}
    for row in rows:
        if row["reuse_header"] and base.get(row["workers"]):
            ratio = row["proofs_per_s"] / base[row["workers"]]
            print(f"header reuse speed-up at {row['workers']} workers: {ratio:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
