"""Throughput of ``sciglm annotate`` against a loopback teacher with a fixed latency.

A loopback OpenAI-compatible server (its own process) answers every request after exactly
``--latency`` seconds with a correct boxed answer, so each question costs one request and
the limit is ``concurrency / latency`` questions per second. The figures are for the whole
pipeline — client, retries bookkeeping, response cache, verification in the worker pool
(real ``math`` subject), fsynced output — timed from the first question to the last record.
The baseline is a one-at-a-time loop like the original script (sync client, verify inline).
Each level runs twice: streamed answers (the default: a stall is noticed after the idle
timeout) and whole answers (``--no-stream``, labelled "whole").

    .venv/bin/python benchmarks/annotate_bench.py --latency 0.2 --concurrency 1 8 64
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import tempfile
import time
from pathlib import Path

import openai

from sciglm import registry
from sciglm.annotate.config import AnnotateConfig
from sciglm.annotate.runner import annotate
from sciglm.annotate.store import OutputStore
from sciglm.endpoint.loopback import serve_forever
from sciglm.records import Question, VerifyItem

ANSWER = "1 + 1 = 2.\nThe answer is \\boxed{2}."


def make_questions(n: int, tag: str) -> list[Question]:
    return [Question(id=f"{tag}-{i}", subject="math", question=f"({tag} {i}) What is 1+1?",
                     reference="2") for i in range(n)]


def run_sciglm(base_url: str, concurrency: int, n: int, folder: Path, stream: bool) -> float:
    """Questions per second of the annotate runner at ``concurrency``."""
    out = folder / f"c{concurrency}-{stream}.jsonl"
    options = AnnotateConfig(output=str(out), base_url=base_url, concurrency=concurrency,
                             max_tokens=64, workers=2, stream=stream)
    with OutputStore(out) as store:
        summary, _ = asyncio.run(annotate(make_questions(n, f"c{concurrency}-{stream}"), store,
                                          options))
    assert summary.count("cot") == n, f"expected {n} cot records, got {summary.stages}"
    return n / summary.wall_seconds


def run_sequential(base_url: str, n: int, folder: Path) -> float:
    """Questions per second of a one-at-a-time loop like the original script."""
    client = openai.OpenAI(base_url=base_url, api_key="sk-no-key", max_retries=0)
    subject = registry.get_subject("math")
    subject.warmup()
    started = time.monotonic()
    with open(folder / "sequential.jsonl", "w", encoding="utf-8") as sink:
        for q in make_questions(n, "seq"):
            response = client.chat.completions.create(
                model="loopback", messages=subject.cot_prompt(q), max_tokens=64)
            text = response.choices[0].message.content or ""
            verdict = subject.verify(VerifyItem(q.id, q.subject, text, q.reference))
            sink.write(json.dumps({"id": q.id, "response": text, "correct": verdict.correct})
                       + "\n")
            sink.flush()
    return n / (time.monotonic() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.2, help="server latency, seconds")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 64])
    parser.add_argument("--seconds", type=float, default=10.0,
                        help="target duration of each measurement at the limit")
    args = parser.parse_args()

    ctx = mp.get_context("spawn")
    ready: mp.Queue[int] = ctx.Queue()
    server = ctx.Process(target=serve_forever, args=(args.latency, ANSWER, 0, ready), daemon=True)
    server.start()
    base_url = f"http://127.0.0.1:{ready.get(timeout=30)}/v1"
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            n_seq = max(5, int(args.seconds / args.latency))
            sequential = run_sequential(base_url, n_seq, folder)
            rows = []
            for c in args.concurrency:
                limit = c / args.latency
                n = max(10, int(limit * args.seconds))
                for stream in (True, False):
                    rate = run_sciglm(base_url, c, n, folder, stream)
                    rows.append((f"c={c}" + ("" if stream else " whole"), n, rate, limit))
    finally:
        server.kill()
    print(f"latency {args.latency * 1000:.0f} ms per request, one request per question")
    print(f"{'loop':>12} {'questions':>9} {'q/s':>8} {'limit q/s':>9} {'of limit':>8} "
          f"{'vs loop':>8}")
    print(f"{'one-by-one':>12} {n_seq:>9} {sequential:>8.2f} {1 / args.latency:>9.1f} "
          f"{sequential * args.latency:>8.1%} {1.0:>7.1f}x")
    for label, n, rate, limit in rows:
        print(f"{label:>12} {n:>9} {rate:>8.2f} {limit:>9.1f} {rate / limit:>8.1%} "
              f"{rate / sequential:>7.1f}x")


if __name__ == "__main__":
    main()
