"""Verify benchmark: accuracy and pairs/second of ``sciglm verify`` vs a plain math-verify loop.

Pairs come from the public MATH and GSM8K test sets: each gold answer against rewritten
equivalent forms (``\\frac{1}{2}`` → ``0.5`` / ``1/2``, ``\\dfrac``, ``\\left(``, thousands
separators, ``x = ...``, wrapped in a sentence, ``#### N``) labelled correct, and against wrong
answers (another problem's answer, an off-by-one, a flipped fraction) labelled wrong.

(a) ``sciglm verify`` is run as a user runs it: a child process reading a JSONL file, with
``--workers`` verifier processes; its time is end to end (interpreter start, imports, pool
start-up included). (b) is a single-process loop of ``math_verify.parse`` + ``verify`` on the
same responses, gold answers parsed as ``$answer$`` (math-verify's documented usage).

Usage::

    .venv/bin/python benchmarks/verify_bench.py --pairs 3000
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data"

_FRAC = re.compile(r"^(-?)\\[dt]?frac\{(\d+)\}\{(\d+)\}$")
_INT = re.compile(r"^-?\d+$")


@dataclass
class Pair:
    kind: str
    form: str  # how the response states the answer: boxed, inline $..$, bare, ####
    response: str
    reference: str
    label: bool


# -- building pairs -----------------------------------------------------------------------------
def load_golds(data: Path) -> tuple[list[str], list[str]]:
    """MATH answers (LaTeX) and GSM8K answers (the number after ``####``)."""
    math = [json.loads(line)["answer"] for line in open(data / "math" / "test.jsonl")]
    gsm = []
    for line in open(data / "gsm8k" / "test.jsonl"):
        gsm.append(json.loads(line)["answer"].rsplit("####", 1)[1].strip().replace(",", ""))
    return math, gsm


def thousands(number: str) -> str:
    sign, digits = ("-", number[1:]) if number.startswith("-") else ("", number)
    return sign + f"{int(digits):,}"


def decimal_of(a: int, b: int) -> str | None:
    """``a/b`` as a terminating decimal, or ``None``."""
    value = Fraction(a, b)
    for places in range(1, 7):
        scaled = value * 10**places
        if scaled.denominator == 1:
            return f"{float(value):.{places}f}"
    return None


def equivalent_forms(gold: str) -> list[tuple[str, str]]:
    """(kind, rewritten answer) pairs that mean the same as ``gold``."""
    forms = [("same", gold)]
    frac = _FRAC.match(gold)
    if frac:
        sign, a, b = frac.group(1), int(frac.group(2)), int(frac.group(3))
        forms.append(("frac-slash", f"{sign}{a}/{b}"))
        if "\\dfrac" not in gold:
            forms.append(("dfrac", gold.replace("\\frac", "\\dfrac")))
        decimal = decimal_of(a, b)
        if decimal:
            forms.append(("frac-decimal", sign + decimal))
    if _INT.match(gold):
        if abs(int(gold)) >= 1000:
            forms.append(("thousands", thousands(gold)))
        forms.append(("assignment", f"x = {gold}"))
    if gold.startswith("(") and gold.endswith(")"):
        forms.append(("left-right", "\\left" + gold[:-1] + "\\right)"))
    if " " in gold:
        forms.append(("spacing", gold.replace(" ", "")))
    elif "," in gold and not _INT.match(gold.replace("\\!", "").replace(",", "")):
        forms.append(("spacing", gold.replace(",", ", ")))
    return forms


def wrong_forms(gold: str, others: list[str], rng: random.Random) -> list[tuple[str, str]]:
    """(kind, answer) pairs that do not equal ``gold``."""
    forms = []
    if _INT.match(gold):
        forms.append(("off-by-one", str(int(gold) + rng.choice([-1, 1]))))
    frac = _FRAC.match(gold)
    if frac and frac.group(2) != frac.group(3):
        forms.append(("flipped", f"{frac.group(1)}\\frac{{{frac.group(3)}}}{{{frac.group(2)}}}"))
    for _ in range(20):
        other = rng.choice(others)
        if _different(gold, other):
            forms.append(("other-answer", other))
            break
    return forms


def _different(a: str, b: str) -> bool:
    if a.replace(" ", "") == b.replace(" ", ""):
        return False
    try:
        return Fraction(a.replace(",", "")) != Fraction(b.replace(",", ""))
    except (ValueError, ZeroDivisionError):
        return True


RESPONSES = [
    ("boxed", "Putting it together, the final answer is $\\boxed{{{answer}}}$."),
    ("inline", "So the answer is ${answer}$."),
    ("boxed", "Therefore we get $\\boxed{{{answer}}}$"),
    ("bare", "The answer is: {answer}"),
]


def respond(answer: str, rng: random.Random, gsm: bool) -> tuple[str, str]:
    """A short model-like response stating ``answer``, and its form."""
    work = "We compute step by step and check the result.\n"
    if gsm and rng.random() < 0.4:
        return "####", work + f"#### {answer}"
    form, template = rng.choice(RESPONSES)
    return form, work + template.format(answer=answer)


def build_pairs(data: Path, n_pairs: int, seed: int) -> list[Pair]:
    """``n_pairs`` labelled pairs, half correct and half wrong, from MATH and GSM8K golds."""
    rng = random.Random(seed)
    math, gsm = load_golds(data)
    sources = [(g, False, math) for g in math] + [(g, True, gsm) for g in gsm]
    rng.shuffle(sources)
    right: list[Pair] = []
    wrong: list[Pair] = []
    for gold, is_gsm, pool in sources:
        if len(right) >= n_pairs // 2 and len(wrong) >= n_pairs - n_pairs // 2:
            break
        kind, form = rng.choice(equivalent_forms(gold))
        if kind == "same" and is_gsm and _INT.match(gold) and abs(int(gold)) >= 1000:
            kind, form = "thousands", thousands(gold)
        right.append(Pair(kind, *respond(form, rng, is_gsm), gold, True))
        candidates = wrong_forms(gold, pool, rng)
        if candidates:
            kind, form = rng.choice(candidates)
            wrong.append(Pair(kind, *respond(form, rng, is_gsm), gold, False))
    pairs = right[: n_pairs // 2] + wrong[: n_pairs - n_pairs // 2]
    rng.shuffle(pairs)
    return pairs


# -- the two checkers ---------------------------------------------------------------------------
def run_math_verify(pairs: list[Pair]) -> tuple[list[bool | None], float]:
    """Plain single-process math-verify: ``verify(parse("$gold$"), parse(response))``."""
    import logging

    from math_verify import parse, verify

    logging.getLogger("math_verify").setLevel(logging.CRITICAL)
    verify(parse("$1$"), parse("$1$"))  # imports and grammar loading are not timed
    started = time.perf_counter()
    results: list[bool | None] = []
    for pair in pairs:
        gold = parse("$" + pair.reference.replace("$", "") + "$")
        results.append(bool(verify(gold, parse(pair.response))))
    return results, time.perf_counter() - started


def run_sciglm(pairs: list[Pair], workers: int) -> tuple[list[bool | None], float, dict]:
    """``sciglm verify`` in a child process, timed end to end."""
    with tempfile.TemporaryDirectory() as tmp:
        source, output = Path(tmp) / "pairs.jsonl", Path(tmp) / "verdicts.jsonl"
        with open(source, "w", encoding="utf-8") as handle:
            for index, pair in enumerate(pairs):
                record = {"id": str(index), "subject": "math", "response": pair.response,
                          "reference": pair.reference}
                handle.write(json.dumps(record) + "\n")
        command = [sys.executable, "-m", "sciglm.cli.main", "verify", str(source),
                   "--output", str(output), "--workers", str(workers), "--json"]
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        elapsed = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(f"sciglm verify failed:\n{done.stderr}")
        verdicts = [json.loads(line) for line in open(output, encoding="utf-8")]
    return [v["correct"] for v in verdicts], elapsed, json.loads(done.stdout)


# -- report -------------------------------------------------------------------------------------
def accuracy(pairs: list[Pair], results: list[bool | None], skip_form: str = "") -> float:
    kept = [(p, r) for p, r in zip(pairs, results, strict=True) if p.form != skip_form]
    return sum(r is p.label for p, r in kept) / max(1, len(kept))


def misses(pairs: list[Pair], results: list[bool | None]) -> Counter[str]:
    return Counter(f"{p.kind}/{p.form}({'right' if p.label else 'wrong'})"
                   for p, r in zip(pairs, results, strict=True) if r is not p.label)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=3000, help="number of pairs (default 3000)")
    parser.add_argument("--workers", type=int, default=2, help="sciglm verifier processes")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the public data folder")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)

    pairs = build_pairs(args.data, args.pairs, args.seed)
    mv_results, mv_seconds = run_math_verify(pairs)
    sg_results, sg_seconds, summary = run_sciglm(pairs, args.workers)
    figures = {
        "pairs": len(pairs),
        "correct_pairs": sum(p.label for p in pairs),
        "math_verify": {"accuracy": accuracy(pairs, mv_results), "seconds": mv_seconds,
                        "accuracy_without_bare": accuracy(pairs, mv_results, "bare"),
                        "pairs_per_second": len(pairs) / mv_seconds,
                        "misses": dict(misses(pairs, mv_results))},
        "sciglm": {"accuracy": accuracy(pairs, sg_results), "seconds": sg_seconds,
                   "accuracy_without_bare": accuracy(pairs, sg_results, "bare"),
                   "pairs_per_second": len(pairs) / sg_seconds, "workers": args.workers,
                   "undecided": summary["total"]["undecided"],
                   "misses": dict(misses(pairs, sg_results))},
    }
    figures["speedup"] = figures["sciglm"]["pairs_per_second"] / figures["math_verify"][
        "pairs_per_second"]
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"{len(pairs)} pairs ({figures['correct_pairs']} equivalent, "
          f"{len(pairs) - figures['correct_pairs']} wrong), seed {args.seed}")
    print(f"{'checker':<34} {'accuracy':>9} {'seconds':>8} {'pairs/s':>8} {'ratio':>6}")
    mv, sg = figures["math_verify"], figures["sciglm"]
    print(f"{'math-verify loop (1 process)':<34} {mv['accuracy']:>9.2%} {mv['seconds']:>8.1f} "
          f"{mv['pairs_per_second']:>8.1f} {1:>6.2f}")
    label = f"sciglm verify ({args.workers} workers, end to end)"
    print(f"{label:<34} {sg['accuracy']:>9.2%} {sg['seconds']:>8.1f} "
          f"{sg['pairs_per_second']:>8.1f} {figures['speedup']:>6.2f}")
    print(f"accuracy without bare-LaTeX responses ('The answer is: \\frac{{1}}{{2}}'): "
          f"math-verify {mv['accuracy_without_bare']:.2%}, "
          f"sciglm {sg['accuracy_without_bare']:.2%}")
    for name, result in (("math-verify", mv), ("sciglm", sg)):
        top = ", ".join(f"{k} {v}" for k, v in Counter(result["misses"]).most_common(8))
        print(f"misses of {name}: {top or 'none'}")


if __name__ == "__main__":
    main()
