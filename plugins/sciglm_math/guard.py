r"""Cheap checks that keep hostile answers away from the symbolic path.

Model output is hostile input. Before any text reaches math-verify (and through it the ANTLR
LaTeX parser and sympy), it must be short, shallowly nested and free of exponent towers and
huge powers. Each check is one linear pass over the text. (The time and memory bounds of the
worker pool stay the last line of defence; these checks make refusals instant.)
"""

from __future__ import annotations

import re

MAX_ANSWER_CHARS = 1000  # the longest MATH answer is 81 characters
MAX_NESTING = 8  # brackets and braces open at once (MATH answers: at most 3; the
# LaTeX parser slows down exponentially past about 10)
MAX_EXPONENT_NESTING = 2  # a^{b^{c}} is fine, a^{b^{c^{d}}} is refused
MAX_EXPONENT_DIGITS = 4  # 2^{1000} is fine, 10^{100000} is refused

_OPEN = "([{"
_CLOSE = ")]}"
_BIG_EXPONENT = re.compile(rf"\^\s*\{{?\s*-?\d{{{MAX_EXPONENT_DIGITS + 1},}}")
# Python powers, Knuth arrows, factorial towers, huge binomials, double superscripts (9^9^9).
_BIG_POWER = re.compile(r"\*\*|\\uparrow|!{2,}|\d{4,}\s*!|\\binom\{\d{5,}|\^\s*\w\s*\^")
_COMMAND = re.compile(r"\\[A-Za-z]+")
# A digit glued to the letter before it (x1, e0, ab0c), not an exponent (3e5, 1.5E2).
_DIGIT_AFTER_LETTER = re.compile(r"(?<=[A-Za-z])(?<![\d.][eE])\d")


def name_with_digits(text: str) -> str | None:
    """The first word or name with digits glued into it (``e0``, ``x1``, ``ab0c``), or ``None``.

    The LaTeX parser reads such a name as a product (``e0`` = e·0 = 0, ``x1`` = x), so a
    verdict on it would be a verdict on a misreading; a reader sees a word, not a number.
    """
    plain = _COMMAND.sub(" ", text)
    match = _DIGIT_AFTER_LETTER.search(plain)
    if match is None:
        return None
    start, end = match.start(), match.end()
    while start > 0 and plain[start - 1].isalnum():
        start -= 1
    while end < len(plain) and plain[end].isalnum():
        end += 1
    return plain[start:end]


def nesting_depth(text: str) -> int:
    """The deepest nesting of ``(``, ``[``, ``{`` in ``text``."""
    depth = deepest = 0
    for char in text:
        if char in _OPEN:
            depth += 1
            deepest = max(deepest, depth)
        elif char in _CLOSE:
            depth = max(0, depth - 1)
    return deepest


def exponent_nesting(text: str) -> int:
    """How many exponents are stacked: ``9^{9^{9}}`` is 2."""
    stack: list[bool] = []  # for each open brace: does it open an exponent?
    pending = False
    deepest = 0
    for char in text:
        if char == "^":
            pending = True
            deepest = max(deepest, sum(stack) + 1)
            continue
        if char == "{":
            stack.append(pending)
        elif char == "}" and stack:
            stack.pop()
        if not char.isspace():
            pending = False  # a^b with a one-character exponent opens nothing
    return deepest


def refuse(text: str) -> str | None:
    """Why ``text`` must not go to the symbolic checker, or ``None`` when it may."""
    if len(text) > MAX_ANSWER_CHARS:
        return f"answer too long to check ({len(text)} characters, limit {MAX_ANSWER_CHARS})"
    if nesting_depth(text) > MAX_NESTING:
        return f"answer nested too deeply to check (over {MAX_NESTING} brackets)"
    if exponent_nesting(text) > MAX_EXPONENT_NESTING:
        return "answer has an exponent tower too large to check"
    if _BIG_EXPONENT.search(text) or _BIG_POWER.search(text):
        return "answer has a power or factorial too large to check"
    return None


_EMPTY_ARGUMENT = re.compile(r"(?:\\(?:[dtc]?frac|sqrt|binom|text|mathrm|boxed)|[\^_])\s*\{\s*\}")
_FRAC_WITHOUT_ARGUMENT = re.compile(r"\\[dtc]?frac(?![A-Za-z])\s*(?![{\d\\])")
_DANGLING_END = re.compile(r"(?:[\^_=]|(?<!\\)\\)\s*$")
_ESCAPED_BRACE = re.compile(r"\\[{}]")


def malformed(text: str) -> str | None:
    r"""Why ``text`` is not well-formed LaTeX (``\frac{``, ``\sqrt{}``, ``x^``), or ``None``.

    Two identical malformed answers are not "the same answer": nothing parsable was compared.
    """
    braces = _ESCAPED_BRACE.sub("", text)
    depth = 0
    for char in braces:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return "a } closes nothing"
    if depth:
        return "a { is never closed"
    if text.count("\\left") != text.count("\\right"):
        return "\\left and \\right do not pair"
    if _EMPTY_ARGUMENT.search(text) or _FRAC_WITHOUT_ARGUMENT.search(text):
        return "a command is missing its argument"
    if _DANGLING_END.search(text):
        return "it ends in the middle of an expression"
    return None
