r"""Equivalence through math-verify, on its LaTeX path only.

Security: math-verify's plain-expression extraction (``ExprExtractionConfig``) hands matched
text to ``sympy.parse_expr``, which runs Python ``eval``. sciglm never enables it: answers go
in as ``$...$`` with only :class:`LatexExtractionConfig`, which parses through the ANTLR LaTeX
grammar of latex2sympy2 and builds sympy objects directly (no ``sympify`` of strings, no
``parse_expr``). ``tests/verify/test_math_hostile.py`` checks this with an injection payload.

math-verify bounds parsing and comparison with ``signal.alarm``, which only works in a main
thread: these functions run in the verifier pool's worker processes, whose main thread runs
checks; the pool's own wall-clock timeout and memory cap stay the outer bound.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

#: Seconds (whole: signal.alarm) math-verify may spend parsing one answer, and comparing.
PARSE_SECONDS = 2
COMPARE_SECONDS = 3


@dataclass(frozen=True)
class Outcome:
    """``equal`` is ``None`` when math-verify could not decide (no parse, or a timeout)."""

    equal: bool | None
    reason: str


def warmup() -> None:
    """Import math-verify (ANTLR grammar, sympy) and silence its logging of whole answers."""
    for name in ("math_verify", "latex2sympy2_extended"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    compare("\\frac{1}{2}", "0.5")


def _parse(latex: str) -> tuple[list[object], bool]:
    """Parsed forms of ``latex`` (LaTeX path only) and whether the parse hit its time bound."""
    from math_verify import LatexExtractionConfig, parse

    text = latex.replace("$", " ")
    started = time.monotonic()
    parsed = parse(
        f"${text}$",
        extraction_config=[LatexExtractionConfig()],
        parsing_timeout=PARSE_SECONDS,
    )
    timed_out = not parsed and time.monotonic() - started >= PARSE_SECONDS - 0.05
    return parsed, timed_out


def compare(reference: str, answer: str) -> Outcome:
    """Whether ``answer`` equals ``reference`` by math-verify (reference as the gold side)."""
    from math_verify import verify

    gold, gold_slow = _parse(reference)
    if not gold:
        return Outcome(None, "parsing the reference timed out" if gold_slow else
                       "could not parse the reference as LaTeX")
    pred, pred_slow = _parse(answer)
    if not pred:
        if pred_slow:
            return Outcome(None, "parsing the answer timed out")
        return Outcome(False, "could not parse the answer as LaTeX")
    started = time.monotonic()
    equal = verify(gold, pred, timeout_seconds=COMPARE_SECONDS)
    if not equal and time.monotonic() - started >= COMPARE_SECONDS - 0.05:
        return Outcome(None, f"comparison timed out after {COMPARE_SECONDS}s")
    reason = "equivalent (math-verify)" if equal else "not equivalent (math-verify)"
    return Outcome(bool(equal), reason)
