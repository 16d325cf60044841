"""Model output is hostile input: nothing it says is executed, and no answer stalls a run."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import math_verify
import math_verify.parser
import pytest
import sympy.parsing.sympy_parser as sympy_parser
from sciglm_math import symbolic

from tests.verify.cli_helpers import verify_records

NUMBER_TOKEN = re.compile(r"\s*-?[\d.,]+(?:[Ee][-+]?\d+)?\s*")
PAYLOADS = [
    "__import__('os').system('touch {marker}')",
    "The answer is __import__('os').system('touch {marker}')",
    r"\boxed{__import__('os').system('touch {marker}')}",
    "The answer is $(lambda: __import__('os').system('touch {marker}'))()$",
    r"\boxed{\operatorname{exec}(\text{open('{marker}','w')})}",
    "#### 1+__import__('os').system('touch {marker}')",
]


def test_latex_path_hands_sympy_only_digits(monkeypatch: pytest.MonkeyPatch) -> None:
    """sympy's ``parse_expr`` runs Python ``eval``; record every string that reaches it.

    math-verify's plain-expression path would pass it matched text; sciglm uses the LaTeX
    path only, where ``parse_expr`` sees nothing but the digits of number tokens.
    """
    symbolic.warmup()  # sympy sympifies its own constants on first use (unit prefix names)
    symbolic.compare("2", r"\frac{\sqrt{2}}{2}")
    seen: list[str] = []
    real = sympy_parser.parse_expr

    def spy(text: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(str(text))
        return real(text, *args, **kwargs)

    monkeypatch.setattr(sympy_parser, "parse_expr", spy)
    monkeypatch.setattr(math_verify.parser, "parse_expr", spy)
    answers = [p.replace("{marker}", "/tmp/x") for p in PAYLOADS] + [
        "1+1", r"\frac{\sqrt{2}}{2}", "x=3", r"\{1,2\}", "[1,2)", "2E-3", "1,234.5", r"50\%",
    ]
    for answer in answers:
        symbolic.compare("2", answer)
        symbolic.compare(answer, "2")
    assert seen, "the spy never saw a call; the test would prove nothing"
    assert all(NUMBER_TOKEN.fullmatch(text) for text in seen), seen
    # Control: math-verify's default extraction (with ExprExtractionConfig) does reach eval.
    seen.clear()
    math_verify.parse("The answer is 1+1")
    assert "1+1" in seen and not NUMBER_TOKEN.fullmatch("1+1")


def test_injection_payloads_do_not_run(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    records = []
    for i, payload in enumerate(PAYLOADS):
        text = payload.replace("{marker}", str(marker))
        # (a number that is not in the marker's path: "the last number" would find that one)
        records.append({"id": f"r{i}", "subject": "math", "response": text, "reference": "271"})
        records.append({"id": f"g{i}", "subject": "math", "response": r"\boxed{271}",
                        "reference": text})
    verdicts, _ = verify_records(tmp_path, records, "--workers", "2")
    assert not marker.exists()
    assert len(verdicts) == len(records)
    assert all(v["correct"] is not True for v in verdicts)


def test_hostile_answers_come_back_false_or_null_in_bound(tmp_path: Path) -> None:
    """The issue's hostile answers, then ordinary ones: every verdict comes, in order."""
    hostile = [
        r"\boxed{9^{9^{9^{9}}}}",
        r"\boxed{10^{10^{10^{10}}}}",
        r"\boxed{" + "(" * 10_000 + ")" * 10_000 + "}",
        "(" * 10_000 + "1" + ")" * 10_000,
        r"\boxed{" + "1" * 1_000_000 + "}",
        "x" * 1_000_000,
        r"\boxed{" + r"\frac{1}{" * 60 + "2" + "}" * 60 + "}",
        r"\boxed{" + r"\sqrt{" * 500 + "2" + "}" * 500 + "}",
    ]
    records = [{"id": f"h{i}", "subject": "math", "response": r, "reference": "1"}
               for i, r in enumerate(hostile)]
    records += [{"id": "ok", "subject": "math", "response": r"\boxed{\frac{1}{2}}",
                 "reference": "0.5"}]
    started = time.monotonic()
    verdicts, summary = verify_records(tmp_path, records, "--workers", "2", "--timeout", "5")
    assert time.monotonic() - started < 60
    assert [v["id"] for v in verdicts] == [r["id"] for r in records]
    assert all(v["correct"] in (False, None) for v in verdicts[:-1]), verdicts
    assert verdicts[-1]["correct"] is True
    for verdict in verdicts:
        assert verdict["predicted"] is None or len(verdict["predicted"]) < 400
    assert summary["subjects"]["math"]["total"] == len(records)


def test_a_check_past_its_timeout_is_undecided_and_the_run_goes_on(tmp_path: Path) -> None:
    r"""``9^{9^{9}}`` passes the guards; computing it takes longer than the pool allows."""
    records = [
        {"id": "slow", "subject": "math", "response": r"\boxed{9^{9^{9}}}", "reference": "1"},
        {"id": "after", "subject": "math", "response": r"\boxed{\sqrt{4}}", "reference": "2"},
    ]
    started = time.monotonic()
    verdicts, _ = verify_records(tmp_path, records, "--workers", "1", "--timeout", "2")
    elapsed = time.monotonic() - started
    slow, after = verdicts
    assert slow["correct"] is None, slow
    assert any(word in slow["reason"] for word in ("timed out", "memory", "died")), slow
    assert after["correct"] is True
    assert elapsed < 30
