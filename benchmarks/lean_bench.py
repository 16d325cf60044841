"""Lean proof checking throughput: proofs/second vs pool size, header reuse on and off.

Runs short tactic proofs (norm_num, simp, omega, linarith, nlinarith, …) against miniF2F
statements through the verifier pool of ``sciglm verify`` (:class:`sciglm.verify.pool.VerifierPool`,
each worker keeping one REPL). With header reuse on, each REPL imports Mathlib once and checks
every proof in that environment; with it off (``SCIGLM_LEAN_REUSE_HEADER=0``), every proof
re-imports. Where Lean is not installed it says so and exits 0.

    python benchmarks/lean_bench.py --limit 32 --pools 1,2,4
    python benchmarks/lean_bench.py --repl "lake env /path/to/repl" --limit 8
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "plugins")]

from sciglm_lean.config import LeanConfig, resolve_launch  # noqa: E402
from sciglm_lean.loaders import load_minif2f  # noqa: E402

from sciglm import registry  # noqa: E402
from sciglm.records import VerifyItem  # noqa: E402
from sciglm.verify.pool import VerifierPool  # noqa: E402

TACTICS = ["norm_num", "simp", "omega", "linarith", "nlinarith", "decide", "positivity", "aesop"]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "minif2f-lean4" / "minif2f.jsonl"


def make_items(path: Path, limit: int) -> list[VerifyItem]:
    """``limit`` items: miniF2F statements, each with one short tactic proof (round robin)."""
    questions = list(load_minif2f(path))[:limit]
    return [
        VerifyItem(
            q.id,
            "lean",
            f"  {TACTICS[i % len(TACTICS)]}",
            extra={"statement": q.meta["statement"], "header": q.meta["header"]},
        )
        for i, q in enumerate(questions)
    ]


def measure(reuse: bool, workers: int, items: list[VerifyItem]) -> dict:
    """Wall time for ``items`` on a fresh pool (Mathlib imports included)."""
    os.environ["SCIGLM_LEAN_REUSE_HEADER"] = "1" if reuse else "0"
    started = time.perf_counter()
    with VerifierPool(workers, start_method="fork") as pool:  # fork: workers see the setting
        verdicts = pool.map(items)
    wall = time.perf_counter() - started
    return {
        "workers": workers,
        "reuse_header": reuse,
        "proofs": len(items),
        "true": sum(v.correct is True for v in verdicts),
        "repl_accepted": sum(v.details.get("repl") == "accepted" for v in verdicts),
        "rejected": sum(v.correct is False for v in verdicts),
        "undecided": sum(v.correct is None for v in verdicts),
        "wall_s": round(wall, 2),
        "proofs_per_s": round(len(items) / wall, 3),
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

    os.environ["SCIGLM_LEAN_TIMEOUT"] = str(args.timeout)
    if args.repl:
        os.environ["SCIGLM_LEAN_REPL"] = args.repl
    launch = resolve_launch(LeanConfig.from_env())
    if isinstance(launch, str):
        print(f"Lean is not installed here, nothing to measure: {launch}")
        print("Install elan and run `sciglm lean setup`, then rerun this benchmark.")
        return 0
    if not args.data.exists():
        print(f"no statements at {args.data} (pass --data)", file=sys.stderr)
        return 1
    registry.get_subject("lean")  # load the plugins once, before the workers fork
    rows = []
    for reuse, limit in ((True, args.limit), (False, args.no_reuse_limit)):
        items = make_items(args.data, limit)
        for workers in (int(w) for w in args.pools.split(",")):
            row = measure(reuse, workers, items)
            rows.append(row)
            if args.json:
                print(json.dumps(row), flush=True)
            else:
                print(
                    f"reuse={'on ' if reuse else 'off'} workers={workers}: "
                    f"{row['proofs']} proofs in {row['wall_s']:.1f}s = {row['proofs_per_s']:.2f}/s "
                    f"({row['true']} true, {row['repl_accepted']} accepted by the REPL only, "
                    f"{row['rejected']} rejected, {row['undecided']} undecided)",
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
