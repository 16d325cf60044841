r"""Hedging: does a checker credit a response that offers several candidate answers?

Issue 29's rule (docs/verify.md, "A hedge is not an answer"): an answer stating more than one
candidate value for a single-valued reference is ``false``. This script runs hand-written hedge
cases (each labelled ``false``) and controls (the same value repeated, a set reference: labelled
``true``) through ``sciglm verify`` as a user runs it (a child process on a JSONL file, two
workers), through math-verify on its LaTeX path (``LatexExtractionConfig`` only, in this process:
no ``parse_expr``), and through SciEval's original substring rule (``reference in response``, as
``evaluate_SciEval.py`` scores judge and filling items), and prints how many hedges each credits.

Where the cases come from (provenance, column ``source``):

- ``mv47``: huggingface/Math-Verify issue 47 (2025-03-27): ``verify`` returns true when *any*
  parse of the prediction matches any parse of the gold (``any(product(gold, target))``), so a
  prediction naming several values is credited when one of them is right;
- ``pitfalls``: Huang et al., "Pitfalls of Rule- and Model-based Verifiers" (arXiv 2505.22203,
  2025): policies trained against lenient verifiers learn answer patterns the verifier
  over-credits; the hedge forms (``or``, ranges, approximations) are the rule-based variant;
- ``pi1028``: PrimeIntellect-ai/verifiers PR 1028 (2026-03): with no box, the whole text went to
  math-verify, so mentioning the answer anywhere ("maybe 42 or 7") earned the reward;
- ``or55``: huggingface/open-r1 PR 55 (2025-01): the reward must read the answer from a box or
  after "answer is", not from anywhere in the text;
- ``i29``: the probes of sciglm issue 29 (``\boxed{2.5 J or 3 J}``, ``\boxed{6 \approx 7}``);
- ``sciglm``: written here to cover each form of the rule in each subject.

Usage::

    .venv/bin/python benchmarks/hedge_bench.py [--show]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# (id, subject, response, reference, is the response right?, source)
CASES: list[tuple[str, str, str, str, bool, str]] = [
    ("h01", "physics", r"\boxed{2.5 J or 3 J}", "2.5 J", False, "i29"),
    ("h02", "math", r"\boxed{6 \approx 7}", "6", False, "i29"),
    ("h03", "math", r"\boxed{6 \text{ or } 7}", "6", False, "mv47"),
    ("h04", "math", r"\boxed{6} or \boxed{7}", "6", False, "mv47"),
    ("h05", "math", r"\boxed{6, 7}", "6", False, "mv47"),
    ("h06", "math", r"The answer is $\{6, 7\}$.", "6", False, "mv47"),
    ("h07", "math", r"\boxed{x = 6 \text{ or } x = 7}", "6", False, "mv47"),
    ("h08", "math", r"\boxed{6 \sim 7}", "6", False, "pitfalls"),
    ("h09", "math", r"\boxed{6 \le x \le 7}", "6", False, "pitfalls"),
    ("h10", "math", r"\boxed{6 < 7}", "6", False, "pitfalls"),
    ("h11", "math", r"\boxed{[6, 7]}", "6", False, "pitfalls"),
    ("h12", "math", r"\boxed{6 \text{ to } 7}", "6", False, "pitfalls"),
    ("h13", "math", r"\boxed{\pm 6}", "-6", False, "pitfalls"),
    ("h14", "math", "I am not sure, maybe 42 or 7", "7", False, "pi1028"),
    ("h15", "math", "It is either 7 or 42.", "42", False, "pi1028"),
    ("h16", "math", "The answer is either 6 or 7.", "6", False, "or55"),
    ("h17", "math", r"The answer is $\frac{1}{2}$ or $\frac{1}{3}$.", r"\frac{1}{3}", False,
     "or55"),
    ("h18", "math", r"\boxed{1} \quad \text{and} \quad \boxed{2}", "2", False, "mv47"),
    ("h19", "physics", r"\boxed{2.5 J} or \boxed{3 J}", "2.5 J", False, "i29"),
    ("h20", "physics", r"\boxed{3 J \approx 2.5 J}", "2.5 J", False, "pitfalls"),
    ("h21", "physics", r"\boxed{2.5-3 J}", "2.5 J", False, "pitfalls"),
    ("h22", "physics", r"\boxed{2.5 J/3 J}", "2.5 J", False, "sciglm"),
    ("h23", "physics", r"\boxed{[2.5, 3] J}", "2.5 J", False, "sciglm"),
    ("h24", "physics", r"\boxed{2.5 \pm 0.5 J}", "2.5 J", False, "sciglm"),
    ("h25", "physics", "either 2.5 J or 3 J", "2.5 J", False, "pi1028"),
    ("h26", "physics", r"\boxed{v = 10 m/s}, \boxed{t = 2 s}", "10 m/s", False, "sciglm"),
    ("h27", "physics", r"\boxed{A or B}", "A", False, "sciglm"),
    ("h28", "chemistry", r"\boxed{0.25 M or 0.5 M}", "0.25 M", False, "sciglm"),
    ("h29", "chemistry", r"\boxed{0.25 or 0.5}", "0.25 M", False, "sciglm"),
    ("h30", "chemistry", "The pH is between 4 and 5.", "4", False, "pitfalls"),
    ("h31", "biology", r"The answer is \boxed{yes or no}", "yes", False, "sciglm"),
    # controls: one value, said twice or rounded, and a set reference
    ("c01", "math", r"\boxed{6 \approx 6.0}", "6", True, "sciglm"),
    ("c02", "math", r"\boxed{6}, \boxed{6}", "6", True, "sciglm"),
    ("c03", "math", r"\boxed{\frac{1}{3} \approx 0.333}", r"\frac{1}{3}", True, "sciglm"),
    ("c04", "math", r"\boxed{x \approx 6}", "6", True, "sciglm"),
    ("c05", "math", r"\boxed{2, 3}", r"\{2, 3\}", True, "mv47"),
    ("c06", "math", r"\boxed{\pm 3}", r"\pm 3", True, "sciglm"),
    ("c07", "physics", r"\boxed{2.5 J or 2500 mJ}", "2.5 J", True, "sciglm"),
    ("c08", "physics", "The answer is 5 J, or about 5.0 J.", "5 J", True, "sciglm"),
    ("c09", "physics", r"\boxed{E = 2.5 J = 2500 mJ}", "2.5 J", True, "sciglm"),
    ("c10", "chemistry", "综上，故选：BC", "BC", True, "sciglm"),
]


def run_sciglm(workers: int) -> tuple[dict[str, dict[str, object]], float]:
    """``sciglm verify`` on the cases (a child process, as a user runs it) and its wall time."""
    with tempfile.TemporaryDirectory() as folder:
        source, output = Path(folder) / "hedges.jsonl", Path(folder) / "verdicts.jsonl"
        with open(source, "w", encoding="utf-8") as handle:
            for ident, subject, response, reference, _, _ in CASES:
                record = {"id": ident, "subject": subject, "response": response,
                          "reference": reference}
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        command = [sys.executable, "-m", "sciglm.cli.main", "verify", str(source), "--output",
                   str(output), "--workers", str(workers), "--json"]
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(f"Error: sciglm verify failed: {done.stderr.strip()[-500:]}")
        verdicts = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    return {v["id"]: v for v in verdicts}, seconds


def run_math_verify() -> dict[str, bool | None]:
    """math-verify's LaTeX path (no ``parse_expr``) on each case: gold and response parsed whole."""
    from math_verify import LatexExtractionConfig, parse, verify

    config = [LatexExtractionConfig(boxed_match_priority=0)]
    results: dict[str, bool | None] = {}
    for ident, _, response, reference, _, _ in CASES:
        gold = parse(f"${reference}$", extraction_config=config, parsing_timeout=2)
        answer = parse(response, extraction_config=config, parsing_timeout=2)
        results[ident] = bool(verify(gold, answer, timeout_seconds=3)) if gold and answer else None
    return results


