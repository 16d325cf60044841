"""Throughput of filter (rules) + dedup (exact + MinHash/LSH) + decontamination, 10k → 100k records.

Synthetic annotated records: random-word questions (5% exact duplicates, 5% near duplicates,
1% carrying an evaluation question) with short boxed solutions. Wall and CPU seconds are both
printed: on a shared machine the CPU figure is the steadier one. Evaluation sets:
the default ones (``../shared/data``) when present, else 3,000 synthetic questions.

    .venv/bin/python benchmarks/mix_bench.py               # 10k, 20k, 50k, 100k
    .venv/bin/python benchmarks/mix_bench.py --sizes 10000,20000 --json
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sciglm.data.annotated import Annotated
from sciglm.data.decontam import EvalSet, NgramIndex, default_eval_sets, eval_questions
from sciglm.data.filter_config import FilterConfig
from sciglm.data.pipeline import run_filter
from sciglm.io.jsonl import write_jsonl


def synthetic_eval(folder: Path, rng: random.Random, words: list[str]) -> list[EvalSet]:
    rows = [{"question": " ".join(rng.choices(words, k=40))} for _ in range(3000)]
    write_jsonl(folder / "eval.jsonl", rows)
    return [EvalSet("synthetic", str(folder / "eval.jsonl"))]


def records(n: int, rng: random.Random, words: list[str], eval_texts: list[str]) -> list[Annotated]:
    out: list[Annotated] = []
    for i in range(n):
        roll = rng.random()
        if out and roll < 0.05:
            question = out[rng.randrange(len(out))].question
        elif out and roll < 0.10:
            toks = out[rng.randrange(len(out))].question.split()
            toks[rng.randrange(len(toks))] = rng.choice(words)
            question = " ".join(toks)
        elif roll < 0.11:
            question = "Consider this: " + rng.choice(eval_texts)
        else:
            question = " ".join(rng.choices(words, k=rng.randint(30, 70))) + "?"
        record = {"id": f"r{i}", "subject": "math", "question": question, "correct": True,
                  "stage": "cot", "response": f"Step by step we get {i}. The answer is "
                                              f"\\boxed{{{i % 97}}}."}
        out.append(Annotated(record, "synthetic.jsonl", i + 1))
    return out


def run(sizes: list[int]) -> list[dict[str, Any]]:
    import datasketch  # noqa: F401 - dedup loads it on first use: not part of the timings
    rng = random.Random(0)
    words = ["".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(3, 9)))
             for _ in range(5000)]
    with tempfile.TemporaryDirectory() as scratch:
        eval_sets = default_eval_sets() or synthetic_eval(Path(scratch), rng, words)
        eval_texts = [t for s in eval_sets for t in eval_questions(s)]
        started = time.perf_counter()
        index = NgramIndex(eval_sets)
        index_seconds = time.perf_counter() - started
        print(f"eval index: {len(eval_texts)} questions from {len(eval_sets)} set(s), "
              f"{len(index)} 13-grams, built in {index_seconds:.2f} s", file=sys.stderr)
        results = []
        for n in sizes:
            items = records(n, random.Random(n), words, eval_texts)
            steps = FilterConfig(output="kept.jsonl").steps(index)  # sciglm filter's defaults
            started, cpu_started = time.perf_counter(), time.process_time()
            kept, report = run_filter(items, steps, lambda record: None)
            seconds = time.perf_counter() - started
            cpu = time.process_time() - cpu_started
            steps = report.to_dict()["steps"][1:]
            results.append({"records": n, "seconds": round(seconds, 2),
                            "cpu_seconds": round(cpu, 2),
                            "records_per_second": round(n / seconds), "kept": len(kept),
                            "step_seconds": {s["step"]: s["seconds"] for s in steps},
                            "dropped": {s["step"]: s["dropped"] for s in steps}})
            print(f"{n:>7} records: {seconds:7.2f} s wall, {cpu:7.2f} s CPU, kept {len(kept)}, "
                  f"dropped {results[-1]['dropped']}, per step {results[-1]['step_seconds']}",
                  file=sys.stderr)
    base = results[0]
    for row in results:
        row["size_ratio"] = round(row["records"] / base["records"], 2)
        row["time_ratio"] = round(row["seconds"] / base["seconds"], 2)
        row["cpu_ratio"] = round(row["cpu_seconds"] / base["cpu_seconds"], 2)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,20000,50000,100000")
    parser.add_argument("--json", action="store_true", help="print results as JSON on stdout")
    args = parser.parse_args()
    results = run([int(s) for s in args.sizes.split(",")])
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{'records':>8} {'wall s':>8} {'CPU s':>8} {'rec/s':>8} {'size x':>7} {'time x':>7} "
          f"{'CPU x':>7}")
    for r in results:
        print(f"{r['records']:>8} {r['seconds']:>8.2f} {r['cpu_seconds']:>8.2f} "
              f"{r['records_per_second']:>8} {r['size_ratio']:>7} {r['time_ratio']:>7} "
              f"{r['cpu_ratio']:>7}")


if __name__ == "__main__":
    main()
