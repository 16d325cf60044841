"""Find the final answer in free model text: ``\\boxed{}``, "the answer is", ``#### N``,
choice letters. Pure string scanning with bounded work; nothing is evaluated."""

from __future__ import annotations

import re

MAX_SCAN = 200_000  # characters of a response that are looked at (the tail)

_ANSWER_IS = re.compile(
    r"(?:final answer|the answer|answer)\s*(?:is|:|=)\s*[:：]?\s*(.{1,300}?)(?:\n|$)",
    re.IGNORECASE,
)
_HASHES = re.compile(r"####\s*(.{1,200}?)\s*(?:\n|$)")
_CHOICE = re.compile(r"(?<![A-Za-z])\(?([A-J])\)?(?![A-Za-z])")


def _tail(text: str) -> str:
    return text[-MAX_SCAN:]


def boxed_contents(text: str) -> list[str]:
    r"""Contents of every ``\boxed{...}`` / ``\fbox{...}`` with balanced braces, in order."""
    text = _tail(text)
    found: list[str] = []
    for match in re.finditer(r"\\(?:boxed|fbox)\s*\{", text):
        depth, start = 1, match.end()
        for index in range(start, len(text)):
            char = text[index]
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    found.append(text[start:index].strip())
                    break
    return found


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
