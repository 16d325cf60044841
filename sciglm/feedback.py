"""What a reflection round is told about a wrong answer: the *kind* of error, never the
reference.

The reference answer is shown only at the hint stage (:meth:`Subject.hint_prompt`); a verifier's
``reason`` often quotes it ("4.0 m/s differs from 4.2 m/s"), so the reflect prompt never shows
a reason. :func:`error_kind` compares the stated answer with the reference and names one
:class:`ErrorKind`: no answer, not a number, wrong sign, off by a power of ten, another value,
a wrong option or a wrong yes/no. None of them lets the reference be read back.
"""

from __future__ import annotations

import math
import re
from enum import Enum

from sciglm.records import Question, Verdict


class ErrorKind(Enum):
    """What is wrong with an answer, in words a reflection round may see."""

    NO_ANSWER = "no final answer was found; state it as \\boxed{ANSWER}"
    UNDECIDED = "the final answer could not be checked; state it plainly as \\boxed{ANSWER}"
    NOT_A_NUMBER = "the final answer should be a number (with its unit where there is one)"
    WRONG_SIGN = "the sign of the final answer is wrong"
    POWER_OF_TEN = ("the final answer is off by a power of ten: check unit prefixes, "
                    "conversions and exponents")
    WRONG_VALUE = "the final value is wrong"
    WRONG_OPTION = "the chosen option is wrong"
    WRONG_YES_NO = "the judgement (whether the statement holds) is wrong"
    WRONG = "the final answer is wrong"


#: A number opening an answer: sign, digits (``1,234.5``), an exponent (``e-3``,
#: ``\times 10^{8}``, ``× 10^8``, ``* 10**8``).
_NUMBER = re.compile(
    r"([-+−]?)\s*(\d[\d,]*(?:\.\d*)?|\.\d+)\s*"
    r"(?:(?:[eE]|(?:\\times|×|\\cdot|\*)\s*10\s*(?:\^|\*\*))\s*\{?\s*([-+−]?\d{1,3})\s*\}?)?")
_YES_NO = {"yes", "no", "true", "false", "correct", "incorrect", "是", "否", "对", "错"}


def leading_number(text: str) -> float | None:
    """The number an answer opens with (``-4.2 m/s``, ``1.5e-3``, ``$3 \\times 10^{8}$``), or
    ``None`` (an expression, a word). Only for naming an error's kind, never for a verdict."""
    match = _NUMBER.match(text.strip().lstrip("$\\( "))
    if match is None:
        return None
    value = float(match.group(2).replace(",", ""))
    if match.group(3):
        value *= 10.0 ** int(match.group(3).replace("−", "-"))
    return -value if match.group(1) in ("-", "−") else value


def error_kind(question: Question, verdict: Verdict) -> ErrorKind:
    """The kind of error of a wrong (or undecided) answer to ``question``."""
    stated, reference = verdict.predicted, question.reference
    if stated is None or not stated.strip():
        return ErrorKind.NO_ANSWER
    if verdict.correct is None:
        return ErrorKind.UNDECIDED
    if question.choices:
        return ErrorKind.WRONG_OPTION
    if reference is None:
        return ErrorKind.WRONG
    if reference.strip().lower().rstrip(".") in _YES_NO:
        return ErrorKind.WRONG_YES_NO
    expected = leading_number(reference)
    if expected is None:
        return ErrorKind.WRONG
    got = leading_number(stated)
    if got is None:
        return ErrorKind.NOT_A_NUMBER
    if expected and got and math.isclose(abs(got), abs(expected), rel_tol=0.02) and \
            (got < 0) != (expected < 0):
        return ErrorKind.WRONG_SIGN
    if expected and got and (got > 0) == (expected > 0):
        power = math.log10(abs(got) / abs(expected))
        if round(power) != 0 and abs(power - round(power)) < 0.01:
            return ErrorKind.POWER_OF_TEN
    return ErrorKind.WRONG_VALUE


def reflection_feedback(question: Question, verdict: Verdict) -> str:
    """The checker's feedback shown to a reflection round: the error's kind, in words."""
    return error_kind(question, verdict).value
