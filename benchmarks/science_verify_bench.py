"""Accuracy and speed of ``sciglm verify`` on physics/chemistry/biology answer pairs.

Pairs are built from the public sets (SciBench, SciEval, GAOKAO MCQs): the gold answer boxed,
the gold value rewritten in SI base units (SciBench, where its unit is known to pint), and wrong
answers (value × 1.2 or × 0.9; another choice letter; the opposite yes/no). The real CLI
checks them in its worker pool; the script prints accuracy per kind of pair and pairs/second.

    python benchmarks/science_verify_bench.py --data ../shared/data --workers 2
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from sciglm import registry
from sciglm.answers.quantity import parse_unit_text
from sciglm.answers.quantity import registry as units


def scibench_pairs(path: Path) -> list[dict]:
    pairs = []
    for q in registry.get_loader("scibench").loader(path):
        if q.subject not in ("physics", "chemistry"):
            continue
        base = {"subject": q.subject, "reference": q.reference, "unit": q.meta["unit"]}
        pairs.append(base | {"kind": "gold", "response": f"\\boxed{{{q.reference}}}",
                             "expect": True})
        value = float(q.reference)
        wrong_value = value * 1.2 if value else 1.0
        pairs.append(base | {"kind": "wrong x1.2", "response": f"\\boxed{{{wrong_value:.4g}}}",
                             "expect": False})
        scale, unit, _ = parse_unit_text(q.meta["unit"])
        if unit is None:
            continue
        si = units().Quantity(value * scale, unit).to_base_units()
        text = f"{si.magnitude:.5e} {si.units:~}".replace("**", "^")
        pairs.append(base | {"kind": "rewritten SI", "response": f"The answer is {text}.",
                             "expect": True})
        wrong = f"{si.magnitude * 0.9:.5e} {si.units:~}".replace("**", "^")
        pairs.append(base | {"kind": "wrong SI x0.9", "response": f"The answer is {wrong}.",
                             "expect": False})
    return pairs


def choice_pairs(questions: list, name: str) -> list[dict]:
    pairs = []
    for q in questions:
        if q.subject not in ("physics", "chemistry", "biology"):
            continue
        ref = q.reference
        base = {"subject": q.subject, "reference": ref}
        if ref.lower() in ("yes", "no"):
            other = "no" if ref.lower() == "yes" else "yes"
            pairs.append(base | {"kind": f"{name} yes/no gold", "response": f"Answer: {ref}",
                                 "expect": True})
            pairs.append(base | {"kind": f"{name} yes/no wrong", "response": f"Answer: {other}",
                                 "expect": False})
        elif ref.isalpha() and ref.isupper() and len(ref) <= 4:
            other = "A" if "A" not in ref else "D"
            pairs.append(base | {"kind": f"{name} letter gold",
                                 "response": f"So the answer is ({ref}).", "expect": True})
            pairs.append(base | {"kind": f"{name} letter wrong",
                                 "response": f"So the answer is ({other}).", "expect": False})
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    scieval = list(registry.get_loader("scieval").loader(args.data / "scieval/valid.jsonl"))
    gaokao = [q for q in registry.get_loader("gaokao").loader(
        args.data / "gaokao-bench/gaokao_stem.jsonl") if q.meta["type"].endswith("choice")]
    pairs = (scibench_pairs(args.data / "scibench/scibench.jsonl")
             + choice_pairs(scieval, "scieval") + choice_pairs(gaokao, "gaokao"))
    with tempfile.TemporaryDirectory() as tmp:
        source, out = Path(tmp) / "pairs.jsonl", Path(tmp) / "verdicts.jsonl"
        with open(source, "w", encoding="utf-8") as handle:
            for index, pair in enumerate(pairs):
                handle.write(json.dumps({"id": str(index)} | pair, ensure_ascii=False) + "\n")
        started = time.perf_counter()
        subprocess.run([str(Path(sys.executable).with_name("sciglm")), "verify", str(source),
                        "-o", str(out), "--workers", str(args.workers), "--json"],
                       check=True, capture_output=True)
        seconds = time.perf_counter() - started
        verdicts = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    total, right = Counter(), Counter()
    for pair, verdict in zip(pairs, verdicts, strict=True):
        total[pair["kind"]] += 1
        right[pair["kind"]] += verdict["correct"] is pair["expect"]
    print(f"{'kind':<24}{'pairs':>7}{'accuracy':>10}")
    for kind in sorted(total):
        print(f"{kind:<24}{total[kind]:>7}{right[kind] / total[kind]:>10.1%}")
    n = sum(total.values())
    print(f"{'all':<24}{n:>7}{sum(right.values()) / n:>10.1%}")
    print(f"sciglm verify --workers {args.workers}: {n} pairs in {seconds:.1f} s "
          f"(incl. start-up) = {n / seconds:.0f} pairs/s")


if __name__ == "__main__":
    main()
