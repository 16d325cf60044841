"""Multiple-choice letters (``C``, ``BC``, ``(c)``) and true/false answers in free text."""

from __future__ import annotations

import re

from sciglm.answers.extract import answer_is, choice_letter, hashes, last_boxed
from sciglm.answers.reasoning import split_reasoning

LETTERS = "ABCDEFGHIJ"
_REFERENCE_LETTERS = re.compile(r"\(?\s*([A-Ja-j])\s*\)?|([A-J]{2,6})")
_SEP = r"[\s,，、;()（）]*"
_LETTER_LIST = re.compile(
    rf"^[\s(（]*([A-J](?:{_SEP}(?:and|和|与)?{_SEP}[A-J])*)[\s)）.。]*$"
)
_CHINESE_CHOICE = re.compile(r"(?:故选|答案为|答案是|选)\s*[:：]?\s*([A-J]{1,6})")
_LEADING_LETTER = re.compile(r"^\s*\(?([A-J])\)?(?:[.:：)\s]|$)")

TRUE_WORDS = {"true", "yes", "correct", "right", "t", "y", "对", "正确", "是", "√", "✓"}
FALSE_WORDS = {"false", "no", "incorrect", "wrong", "f", "n", "错", "错误", "否", "×", "✗"}


def reference_letters(reference: str) -> str | None:
    """The letter(s) a choice reference names (``"C"``, ``"(c)"``, ``"BC"``), else ``None``."""
    match = _REFERENCE_LETTERS.fullmatch(reference.strip())
    if not match:
        return None
    letters = (match.group(1) or match.group(2)).upper()
    if len(set(letters)) != len(letters):
        return None
    return "".join(sorted(letters))


def letters_in(candidate: str) -> str | None:
    """Letters when ``candidate`` is just a list of choice letters (``B, C``, ``(B) and (C)``)."""
    candidate = re.sub(r"\\text\s*\{([^{}]*)\}|\\mathrm\s*\{([^{}]*)\}", r"\1\2", candidate)
    candidate = candidate.strip().strip("$").strip()
    match = _LETTER_LIST.match(candidate)
    if match:
        return "".join(sorted(set(re.findall(r"[A-J]", match.group(1)))))
    match = _LEADING_LETTER.match(candidate)
    return match.group(1) if match else None


def predicted_letters(response: str, n_choices: int = 10) -> str | None:
    """The choice letter(s) a response settles on, or ``None``."""
    _, tail = split_reasoning(response)  # what follows the reasoning, scanned whole
    for candidate in (last_boxed(tail), answer_is(tail), hashes(tail)):
        if candidate:
            found = letters_in(candidate)
            if found:
                return found
    chinese = _CHINESE_CHOICE.findall(tail)
    if chinese:
        return "".join(sorted(set(chinese[-1])))
    found = letters_in(tail) if len(tail.strip()) <= 40 else None
    if found:
        return found
    single = choice_letter(tail, n_choices)
    if single:
        return single
    return None


def parse_bool(text: str) -> bool | None:
    """``True``/``False`` for yes/no/true/false/对/错 (the first word decides), else ``None``."""
    text = re.sub(r"\\text\s*\{([^{}]*)\}|\\mathrm\s*\{([^{}]*)\}", r"\1\2", text)
    text = text.strip().strip("$*().。!").strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    first = re.split(r"[\s,.;:!，。；：]", text, maxsplit=1)[0]
    if first in TRUE_WORDS - {"t", "y"}:
        return True
    if first in FALSE_WORDS - {"f", "n"}:
        return False
    return None


def predicted_bool(response: str) -> bool | None:
    """The true/false (yes/no) answer a response states, or ``None``."""
    _, tail = split_reasoning(response)  # what follows the reasoning, scanned whole
    for candidate in (last_boxed(tail), answer_is(tail), hashes(tail)):
        if candidate:
            value = parse_bool(candidate)
            if value is not None:
                return value
    value = parse_bool(tail) if len(tail) <= 200 else None
    if value is not None:
        return value
    lines = [line for line in tail.strip().splitlines() if line.strip()]
    return parse_bool(lines[-1]) if lines and len(lines[-1]) <= 200 else None
