"""Physics and chemistry answers through the real ``sciglm verify`` CLI and worker pool."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

SCIGLM = str(Path(sys.executable).with_name("sciglm"))

# (id, subject, response, reference, extra fields, expected "correct")
CASES = [
    ("kmh", "physics", r"The speed is \boxed{36 km/h}", "10 m/s", {}, True),
    ("latex-sci", "physics", r"The answer is $1.5 \times 10^{3}\,\mathrm{J}$", "1500 J", {}, True),
    ("atm", "chemistry", "The answer is 1 atm", "101325 Pa", {}, True),
    ("molar", "chemistry", r"\boxed{0.25 M}", "0.25 mol/L", {}, True),
    ("dimension", "physics", r"\boxed{5 N}", "5 kg", {}, False),
    ("e-notation", "physics", "The answer is 1.5e3 J", "1500 J", {}, True),
    ("x-notation", "physics", "The answer is 1.5 x 10^3 J", "1500 J", {}, True),
    ("unicode", "physics", "The answer is 1.5×10³ J", "1500 J", {}, True),
    ("mathrm", "physics", r"\boxed{2.0 \times 10^{-19} \mathrm{~J}}", "1.25 eV", {}, True),
    ("text-unit", "physics", r"\boxed{\text{12 m/s}}", "12 m/s", {}, True),
    ("celsius", "chemistry", r"\boxed{25^{\circ}C}", "298.15 K", {}, True),
    ("wrong", "physics", r"\boxed{12 m/s}", "10 m/s", {}, False),
    ("within-5pct", "physics", r"\boxed{10.4 m/s}", "10 m/s", {}, True),
    ("record-tol", "physics", r"\boxed{10.4 m/s}", "10 m/s", {"rel_tol": 0.01}, False),
    ("scibench-plain", "chemistry", r"\boxed{4.8}", "4.8", {"unit": r"$10^{-19} \mathrm{~J}$"},
     True),
    ("scibench-scaled", "chemistry", r"\boxed{4.8 \times 10^{-19} J}", "4.8",
     {"unit": r"$10^{-19} \mathrm{~J}$"}, True),
    ("scibench-wrong", "chemistry", r"\boxed{5.8 \times 10^{-19} J}", "4.8",
     {"unit": r"$10^{-19} \mathrm{~J}$"}, False),
    ("mc-letter", "physics", "Therefore the answer is (C).", "C",
     {"choices": ["1 m", "2 m", "3 m"]}, True),
    ("mc-value", "physics", r"\boxed{300 cm}", "C", {"choices": ["1 m", "2 m", "3 m"]}, True),
    ("mc-wrong", "physics", "The answer is (B).", "C", {}, False),
    ("mc-multi", "physics", "综上，故选：BC", "BC", {}, True),
    ("mc-multi-partial", "physics", "故选：B", "BC", {}, False),
    ("true-false", "physics", "So the claim fails. The answer is False.", "False", {}, True),
    ("yes-no", "biology", "Answer: yes", "yes", {}, True),
    ("yes-no-wrong", "biology", "Answer: no", "yes", {}, False),
    ("smiles", "chemistry", "Answer: CCO", "CCO", {}, True),
    ("symbolic", "physics", r"\boxed{\frac{m g}{k}}", r"\frac{mg}{k}", {}, True),
    # a hedge is not an answer (issue 29); the same quantity twice is one answer
    ("hedge", "physics", r"\boxed{2.5 J or 3 J}", "2.5 J", {}, False),
    ("hedge-unitless", "chemistry", r"\boxed{0.25 or 0.5}", "0.25 M", {}, False),
    ("same-twice", "physics", r"\boxed{2.5 J or 2500 mJ}", "2.5 J", {}, True),
    # size guards and scan limits give null with a reason, never a verdict from part of the text
    ("tower", "physics", r"\boxed{9^{9^{9^{9}}}}", r"\frac{mg}{k}", {}, None),
    ("nested", "physics", r"\boxed{" + "(" * 10000 + "1" + ")" * 10000 + "}", r"\frac{a}{b}", {},
     None),
    ("megabyte", "chemistry", "1" * 1_000_000, "5 m", {}, None),
    ("cut-off", "physics", r"The answer is \boxed{5 m", "5 m", {}, None),
    ("long-line", "chemistry", "5 m " + "x" * 600, "5 m", {}, None),
    ("formula", "chemistry", "The answer is 2H2O", "2", {}, False),
    ("huge-exponent", "chemistry", r"\boxed{1e999999 m}", "5 m", {}, False),
]


def test_verify_cli_decides_every_example(tmp_path: Path) -> None:
    source = tmp_path / "answers.jsonl"
    with open(source, "w", encoding="utf-8") as handle:
        for ident, subject, response, reference, extra, _ in CASES:
            record = {"id": ident, "subject": subject, "response": response, "reference": reference}
            handle.write(json.dumps(record | extra) + "\n")
    out = tmp_path / "verdicts.jsonl"
    started = time.monotonic()
    result = subprocess.run(
        [SCIGLM, "verify", str(source), "--output", str(out), "--workers", "2", "--json"],
        capture_output=True, text=True, timeout=120,
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    verdicts = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [v["id"] for v in verdicts] == [case[0] for case in CASES]
    wrong = [
        (v["id"], v["correct"], v["reason"][:120])
        for v, case in zip(verdicts, CASES, strict=True)
        if v["correct"] is not case[5]
    ]
    assert not wrong
    by_id = {v["id"]: v for v in verdicts}
    assert "dimension mismatch" in by_id["dimension"]["reason"]
    assert "too long to scan whole" in by_id["megabyte"]["reason"]
    assert "cut off" in by_id["cut-off"]["reason"]
    summary = json.loads(result.stdout)
    assert summary  # the --json summary is valid JSON on stdout
    assert elapsed < 60  # the hostile answers came back within their bounds
