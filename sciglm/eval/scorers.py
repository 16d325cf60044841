"""Scorers a benchmark can name per protocol; they run inside verifier workers (time and memory
bound), called from :func:`sciglm.verify.worker.verify_one` when a check names one.

- ``subject``: the subject's verifier (no entry here: the worker's default).
- ``letter``: multiple choice judged by the letter: the option letter the response opens with
  (``B``, ``(B)``, ``B.``), else the one it states ("the answer is B", "答案是B", ``\\boxed{B}``).
- ``first-char``: SciGLM's SciEval rule for multiple choice: the response's first character
  equals the answer letter (case-insensitive).
- ``contains``: SciGLM's SciEval rule for judge and filling items: the reference occurs in the
  response (case-insensitive).
- ``scieval-original``: ``first-char`` for multiple-choice items, ``contains`` for the rest.
- ``custom``: the registered benchmark's own ``custom_score``.

A response longer than :data:`MAX_CHARS` is never judged (``null`` with the reason): a
verdict is never taken from part of an answer. Every scorer here obeys the hedge rule
(:mod:`sciglm.answers.hedge`, docs/verify.md): a response whose stated answer offers several
candidates for a single-valued reference (``A or B``, ``maybe 42 or 7``) is ``false`` with the
reason "several candidate answers", before the scorer's own rule; ``first-char`` and
``contains`` are SciEval's original rules otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sciglm.answers import extract, hedge
from sciglm.answers.choices import predicted_letters, reference_letters
from sciglm.records import Verdict, VerifyItem

#: Longest response a scorer reads (the letter extractor scans 20,000 characters).
MAX_CHARS = 20_000
#: An option letter opening the response: ``(B)…``, or ``B`` alone on its line or followed by
#: punctuation (``B.``, ``B:``, ``B)``); never the article in "A force of…".
_OPENING_LETTER = re.compile(
    r"^\s*(?:[(（\[]\s*([A-Ja-j])\s*[)）\]]|([A-Ja-j])\s*(?:[.．。:：,，、)）]|[ \t]*(?:\n|$)))"
)


def _too_long(item: VerifyItem) -> Verdict | None:
    if len(item.response) > MAX_CHARS:
        return Verdict(None, None, f"response of {len(item.response)} characters is longer "
                                   f"than the {MAX_CHARS} a scorer reads whole; not judged")
    return None


def _hedged(item: VerifyItem) -> Verdict | None:
    """``false`` when the response's stated answer offers several candidates (the hedge rule);
    ``null`` when the answer is too long to check for them."""
    stated = extract.stated_answer(item.response)
    if stated is None:
        return None
    if len(stated) > hedge.MAX_ANSWER:
        return Verdict(None, None, f"stated answer over {hedge.MAX_ANSWER} characters: "
                                   "cannot be checked for several candidate answers")
    found = hedge.resolve(stated, (item.reference or "").strip(), hedge.same_text,
                          response=item.response)
    return found.verdict(stated[:200]) if isinstance(found, hedge.Hedge) else None


def score_letter(item: VerifyItem) -> Verdict:
    """The option letter the response settles on against the reference letter(s)."""
    expected = reference_letters(item.reference or "")
    if expected is None:
        return Verdict(None, None, f"reference {item.reference!r} is not an option letter")
    if (long := _too_long(item)) is not None:
        return long
    if len(expected) == 1 and (hedged := _hedged(item)) is not None:
        return hedged
    allowed = "ABCDEFGHIJ"[: len(item.choices) if item.choices else 10]
    opening = _OPENING_LETTER.match(item.response)
    predicted = (opening.group(1) or opening.group(2)).upper() if opening else None
    if predicted is None or predicted not in allowed:
        predicted = predicted_letters(item.response, len(allowed))
    if predicted is not None and not set(predicted) <= set(allowed):
        predicted = None  # "I cannot tell": no option of this question
    if predicted is None:
        return Verdict(False, None, "no option letter in the response")
    correct = predicted == expected
    return Verdict(correct, predicted,
                   f"option {predicted} {'is' if correct else 'is not'} the answer {expected}")


def score_first_char(item: VerifyItem) -> Verdict:
    """SciEval's original multiple-choice rule: the first character is the answer letter."""
    reference = (item.reference or "").strip()
    if (long := _too_long(item)) is not None:
        return long
    if (hedged := _hedged(item)) is not None:
        return hedged
    response = item.response.strip()
    if not response:
        return Verdict(False, None, "empty response")
    first = response[0]
    correct = first.lower() == reference.lower()
    return Verdict(correct, first, f"first character {first!r} "
                                   f"{'equals' if correct else 'differs from'} {reference!r}")


def score_contains(item: VerifyItem) -> Verdict:
    """SciEval's original judge/filling rule: the reference occurs in the response."""
    reference = (item.reference or "").strip()
    if not reference:
        return Verdict(None, None, "no reference answer")
    if (long := _too_long(item)) is not None:
        return long
    if (hedged := _hedged(item)) is not None:
        return hedged
    correct = reference.lower() in item.response.lower()
    return Verdict(correct, item.response.strip()[:200],
                   f"reference {'found' if correct else 'not found'} in the response")


def score_scieval_original(item: VerifyItem) -> Verdict:
    """``first-char`` for multiple-choice SciEval items, ``contains`` for judge and filling."""
    if item.extra.get("type") == "multiple-choice":
        return score_first_char(item)
    return score_contains(item)


def score_custom(item: VerifyItem) -> Verdict:
    """The registered benchmark's own scorer (a third party's ``custom_score``)."""
    from sciglm import registry

    bench = registry.get_benchmark(str(item.benchmark))
    if bench.custom_score is None:
        return Verdict(None, None, f"benchmark {bench.name!r} names a custom scorer it lacks")
    return bench.custom_score(item)


SCORERS: dict[str, Callable[[VerifyItem], Verdict]] = {
    "letter": score_letter,
    "first-char": score_first_char,
    "contains": score_contains,
    "scieval-original": score_scieval_original,
    "custom": score_custom,
}


def get_scorer(name: str) -> Callable[[VerifyItem], Verdict]:
    """The scorer called ``name``; ``KeyError`` naming the known ones otherwise."""
    if name not in SCORERS:
        raise KeyError(f"unknown scorer {name!r} (known: subject, {', '.join(SCORERS)})")
    return SCORERS[name]
