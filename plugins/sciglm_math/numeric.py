r"""A second fast path: evaluate constant LaTeX (``2\sqrt{3}``, ``\frac{\pi}{4}``, ``3-2i``,
tuples, sets and intervals of such) to floats (complex where ``i`` occurs) with a small
recursive-descent parser, no sympy.

Only numbers, ``+ - * / ^``, ``\cdot``, ``\times``, ``\div``, ``\frac``, ``\sqrt``, ``\pi``,
``\infty``, the imaginary unit ``i``, brackets and implicit products are understood; anything
else (a variable, a function, a union) makes :func:`evaluate` return ``None``, and the answer
goes to math-verify.
Work is bounded: answers arrive through the guards (short, shallow), recursion is capped, and
floats overflow into ``None`` rather than growing like integers.
"""

from __future__ import annotations

import cmath
import math
import re
from dataclasses import dataclass

from sciglm_math.guard import name_with_digits

MAX_DEPTH = 60
MAX_EXPONENT = 400.0
EXACT = 2.0**53  # beyond this floats cannot tell neighbouring integers apart

_NUMBER = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d{1,3}(?![\d.]))?")
_COMMAND = re.compile(r"\\([A-Za-z]+)")


class _Unsupported(Exception):
    """The text is not constant LaTeX this parser understands."""


@dataclass(frozen=True)
class Value:
    """A constant: one number, or a bracketed collection of numbers.

    ``kind`` is ``""`` for a number, ``"set"`` for ``\\{..\\}`` or a bare list, otherwise the
    two brackets, e.g. ``"()"`` (tuple or open interval) or ``"[)"``.
    """

    kind: str
    items: tuple[complex, ...]  # floats unless an ``i`` occurs
    decimal: bool  # written with a decimal point (so possibly rounded)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.depth = 0

    # -- helpers -----------------------------------------------------------------------------
    def peek(self, token: str) -> bool:
        return self.text.startswith(token, self.pos)

    def command(self) -> str | None:
        match = _COMMAND.match(self.text, self.pos)
        return match.group(1) if match else None

    def take(self, token: str) -> None:
        if not self.peek(token):
            raise _Unsupported(f"expected {token!r} at {self.pos}")
        self.pos += len(token)

    def done(self) -> bool:
        return self.pos >= len(self.text)

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Unsupported("too deep")

    # -- grammar -----------------------------------------------------------------------------
    def expr(self) -> complex:
        self.enter()
        value = self.term()
        while self.peek("+") or self.peek("-"):
            sign = self.text[self.pos]
            self.pos += 1
            right = self.term()
            value = value + right if sign == "+" else value - right
        self.depth -= 1
        return value

    def term(self) -> complex:
        value = self.factor()
        while not self.done():
            command = self.command() or ""
            if self.peek("*") or command in ("cdot", "times"):
                self.pos += 1 if self.peek("*") else len(command) + 1
                value *= self.factor()
            elif self.peek("/") or command == "div":
                self.pos += 1 if self.peek("/") else len(command) + 1
                divisor = self.factor()
                if divisor == 0:
                    raise _Unsupported("division by zero")
                value /= divisor
            elif self.starts_atom():
                value *= self.factor()  # implicit product: 2\sqrt{3}, 3\pi
            else:
                break
        return value

    def starts_atom(self) -> bool:
        if self.done():
            return False
        char = self.text[self.pos]
        return (
            char.isdigit()
            or char in ".({"
            or self.imaginary_unit()
            or self.command() in ("frac", "sqrt", "pi")
        )

    def imaginary_unit(self) -> bool:
        """``i`` standing alone (not the start of a word)."""
        if not self.peek("i"):
            return False
        after = self.text[self.pos + 1 : self.pos + 2]
        return not after.isalpha()

    def factor(self) -> complex:
        self.enter()
        if self.peek("-"):
            self.pos += 1
            value = -self.factor()
        elif self.peek("+"):
            self.pos += 1
            value = self.factor()
        else:
            value = self.power()
        self.depth -= 1
        return value

    def power(self) -> complex:
        base = self.atom()
        if not self.peek("^"):
            return base
        self.pos += 1
        exponent = self.argument()
        if isinstance(exponent, complex) or abs(exponent) > MAX_EXPONENT:
            raise _Unsupported("exponent out of range")
        whole = float(exponent).is_integer()
        try:
            if isinstance(base, complex):
                if not whole:
                    raise _Unsupported("complex root")
                return base ** int(exponent)
            if base < 0 and not whole:
                raise _Unsupported("not a real power")
            return math.pow(base, exponent)
        except (OverflowError, ValueError, ZeroDivisionError) as exc:
            raise _Unsupported(str(exc)) from exc

    def argument(self) -> complex:
        """A braced group, or a single digit (``\\frac12``, ``x^2``), or ``\\pi``."""
        if self.peek("{"):
            return self.group("{", "}")
        if not self.done() and self.text[self.pos].isdigit():
            self.pos += 1
            return float(self.text[self.pos - 1])
        if self.command() == "pi":
            self.pos += 3
            return math.pi
        raise _Unsupported("bad argument")

    def group(self, opening: str, closing: str) -> complex:
        self.take(opening)
        value = self.expr()
        self.take(closing)
        return value

    def atom(self) -> complex:
        if self.done():
            raise _Unsupported("unexpected end")
        match = _NUMBER.match(self.text, self.pos)
        if match:
            self.pos = match.end()
            if self.command() == "frac":
                raise _Unsupported("2\\frac{1}{2} may be a mixed number")
            return float(match.group(0))
        if self.peek("("):
            return self.group("(", ")")
        if self.peek("{"):
            return self.group("{", "}")
        if self.imaginary_unit():
            self.pos += 1
            return 1j
        command = self.command()
        if command == "frac":
            self.pos += 5
            numerator, denominator = self.argument(), self.argument()
            if denominator == 0:
                raise _Unsupported("division by zero")
            return numerator / denominator
        if command == "sqrt":
            self.pos += 5
            index = self.group("[", "]") if self.peek("[") else 2.0
            radicand = self.argument()
            if isinstance(radicand, complex) or isinstance(index, complex):
                raise _Unsupported("complex root")
            if radicand < 0 or index == 0:
                raise _Unsupported("not a real root")
            return radicand ** (1.0 / index)
        if command == "pi":
            self.pos += 3
            return math.pi
        if command == "infty":
            self.pos += 6
            return math.inf
        raise _Unsupported(f"unknown at {self.pos}")


