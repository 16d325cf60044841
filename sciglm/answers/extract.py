"""Find the final answer in free model text: ``\\boxed{}``, "the answer is", ``#### N``,
the last expression or number, choice letters.

Pure string scanning with bounded, linear work (only the last :data:`MAX_SCAN` characters
are looked at, and every scan is a single pass); nothing is ever evaluated.
"""

from __future__ import annotations

import re

MAX_SCAN = 200_000  # characters of a response that are looked at (the tail)

_ANSWER_IS = re.compile(
    r"(?:final answer|the answer|answer)\s*(?:is|:|=)\s*[:：]?\s*(.{1,300}?)(?:\n|$)",
    re.IGNORECASE,
)
_HASHES = re.compile(r"####\s*(.{1,200}?)\s*(?:\n|$)")
_CHOICE = re.compile(r"(?<![A-Za-z])\(?([A-J])\)?(?![A-Za-z])")
_BOX_OPEN = re.compile(r"\\(?:boxed|fbox)\s*\{")
_MATH_SPAN = re.compile(
    r"\$\$([^$]{1,1000})\$\$"  # $$...$$
    r"|(?<!\\)\$((?:\\\$|[^$]){1,1000}?)(?<!\\)\$"  # $...$ (\$ is a dollar sign inside)
    r"|\\\((.{1,1000}?)\\\)|\\\[(.{1,1000}?)\\\]",  # \(...\) and \[...\]
    re.S,
)
TAIL_EXPRESSION = 10_000  # characters searched for a last expression or number
_NUMBER = re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d*\.?\d+(?:/\d+)?%?")


def _tail(text: str) -> str:
    return text[-MAX_SCAN:]


def boxed_contents(text: str) -> list[str]:
    r"""Contents of every ``\boxed{...}`` / ``\fbox{...}`` with balanced braces, in order.

    One pass over the text with a stack of open braces, so nested or unclosed boxes cost
    linear time (a megabyte of ``\boxed{\boxed{...`` is no slower than a megabyte of text).
    """
    text = _tail(text)
    starts = {m.end() - 1: m.end() for m in _BOX_OPEN.finditer(text)}
    if not starts:
        return []
    found: list[tuple[int, str]] = []
    stack: list[int] = []  # content start for a box brace, -1 for any other brace
    for index in range(min(starts), len(text)):
        char = text[index]
        if char == "{":
            stack.append(starts.get(index, -1))
        elif char == "}" and stack:
            start = stack.pop()
            if start >= 0:
                found.append((start, text[start:index].strip()))
    found.sort()
    return [content for _, content in found]


def last_boxed(text: str) -> str | None:
    """The last boxed answer, or ``None``."""
    boxed = boxed_contents(text)
    return boxed[-1] if boxed else None


def answer_is(text: str) -> str | None:
    """What follows the last "the answer is" / "Answer:", or ``None``."""
    matches = list(_ANSWER_IS.finditer(_tail(text)))
    if not matches:
        return None
    answer = matches[-1].group(1).strip().rstrip(".").strip()
    return answer or None


def hashes(text: str) -> str | None:
    """What follows the last ``####`` (GSM8K style), or ``None``."""
    matches = list(_HASHES.finditer(_tail(text)))
    return matches[-1].group(1).strip() if matches else None


def choice_letter(text: str, n_choices: int = 10) -> str | None:
    """A choice letter stated as the answer ("(C)", "answer is C", "\\boxed{C}")."""
    letters = "ABCDEFGHIJ"[:n_choices]
    for candidate in (last_boxed(text), answer_is(text), hashes(text)):
        if candidate:
            match = _CHOICE.search(candidate.strip().strip("$"))
            if match and match.group(1) in letters and len(candidate.strip()) <= 40:
                return match.group(1)
    stripped = text.strip().strip(".").strip("()")
    if len(stripped) == 1 and stripped in letters:
        return stripped
    return None


def final_answer(text: str) -> str | None:
    """The stated final answer: boxed, then ``####``, then "the answer is"."""
    for finder in (last_boxed, hashes, answer_is):
        found = finder(text)
        if found:
            return found
    return None


def _last_match(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    matches = pattern.finditer(text[-TAIL_EXPRESSION:])
    last = None
    for last in matches:  # noqa: B007 - keep the last one
        pass
    return last


def last_math(text: str) -> str | None:
    r"""The last ``$...$``, ``$$...$$``, ``\(...\)`` or ``\[...\]`` span, or ``None``."""
    last = _last_match(_MATH_SPAN, text)
    if last is None:
        return None
    content = next(group for group in last.groups() if group is not None).strip()
    return content or None


def last_number(text: str) -> str | None:
    """The last number in the text ("1,234", "-0.5", "3/4", "12%"), or ``None``."""
    last = _last_match(_NUMBER, text)
    return last.group(0) if last else None


def last_expression(text: str) -> str | None:
    """Where no answer is stated: the last math span, else the last number."""
    return last_math(text) or last_number(text)
