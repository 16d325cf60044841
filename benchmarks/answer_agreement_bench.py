"""Answer agreement: ``sciglm verify`` and math-verify on labelled answer pairs, side by side.

Two suites, both described in ``tests/verify/data/README.md``, each labelled with whether the
response states the reference answer:

- ``answer_pairs.jsonl``: pairs from peer graders' own test suites (huggingface/Math-Verify,
  QwenLM/Qwen2.5-Math, the MATH ``is_equiv`` tests) plus model-style outputs;
- ``answer_classes.jsonl``: the answer classes of issue 23 (a dropped prime, an open-ended list,
  malformed LaTeX, units, one-word answers, Chinese markers, numbers inside fractions, answers
  only inside ``<think>``, mixed numbers, clock times, ``1e-3``), each case citing the peer
  grader or paper its class comes from; the script also prints this suite class by class.

For each checker and suite the script prints how many verdicts agree with the label, its false
positives (``true`` where the label is false: the errors that matter most) and its misses
(``false``/``null`` where the label is true).

(a) ``sciglm verify`` runs as a user runs it: a child process on a JSONL file, two workers.
(b) math-verify gets exactly what its own tests feed it (the original gold and prediction strings
and the test's configuration: ``LatexExtractionConfig(boxed_match_priority=0)`` +
``ExprExtractionConfig``, precision, strictness). Its plain-expression path hands text to
``sympy.parse_expr`` (Python ``eval``), so it only ever runs here, on this trusted corpus, in a
child process with a per-pair timeout: a pair that hangs is killed and counted as ``null``.
sciglm never enables that path.

Usage::

    .venv/bin/python benchmarks/answer_agreement_bench.py [--pairs FILE ...] [--show]
"""

from __future__ import annotations

import argparse
import json
import os
import select
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "verify" / "data"
DEFAULT_SUITES = [DATA / "answer_pairs.jsonl", DATA / "answer_classes.jsonl"]
PAIR_TIMEOUT = 10.0  # seconds math-verify may spend on one pair before it is killed
sciglm_verdicts: dict[str, dict[str, Any]] = {}  # id -> sciglm's verdict record, for --show