def _split_top(text: str) -> list[str]:
    """Split at commas that are not inside brackets."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return parts


def _scalar(text: str) -> complex:
    parser = _Parser(text.strip())
    value = parser.expr()
    if not parser.done():
        raise _Unsupported(f"trailing text at {parser.pos}")
    if cmath.isnan(value) or (cmath.isinf(value) and "\\infty" not in text):
        raise _Unsupported("overflow")  # 10^{300}\cdot 10^{300} is not \infty
    return value


def evaluate(text: str) -> Value | None:
    """The constant a normalized answer spells, or ``None`` if it is not one (``i0`` is a
    name, not i·0)."""
    if name_with_digits(text):
        return None
    text = text.replace(" ", "")
    if not text:
        return None
    kind, inner = "", text
    if text.startswith("\\{") and text.endswith("\\}"):
        kind, inner = "set", text[2:-2]
    elif text[0] == "{" and text[-1] == "}" and len(_split_top(text[1:-1])) > 1:
        kind, inner = "set", text[1:-1]  # {2, 3, 5}: a set written without backslashes
    elif text[0] in "([" and text[-1] in ")]" and len(_split_top(text[1:-1])) > 1:
        kind, inner = text[0] + text[-1], text[1:-1]
    parts = _split_top(inner)
    if len(parts) > 1 and not kind:
        kind = "set"  # "1, 2" is read as the set {1, 2}, as math-verify does
    try:
        items = tuple(_scalar(part) for part in parts)
    except _Unsupported:
        return None
    return Value(kind, items, decimal="." in text)


def _round6(z: complex) -> tuple[float, float]:
    z = complex(z)
    return round(z.real, 6), round(z.imag, 6)


def _close(a: complex, b: complex, decimal: bool) -> bool:
    if cmath.isinf(a) or cmath.isinf(b):
        return a == b
    if cmath.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12):
        return True
    return decimal and _round6(a) == _round6(b)


def _brackets(value: Value) -> str:
    """The kind, with an infinite end written open (``[-\\infty, 3)`` is ``(-\\infty, 3)``)."""
    kind = value.kind
    if len(kind) == 2 and len(value.items) == 2:
        if value.items[0] == -math.inf:
            kind = "(" + kind[1]
        if value.items[1] == math.inf:
            kind = kind[0] + ")"
    return kind


def equal(reference: Value, answer: Value) -> bool | None:
    """Whether two constants are equal; ``None`` where floats cannot settle it."""
    ref_kind, ans_kind = _brackets(reference), _brackets(answer)
    if ref_kind != ans_kind:
        if min(len(reference.items), len(answer.items)) == 1 < max(
            len(reference.items), len(answer.items)
        ) and "" in (ref_kind, ans_kind):
            return False  # one number against several
        if len(ref_kind) == 2 and len(ans_kind) == 2 and len(reference.items) == 2:
            return False  # [a, b) is not (a, b]; a tuple is no closed interval
        return None  # a number against a tuple, a tuple against a set: math-verify's call
    if len(reference.items) != len(answer.items):
        return False
    if any(abs(x) >= EXACT for x in reference.items + answer.items if not cmath.isinf(x)):
        return None
    decimal = reference.decimal or answer.decimal
    ref, ans = reference.items, answer.items
    if reference.kind == "set":
        ref, ans = tuple(sorted(ref, key=_round6)), tuple(sorted(ans, key=_round6))
    return all(_close(a, b, decimal) for a, b in zip(ref, ans, strict=True))


_NOT_A_NUMBER = re.compile(r"\\begin\{|\\cup|\\cap|\\setminus")
_LATEX_WORD = re.compile(r"\\(?:text|mathrm|mbox|textbf|operatorname)\{[^{}]*\}|\\[A-Za-z]+")
_WORDS = re.compile(r"\\(?:text|mathrm|mbox|textbf)\{\s*[A-Za-z]{2,}(?:\s+[A-Za-z]+)*\s*\}")
_VARIABLE = re.compile(r"[A-Za-hj-z]")  # any letter but i (the imaginary unit)


def clearly_not_a_number(text: str, value: Value | None) -> bool:
    """A matrix, union, multi-element collection or expression in a variable (``2k``, ``x^2``)."""
    if value is not None:
        return value.kind != "" and len(value.items) > 1
    if "=" in text or "\\pm" in text or "\\mp" in text:
        return False
    if _NOT_A_NUMBER.search(text) or _WORDS.fullmatch(text) or name_with_digits(text):
        return True
    letters = _VARIABLE.findall(_LATEX_WORD.sub(" ", text))
    return bool(letters) and "e" not in letters  # e^{i\\pi} is a number
