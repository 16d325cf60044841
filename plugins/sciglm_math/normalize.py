r"""The fast paths: cleaning answer text and reading plain numbers without sympy.

``normalize`` rewrites LaTeX spellings that never change a value (``\dfrac`` → ``\frac``,
``\left(`` → ``(``, spacing, ``$``) so identical answers compare as equal strings.
``parse_number`` reads integers, decimals, thousands separators, simple fractions and
percentages into exact :class:`fractions.Fraction` s with plain regular expressions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

MAX_DIGITS = 60  # longer numbers go to the symbolic path (and its time bound)

_SPACING = re.compile(r"(?<!\\)\\[,:;! ]|\\quad|\\qquad|~|\s+")  # not the \\ of a new row
_LIST_COMMA = re.compile(r",\s+")
_TEXT_UNIT = re.compile(r"\\(?:text|mbox|mathrm|textbf)\{\s*([A-Za-z][A-Za-z .]*)\}\s*$")
# 3128 1/2, 3128\ 1/2: a mixed number written with a space (read before spaces go).
_MIXED_SPACE = re.compile(r"(?<![\d,.])(\d+)(?:\s|\\[ ,;:]|~)+(\d+)/(\d+)(?![\d/])")
_ELLIPSIS = re.compile(r"\\[lcv]?dots[bcimo]?(?![A-Za-z])|\.\.\.|…")
_PRIME = re.compile(r"\^\s*\{?\s*((?:\\prime\s*)+)\}?|’|′")
_DEGREES = re.compile(r"\^\s*\{?\\circ\}?")
_ASSIGN = re.compile(r"^[A-Za-z](?:_\{?\w+\}?|\d+)?\s*(?:=|\\approx)\s*(?!=)")
# 11,\! 111 and 14{,}916 (thousands, however spaced); "1 and 2", "1 \text{ or } 2" (lists).
_THOUSANDS_SEP = re.compile(r"(\d)\s*(?:\{\s*,\s*\}|,\s*\\!)\s*(?=\d{3}(?!\d))")
_AND_OR = re.compile(r"\s*,?\s*(?:\\text\s*\{\s*(?:and|or)\s*\}|\b(?:and|or)\b)\s*")
_TEXT_WRAP = re.compile(r"^\\(?:text|mathrm|textbf|mbox)\{([^{}]*)\}$")

_INT = r"(?:\d{1,3}(?:,\d{3})+|\d+)"
_DECIMAL = rf"(?:{_INT}(?:\.\d*)?|\.\d+)"
_NUM = re.compile(
    rf"^(?P<sign>[-+]?)(?P<num>{_DECIMAL})(?:[eE](?P<exp>[-+]?\d{{1,3}}))?(?P<pct>\\?%)?$"
)
_CLOCK = re.compile(r"^([01]?\d|2[0-4]):([0-5]\d)(?::([0-5]\d))?$")
_SLASH = re.compile(r"^(?P<sign>[-+]?)(?P<a>\d+)/(?P<b>\d+)$")
_FRAC = re.compile(r"^(?P<sign>[-+]?)\\frac\{(?P<s2>-?)(?P<a>\d+)\}\{(?P<b>\d+)\}$")
_FRAC_SHORT = re.compile(r"^(?P<sign>[-+]?)\\frac(?P<a>\d)(?P<b>\d)$")
_MIXED = re.compile(r"^(?P<sign>[-+]?)(?P<n>\d+)\\frac\{(?P<a>\d+)\}\{(?P<b>\d+)\}$")


def normalize(text: str) -> str:
    """A canonical spelling of an answer for exact comparison (value-preserving rewrites only)."""
    text = _ELLIPSIS.sub(lambda _: "\\dots", text)  # before a trailing "." is dropped
    text = text.strip().strip("$").strip().rstrip(".").rstrip()
    text = text.replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac")
    text = text.replace("\\left", "").replace("\\right", "").replace("\\displaystyle", "")
    text = _THOUSANDS_SEP.sub(r"\1,", text)
    text = _AND_OR.sub(", ", text).strip(", ")
    text = text.replace("\\$", "").replace("\\!", "")
    text = _DEGREES.sub("°", text)
    text = _MIXED_SPACE.sub(_mixed_fraction, text)
    text = _PRIME.sub(lambda m: "'" * max(1, (m.group(1) or "").count("prime")), text)
    unit = _TEXT_UNIT.search(text)
    if unit and unit.start() > 0:
        text = text[: unit.start()]
    wrapped = _TEXT_WRAP.match(text.strip())
    if wrapped:
        text = wrapped.group(1)
    # "1, 234" is a list and "1,234" a number: keep one space after a listing comma.
    text = _LIST_COMMA.sub(",\x00", text)
    text = _SPACING.sub("", text).replace("\x00", " ")
    return text.rstrip(".")


def _mixed_fraction(match: re.Match[str]) -> str:
    """``3128 1/2`` → ``3128\\frac{1}{2}`` where ``1/2`` is a proper fraction, else unchanged."""
    whole, numerator, denominator = match.groups()
    if 0 < int(numerator) < int(denominator):
        return f"{whole}\\frac{{{numerator}}}{{{denominator}}}"
    return match.group(0)


_THOUSANDS = re.compile(r"\d,\d{3}")


def same_but_spacing(a: str, b: str) -> bool:
    """Equal once the spaces after commas go, where no comma can be a thousands separator."""
    a, b = a.replace(" ", ""), b.replace(" ", "")
    return a == b and not _THOUSANDS.search(a)


def strip_assignment(text: str) -> str:
    """``x=3``, ``x_1=3``, ``x1=3`` → ``3`` (one variable set to a value); other text unchanged."""
    return _ASSIGN.sub("", text, count=1)


@dataclass(frozen=True)
class Number:
    """A plain number read from answer text."""

    value: Fraction
    #: Written with a decimal point (so it may be a rounded value).
    inexact: bool = False
    percent: bool = False

    def values(self) -> list[Fraction]:
        """What the text may mean: ``50%`` is 50 or 0.5 (as math-verify also accepts)."""
        return [self.value, self.value / 100] if self.percent else [self.value]


def parse_number(text: str) -> Number | None:
    """The number a normalized answer spells, or ``None`` if it is anything else."""
    if len(text) > MAX_DIGITS or not text:
        return None
    match = _NUM.match(text)
    if match:
        digits = match.group("num").replace(",", "")
        value = Fraction(digits) * Fraction(10) ** int(match.group("exp") or 0)
        if match.group("sign") == "-":
            value = -value
        return Number(value, inexact="." in digits, percent=bool(match.group("pct")))
    mixed = _MIXED.match(text)
    if mixed and 0 < int(mixed.group("a")) < int(mixed.group("b")):
        # 2\frac{1}{2} is the mixed number 5/2, as MATH writes it (never 2 * 1/2)
        value = int(mixed.group("n")) + Fraction(int(mixed.group("a")), int(mixed.group("b")))
        return Number(-value if mixed.group("sign") == "-" else value)
    for pattern in (_SLASH, _FRAC, _FRAC_SHORT):
        match = pattern.match(text)
        if match:
            denominator = int(match.group("b"))
            if denominator == 0:
                return None
            value = Fraction(int(match.group("a")), denominator)
            negative = (match.group("sign") == "-") != (match.groupdict().get("s2") == "-")
            return Number(-value if negative else value)
    return None


def _round6(value: Fraction) -> Fraction:
    return Fraction(round(value, 6))


def numbers_equal(a: Number, b: Number) -> bool:
    """Equal exactly, or to six decimals where one side was written as a decimal."""
    rounded = a.inexact or b.inexact
    for x in a.values():
        for y in b.values():
            if x == y or (rounded and _round6(x) == _round6(y)):
                return True
    return False


def clock_time(text: str) -> tuple[int, ...] | None:
    """``20:34`` → ``(20, 34)``, ``08:30:15`` → ``(8, 30, 15)``: a time of day, or ``None``."""
    match = _CLOCK.match(text)
    return tuple(int(part) for part in match.groups() if part is not None) if match else None


def prime_marks(text: str) -> list[tuple[str, int]]:
    """Each primed symbol and its number of marks (``f''(x)`` → ``[("f", 2)]``), sorted.

    Linear: each run of marks looks back at most :data:`MAX_SYMBOL` characters for its symbol.
    """
    marks = []
    for run in _MARKS.finditer(text):
        symbol = _SYMBOL_BEFORE.search(text, max(0, run.start() - MAX_SYMBOL), run.start())
        marks.append((symbol.group(0) if symbol else "", len(run.group(0))))
    return sorted(marks)


MAX_SYMBOL = 30
_MARKS = re.compile(r"'+")
_SYMBOL_BEFORE = re.compile(r"(?:\\?[A-Za-z]+|[)}\]])$")


def open_ended(text: str) -> bool:
    r"""Whether an answer elides terms (``1, 2, 3, \dots``): an infinite or open-ended list."""
    return "\\dots" in text
