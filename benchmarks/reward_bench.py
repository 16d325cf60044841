"""Reward benchmark: sciglm's rewards (in-process TRL adapter, HTTP service) beside TRL's own
math-verify ``accuracy_reward`` called as ``GRPOTrainer`` calls it (main thread) and from a
thread pool as verl's threaded reward workers call it.

Pairs: GSM8K + MATH-500 gold answers against rewritten equivalent and wrong answers (built as in
``verify_bench.py``), with 1% hostile items mixed in: a 600 KB answer, ``\\boxed{9^{9^{9^{9}}}}``,
ten thousand nested brackets, and a Lean proof that loops. Each contender runs in its own child
process with a wall-clock limit, so a hang is counted, not waited for; batches are GRPO-sized.

Usage::

    .venv/bin/python benchmarks/reward_bench.py --data ../shared/data --pairs 3000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import verify_bench  # noqa: E402 - the pair builder

CONTENDERS = ("sciglm-inprocess", "sciglm-http", "trl-accuracy", "trl-accuracy-threads")
LOOPING_LEAN = "theorem t : 1 = 1 := by\n  repeat (first | rfl | skip)\n  exact loop\n"


def load_golds(data: Path) -> tuple[list[str], list[str]]:
    """MATH-500 answers and GSM8K answers (the number after ``####``)."""
    math = [json.loads(line)["answer"] for line in open(data / "math500" / "test.jsonl")]
    gsm = [json.loads(line)["answer"].rsplit("####", 1)[1].strip().replace(",", "")
           for line in open(data / "gsm8k" / "test.jsonl")]
    return math, gsm


def hostile(index: int) -> dict[str, Any]:
    """One of the four hostile items (label ``None``: not scored for agreement)."""
    kind = index % 4
    if kind == 0:
        return {"kind": "600KB", "subject": "math", "reference": "2",
                "response": "Let us compute. " + "1+" * 300_000 + r"1 so \boxed{2}"}
    if kind == 1:
        return {"kind": "tower", "subject": "math", "reference": "3",
                "response": r"The answer is \boxed{9^{9^{9^{9}}}}"}
    if kind == 2:
        return {"kind": "brackets", "subject": "math", "reference": "1",
                "response": r"\boxed{" + "(" * 10_000 + "1" + ")" * 10_000 + "}"}
    return {"kind": "lean-loop", "subject": "lean", "reference": None,
            "statement": "theorem t : 1 = 1", "response": LOOPING_LEAN}


def build(data: Path, n_pairs: int, seed: int) -> list[dict[str, Any]]:
    verify_bench.load_golds = load_golds  # MATH-500 instead of the whole MATH test set
    n_hostile = max(4, n_pairs // 100)
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for round_ in range(20):  # distinct pairs only: a repeated one would be a cache hit
        for p in verify_bench.build_pairs(data, n_pairs, seed + round_):
            if (p.response, p.reference) not in seen:
                seen.add((p.response, p.reference))
                rows.append({"kind": p.kind, "subject": "math", "response": p.response,
                             "reference": p.reference, "label": p.label})
        if len(rows) >= n_pairs - n_hostile:
            break
    rows = rows[:n_pairs - n_hostile]
    rng = random.Random(seed)
    for i in range(n_hostile):
        rows.insert(rng.randrange(len(rows) + 1), hostile(i) | {"label": None})
    return rows


def batches(rows: list[dict[str, Any]], size: int) -> list[list[dict[str, Any]]]:
    return [rows[i:i + size] for i in range(0, len(rows), size)]


# -- contenders (each runs in a child process) --------------------------------------------------
def trl_columns(batch: list[dict[str, Any]]) -> dict[str, Any]:
    return {"prompts": [[{"role": "user", "content": "Solve."}]] * len(batch),
            "completions": [[{"role": "assistant", "content": r["response"]}] for r in batch],
            "solution": [r["reference"] or "" for r in batch]}


def score_sciglm(batch: list[dict[str, Any]]) -> list[float | None]:
    from sciglm.records import VerifyItem
    from sciglm.rewards.source import default_source, to_reward

    items = [VerifyItem(str(i), r["subject"], r["response"], r["reference"],
                        extra={"statement": r["statement"]} if "statement" in r else {})
             for i, r in enumerate(batch)]
    return [to_reward(v, None) for v in default_source().verdicts(items)]


def http_scorer(workers: int, deadline: float) -> tuple[Any, Any]:
    """Start ``sciglm reward serve`` and return (score, stop)."""
    import requests

    server = subprocess.Popen(
        [sys.executable, "-m", "sciglm.cli.main", "reward", "serve", "--port", "0",
         "--workers", str(workers), "--deadline", str(deadline)],
        stdout=subprocess.PIPE, text=True)
    url = server.stdout.readline().split()[1]  # type: ignore[union-attr]

    def score(batch: list[dict[str, Any]]) -> list[float | None]:
        records = [{k: v for k, v in r.items() if k not in ("label", "kind")} | {"id": str(i)}
                   for i, r in enumerate(batch)]
        got = requests.post(f"{url}/verify", json=records, timeout=600).json()["verdicts"]
        return [None if v["correct"] is None else float(v["correct"]) for v in got]

    def stop() -> None:
        server.terminate()
        server.wait(timeout=60)

    return score, stop


def score_trl(batch: list[dict[str, Any]]) -> list[float | None]:
    from trl.rewards import accuracy_reward

    return accuracy_reward(**trl_columns(batch))


def score_trl_threads(batch: list[dict[str, Any]], threads: Any) -> list[float | None]:
    """verl's threaded reward loop: one sample per task in a thread pool."""
    from trl.rewards import accuracy_reward

    def one(row: dict[str, Any]) -> float | None:
        return accuracy_reward(**trl_columns([row]))[0]

    return list(threads.map(one, batch))


def run_contender(name: str, rows_path: str, out_path: str, args: argparse.Namespace) -> None:
    """Score every batch, appending one JSON line per batch to ``out_path`` as it ends."""
    import logging

    logging.disable(logging.WARNING)
    rows = json.loads(Path(rows_path).read_text())
    stop = None
    if name == "sciglm-inprocess":
        os.environ.update(SCIGLM_REWARD_WORKERS=str(args.workers),
                          SCIGLM_REWARD_DEADLINE=str(args.deadline))
        score = score_sciglm
    elif name == "sciglm-http":
        score, stop = http_scorer(args.workers, args.deadline)
    elif name == "trl-accuracy":
        score = score_trl
    else:
        from concurrent.futures import ThreadPoolExecutor

        pool = ThreadPoolExecutor(args.workers * 4)
        score = lambda batch: score_trl_threads(batch, pool)  # noqa: E731
    score(rows[:2])  # warm-up (imports, workers) is not timed
    with open(out_path, "a", encoding="utf-8") as out:
        for batch in batches(rows, args.batch):
            started = time.perf_counter()
            rewards = score(batch)
            out.write(json.dumps({"seconds": time.perf_counter() - started,
                                  "rewards": rewards}) + "\n")
            out.flush()
    if stop is not None:
        stop()


def measure(name: str, rows: list[dict[str, Any]], args: argparse.Namespace,
            tmp: Path) -> dict[str, Any]:
    rows_path, out_path = tmp / "rows.json", tmp / f"{name}.jsonl"
    rows_path.write_text(json.dumps(rows))
    command = [sys.executable, __file__, "--contender", name, "--rows", str(rows_path),
               "--out", str(out_path), "--batch", str(args.batch), "--workers",
               str(args.workers), "--deadline", str(args.deadline)]
    started = time.perf_counter()
    child = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        _, err = child.communicate(timeout=args.limit)
        hang = False
    except subprocess.TimeoutExpired:
        child.kill()
        _, err = child.communicate()
        hang = True
    wall = time.perf_counter() - started
    done = [json.loads(line) for line in open(out_path)] if out_path.exists() else []
    rewards = [r for batch in done for r in batch["rewards"]]
    scored = [(r, row["label"]) for r, row in zip(rewards, rows, strict=False)
              if row["label"] is not None]
    seconds = sum(b["seconds"] for b in done)
    return {
        "contender": name, "rewarded": len(rewards), "of": len(rows),
        "rewards_per_s": len(rewards) / seconds if seconds else 0.0,
        "slowest_batch_s": max((b["seconds"] for b in done), default=0.0),
        "hang": hang, "crash": (not hang and child.returncode != 0),
        "exit": child.returncode, "wall_s": wall,
        "agreement": (sum(1 for r, label in scored if r == (1.0 if label else 0.0))
                      / len(scored)) if scored else 0.0,
        "null": sum(1 for r in rewards if r is None),
        "error": err.strip().splitlines()[-1] if child.returncode and err.strip() else "",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=verify_bench.DEFAULT_DATA)
    parser.add_argument("--pairs", type=int, default=3000)
    parser.add_argument("--batch", type=int, default=48, help="GRPO-sized: 8 prompts x 6")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--deadline", type=float, default=15.0)
    parser.add_argument("--limit", type=float, default=300.0, help="seconds before a hang")
    parser.add_argument("--only", choices=CONTENDERS, action="append")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--contender", choices=CONTENDERS, help=argparse.SUPPRESS)
    parser.add_argument("--rows", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.contender:
        run_contender(args.contender, args.rows, args.out, args)
        return
    for name in ("gsm8k", "math500"):
        if not (args.data / name / "test.jsonl").is_file():
            raise SystemExit(f"Error: {args.data / name / 'test.jsonl'} not found (--data)")
    rows = build(args.data, args.pairs, args.seed)
    print(f"{len(rows)} pairs ({sum(r['label'] is None for r in rows)} hostile), batch "
          f"{args.batch}, {args.workers} workers, load average {os.getloadavg()[0]:.1f}",
          file=sys.stderr)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.only or CONTENDERS:
            result = measure(name, rows, args, Path(tmp))
            results.append(result)
            print(json.dumps(result) if args.json else
                  f"{name:22} {result['rewarded']}/{result['of']} rewarded, "
                  f"{result['rewards_per_s']:.1f} rewards/s, slowest batch "
                  f"{result['slowest_batch_s']:.2f}s, hang={result['hang']} "
                  f"crash={result['crash']} agreement={result['agreement']:.4f} "
                  f"null={result['null']} {result['error']}", flush=True)
    base = next((r for r in results if r["contender"] == "trl-accuracy"), None)
    ours = next((r for r in results if r["contender"] == "sciglm-inprocess"), None)
    if base and ours and base["rewards_per_s"]:
        print(f"sciglm in-process / TRL accuracy_reward: "
              f"{ours['rewards_per_s'] / base['rewards_per_s']:.2f}x "
              f"(load average now {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