def load_pairs(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


# -- (a) sciglm verify ---------------------------------------------------------------------------
def run_sciglm(pairs: list[dict[str, Any]], workers: int) -> tuple[list[bool | None], float]:
    """Verdicts of ``sciglm verify`` (a child process, as a user runs it) and its wall time."""
    with tempfile.TemporaryDirectory() as folder:
        source, output = Path(folder) / "pairs.jsonl", Path(folder) / "verdicts.jsonl"
        with open(source, "w", encoding="utf-8") as handle:
            for pair in pairs:
                record = {"id": pair["id"], "subject": "math", "response": pair["response"],
                          "reference": pair["reference"]}
                handle.write(json.dumps(record) + "\n")
        command = [sys.executable, "-m", "sciglm.cli.main", "verify", str(source),
                   "--output", str(output), "--workers", str(workers), "--json"]
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            sys.exit(f"sciglm verify failed: {done.stderr.strip()[-500:]}")
        verdicts = [json.loads(line) for line in open(output, encoding="utf-8")]
    by_id = {v["id"]: v for v in verdicts}
    sciglm_verdicts.update(by_id)
    return [by_id[pair["id"]]["correct"] for pair in pairs], seconds


# -- (b) math-verify, in a child process -----------------------------------------------------------
def mv_worker() -> None:
    """Child: read one pair per line on stdin, answer one verdict per line (math-verify's tests)."""
    import logging

    from math_verify import ExprExtractionConfig, LatexExtractionConfig, parse, verify

    logging.disable(logging.CRITICAL)
    for line in sys.stdin:
        pair = json.loads(line)
        options = pair.get("mv", {})
        targets = []
        if "latex" in options.get("match_types", "latex+expr"):
            targets.append(LatexExtractionConfig(boxed_match_priority=0))
        if "expr" in options.get("match_types", "latex+expr"):
            targets.append(ExprExtractionConfig())
        try:
            gold = parse(pair["gold"], targets)
            pred = parse(pair["response"], targets)
            kwargs = {"float_rounding": options.get("precision", 6),
                      "strict": options.get("strict", True)}
            if "allow_set_relation_comp" in options:
                kwargs["allow_set_relation_comp"] = options["allow_set_relation_comp"]
            result: bool | None = bool(verify(gold, pred, **kwargs))
        except Exception:  # noqa: BLE001 - a peer's failure is its null verdict
            result = None
        sys.stdout.write(json.dumps(result) + "\n")
        sys.stdout.flush()


def run_math_verify(pairs: list[dict[str, Any]]) -> tuple[list[bool | None], float, int]:
    """math-verify's verdicts, its wall time and how many pairs were killed at the timeout."""
    verdicts: list[bool | None] = []
    killed = 0
    started = time.perf_counter()
    child: subprocess.Popen[str] | None = None
    for pair in pairs:
        if child is None:
            child = subprocess.Popen(
                [sys.executable, __file__, "--mv-worker"], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, text=True, bufsize=1,
            )
        assert child.stdin is not None and child.stdout is not None
        child.stdin.write(json.dumps(pair) + "\n")
        child.stdin.flush()
        ready, _, _ = select.select([child.stdout], [], [], PAIR_TIMEOUT + 30 * (not verdicts))
        line = child.stdout.readline() if ready else ""
        if not line:
            child.kill()
            child.wait()
            child = None
            killed += 1
            verdicts.append(None)
            continue
        verdicts.append(json.loads(line))
    if child is not None:
        child.stdin.close()  # type: ignore[union-attr]
        child.wait(timeout=30)
    return verdicts, time.perf_counter() - started, killed


# -- report ----------------------------------------------------------------------------------------
def score(pairs: list[dict[str, Any]], verdicts: list[bool | None]) -> dict[str, Any]:
    agree = [(v is True) == p["expected"] for p, v in zip(pairs, verdicts, strict=True)]
    false_pos = [p["id"] for p, v in zip(pairs, verdicts, strict=True) if v is True and
                 not p["expected"]]
    misses = [p["id"] for p, v in zip(pairs, verdicts, strict=True) if v is not True and
              p["expected"]]
    return {"agree": sum(agree), "false_positives": false_pos, "misses": misses,
            "null": sum(v is None for v in verdicts)}


def by_class(pairs: list[dict[str, Any]], ours: list[bool | None],
             theirs: list[bool | None]) -> None:
    """Agreement and false positives of both checkers, one line per answer class."""
    classes = sorted({p["class"] for p in pairs if "class" in p})
    if not classes:
        return
    print(f"{'class':14} {'pairs':>5} {'sciglm agree':>12} {'fp':>3} {'math-verify agree':>17} "
          f"{'fp':>3}")
    for name in classes:
        rows = [i for i, p in enumerate(pairs) if p.get("class") == name]
        subset = [pairs[i] for i in rows]
        mine = score(subset, [ours[i] for i in rows])
        peer = score(subset, [theirs[i] for i in rows])
        print(f"{name:14} {len(rows):>5} {mine['agree']:>12} {len(mine['false_positives']):>3} "
              f"{peer['agree']:>17} {len(peer['false_positives']):>3}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=Path, nargs="+", default=DEFAULT_SUITES,
                        help="labelled suites (JSONL); default: both suites in tests/verify/data")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--show", action="store_true", help="list every disagreement")
    parser.add_argument("--mv-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mv_worker:
        mv_worker()
        return
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    for path in args.pairs:
        print(f"== {path.name}")
        report(load_pairs(path), args.workers, args.show)


def report(pairs: list[dict[str, Any]], workers: int, show: bool) -> None:
    """Run both checkers on one suite and print the comparison."""
    n = len(pairs)
    positives = sum(p["expected"] for p in pairs)
    sources = sorted({p["source"].split(" ")[0] for p in pairs})
    print(f"{n} labelled pairs ({positives} equivalent, {n - positives} not) from: "
          + ", ".join(sources))
    ours, ours_s = run_sciglm(pairs, workers)
    theirs, theirs_s, killed = run_math_verify(pairs)
    rows = [("sciglm verify", score(pairs, ours), ours_s),
            ("math-verify (its tests' config)", score(pairs, theirs), theirs_s)]
    header = f"{'checker':34} {'agree':>13} {'false pos.':>10} {'misses':>7} {'null':>5}"
    print(f"{header} {'seconds':>8}")
    for name, result, seconds in rows:
        share = f"{result['agree']}/{n} {100 * result['agree'] / n:.1f}%"
        print(f"{name:34} {share:>13} {len(result['false_positives']):>10} "
              f"{len(result['misses']):>7} {result['null']:>5} {seconds:>8.1f}")
    mine, peer = rows[0][1], rows[1][1]
    ratio = mine["agree"] / peer["agree"] if peer["agree"] else float("inf")
    print(f"agreement ratio sciglm / math-verify: {ratio:.3f}; math-verify pairs killed at "
          f"{PAIR_TIMEOUT:g}s: {killed}")
    only_ours = sum((a is True) == p["expected"] and (b is True) != p["expected"]
                    for p, a, b in zip(pairs, ours, theirs, strict=True))
    only_theirs = sum((b is True) == p["expected"] and (a is True) != p["expected"]
                      for p, a, b in zip(pairs, ours, theirs, strict=True))
    print(f"right only by sciglm: {only_ours}; right only by math-verify: {only_theirs}")
    print("sciglm false positives:", ", ".join(mine["false_positives"]) or "none")
    print("math-verify false positives:", ", ".join(peer["false_positives"]) or "none")
    by_class(pairs, ours, theirs)
    if show:
        for pair, a, b in zip(pairs, ours, theirs, strict=True):
            if (a is True) != pair["expected"] or (b is True) != pair["expected"]:
                verdict = sciglm_verdicts[pair["id"]]
                print(f"- {pair['id']} expected {pair['expected']}: sciglm {a} "
                      f"({verdict['reason'][:70]}), math-verify {b}; {pair['source']}")


if __name__ == "__main__":
    main()