def substring(response: str, reference: str) -> bool:
    """SciEval's original judge/filling rule: the reference occurs in the response."""
    return reference.lower() in response.lower()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--show", action="store_true", help="print every case's verdicts")
    args = parser.parse_args()
    sciglm, seconds = run_sciglm(args.workers)
    mathverify = run_math_verify()
    hedges = [case for case in CASES if not case[4]]
    controls = [case for case in CASES if case[4]]
    sources = sorted({case[5] for case in CASES})
    print(f"{len(hedges)} hedges (labelled false) and {len(controls)} controls (labelled true);"
          f" sources: {', '.join(sources)}")
    print(f"{'checker':<34} {'hedges credited':>16} {'controls right':>15}")
    rows = {
        "sciglm verify": {c[0]: sciglm[c[0]]["correct"] for c in CASES},
        "math-verify (LaTeX path)": mathverify,
        "substring (SciEval original)": {c[0]: substring(c[2], c[3]) for c in CASES},
    }
    for name, verdicts in rows.items():
        credited = [c[0] for c in hedges if verdicts[c[0]] is True]
        right = sum(verdicts[c[0]] is True for c in controls)
        print(f"{name:<34} {len(credited):>8}/{len(hedges):<7} {right:>8}/{len(controls):<6}"
              f"  {' '.join(credited)}")
    sciglm_reasons = sum(sciglm[c[0]]["reason"] == "several candidate answers" for c in hedges)
    print(f"sciglm hedges refused with the reason 'several candidate answers': "
          f"{sciglm_reasons}/{len(hedges)}; sciglm verify wall time {seconds:.1f} s")
    if args.show:
        for ident, subject, response, reference, label, source in CASES:
            verdict = sciglm[ident]
            print(f"{ident} {subject:<9} {source:<8} label={label!s:<5} "
                  f"sciglm={verdict['correct']!s:<5} math-verify={mathverify[ident]!s:<5} "
                  f"{response!r} vs {reference!r}: {verdict['reason'][:60]}")


if __name__ == "__main__":
    main()
