r"""The hedge rule: an answer that offers several candidate values is not an answer.

A response that states more than one candidate for a single-valued reference lets a grader pick
the right one for it; as an RL reward that is the best known exploit. Every subject calls
:func:`resolve` on its stated answer before comparing. The forms (:class:`HedgeForm`):

- alternatives: ``6 or 7``, ``either 6 or 7``, ``\text{ or }``, ``2.5 J/3 J`` (a ``/`` between
  two numbers that carry the same unit; ``6/7`` and ``m/s`` stay a fraction and a unit);
- a list or set: ``6, 7``, ``\{6, 7\}``, ``(6, 7)``, several final boxes that disagree
  (extraction joins them into a list);
- a relation between values: ``\approx``, ``\sim``, ``<``, ``\le``, ``>``, ``\ge``, ``\ne`` …
  (a bare name such as ``x`` in ``x \approx 6`` is a name, not a candidate);
- a range or interval: ``6 to 7``, ``between 6 and 7``, ``6–7``, ``[6, 7]``, ``2.5-3 J``;
- ``\pm``/``\mp`` with a non-zero term.

The candidates are compared with the subject's own equality: when they all state the *same*
value (``6 \approx 6.0``, ``2.5 J or 2500 mJ``), that value is the answer; otherwise the verdict
is ``false`` with the reason :data:`SEVERAL_CANDIDATES`. A reference that itself has several
parts under these forms (a set, an interval, an inequality, ``\pm 3``) is not single-valued:
the answer is then compared whole, as a set where the subject compares sets. Pure string scans
(one pass each, bounded by the caller's size limits); nothing is evaluated.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Final

from sciglm.answers.extract import final_boxes
from sciglm.records import Verdict


class HedgeReason(str, Enum):
    """The reason a hedge verdict carries (typed: code compares the member, not the wording)."""

    SEVERAL_CANDIDATES = "several candidate answers"


SEVERAL_CANDIDATES: Final = HedgeReason.SEVERAL_CANDIDATES


class HedgeForm(str, Enum):
    """How an answer offers several candidates."""

    ALTERNATIVES = "alternatives"
    LIST = "list"
    RELATION = "relation"
    RANGE = "range"
    PLUS_MINUS = "plus-minus"


@dataclass(frozen=True)
class Hedge:
    """An answer found to offer several different candidate values."""

    form: HedgeForm
    candidates: tuple[str, ...]

    def verdict(self, predicted: str | None) -> Verdict:
        """The ``false`` verdict every subject gives a hedge."""
        details = {"hedge": self.form.value, "candidates": list(self.candidates[:10])}
        return Verdict(False, predicted, SEVERAL_CANDIDATES.value, details)


#: ``same(a, b)``: the subject's equality of two candidate values (``None``: cannot tell,
#: which counts as different).
Same = Callable[[str, str], "bool | None"]
#: ``evaluate(text)``: the subject's real value of a constant answer, or ``None``.
Evaluate = Callable[[str], "float | None"]

MAX_CANDIDATES = 50
#: Longest answer scanned for candidates; callers refuse longer ones first (the math guard at
#: 1,000 characters, physics/chemistry at 2,000, the scorers with ``null``). A longer
#: reference is text, not one value.
MAX_ANSWER = 2_000

_TEXT_WRAP = re.compile(r"\\(?:text|textrm|mathrm|textbf|mbox|textnormal)\s*\{([^{}]*)\}")
_SPACING = re.compile(r"\\(?:quad|qquad|[,;:! ])")
_FILLER = re.compile(
    r"^(?:\s|either\b|about\b|approximately\b|approx\.?|roughly\b|around\b|maybe\b|perhaps\b"
    r"|possibly\b|i\.e\.|that\s+is\b|so\b|or\b|also\b|equivalently\b)+",
    re.IGNORECASE,
)
_RELATION = re.compile(
    r"\\(?:approx|sim|simeq|thickapprox|approxeq|cong|lesssim|gtrsim|le|leq|leqslant|lt|ge|geq"
    r"|geqslant|gt|ne|neq|ll|gg)(?![A-Za-z])|[<>≈≤≥≠∼≃]"
)
_PLUS_MINUS = re.compile(r"\\(?:pm|mp)(?![A-Za-z])|±|∓")
_ZERO = re.compile(r"\s*\{?\s*0+(?:\.0*)?\s*\}?\s*(?![\d.])")
_OR = re.compile(r"(?<![A-Za-z])(?:or|either|\\lor|\\vee)(?![A-Za-z])", re.IGNORECASE)
_TO = re.compile(r"(?<=\S)\s+(?:to|through)\s+(?=\S)|(?<=\d)\s*[–—~]\s*(?=\d)", re.IGNORECASE)
_BETWEEN = re.compile(r"\s*between\b", re.IGNORECASE)
_AND = re.compile(r"(?<![A-Za-z])and(?![A-Za-z])", re.IGNORECASE)
_NAME = re.compile(r"\s*\\?[A-Za-z](?:_\{?[A-Za-z0-9]+\}?)?(?:\^\{?[A-Za-z0-9*]+\}?)?\s*")
#: ``2.5-3 J``: a hyphen between two numbers followed by a unit word is a range.
_HYPHEN_RANGE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)\s*([A-Za-z°%µΩÅ].*)$")
#: ``2.5 J/3 J``: each side of the ``/`` is a number and a unit.
_QUANTITY = re.compile(r"^\s*-?\d+(?:\.\d+)?(?:\s*(?:e|E)-?\d+)?\s*([A-Za-z°%µΩÅ][^/]*)$")
#: ``1,000`` is one number; ``0, 100`` (a comma and a space) is a list, as is ``115, 000``
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_COMMA = re.compile(r"[,;]")
MAX_CANDIDATE_WORDS = 3  # words of 3+ letters a candidate value may have ("the chloroplast")
_WORD = re.compile(r"[A-Za-z]{3,}")
_COMMAND = re.compile(r"\\[A-Za-z]+")
_SEVERAL = re.compile(
    r"[,;<>≈≤≥≠∼±∓]|\\(?:pm|mp|approx|sim|simeq|le|leq|ge|geq|lt|gt|ne|neq|cup|cap|in|lor|vee"
    r"|ldots|cdots|dots)(?![A-Za-z])|(?<![A-Za-z])(?:or|and|to|either|between)(?![A-Za-z])",
    re.IGNORECASE,
)
_INEQUALITY = re.compile(r"\\(?:le|leq|ge|geq|lt|gt|ne|neq|ll|gg)(?![A-Za-z])|[<>≤≥≠]")
_DECIMAL = re.compile(r"\s*(-?\d*\.(\d+))\s*")
_SAME_NOISE = re.compile(r"[\s()\[\]{}*]")
MAX_RESPONSE = 200_000  # as extract.MAX_SCAN: a longer response is refused before this
MAX_WINDOW = 80  # characters before a stated answer searched for "VALUE or"
_VALUE = (r"(-?\d[\d.,]*(?:\s*[A-Za-zµΩÅ°%/^]+)?|\$[^$\d]{0,40}\d[^$]{0,40}\$"
          r"|\\boxed\{[^{}]{1,40}\})")
_JOINER = (r"(?:[,;]|(?:,\s*)?(?<![A-Za-z])(?:or|and|to)\s|[–—<>≈≤≥≠]"
           r"|\\(?:approx|sim|simeq|leq?|geq?|lt|gt|neq?)(?![A-Za-z]))")
_ALTERNATIVE_BEFORE = re.compile(  # "VALUE or ANSWER", "VALUE, ANSWER", "VALUE \approx ANSWER"
    _VALUE + r"[\s$]*" + _JOINER + r"(?:\s|\$|\\boxed\{|\\\()*$", re.IGNORECASE
)
_PLUS_MINUS_BEFORE = re.compile(r"(?:\\pm|\\mp|±|∓)[\s{$]*$")
_AFTER = r"[\s$})]*(?:\\\))?[\s$]*(?:[.;]\s*(?=or\s))?"
_VALUE_AFTER = r"\s*(?:\$|\\boxed\{|\\\()?\s*" + _VALUE + r"(?!\w|\s*[-+*/=^])"  # not 30N + 7
_ALTERNATIVE_AFTER = re.compile(_AFTER + _JOINER + _VALUE_AFTER, re.IGNORECASE)
_OR_AFTER_BOX = re.compile(_AFTER + r"(?<![A-Za-z])or\s" + _VALUE_AFTER, re.IGNORECASE)
_WRAPPED_VALUE = re.compile(r"^\\boxed\{(.*)\}$|^\$(.*)\$$")
_OPEN, _CLOSE = "([{", ")]}"
# (form, where to split, drop bare names, split inside brackets too)
_SPLITTERS: tuple[tuple[HedgeForm, re.Pattern[str], bool, bool], ...] = (
    (HedgeForm.ALTERNATIVES, _OR, False, True),  # "or" even in an aside: 6 (or 7)
    (HedgeForm.LIST, _COMMA, False, False),
    (HedgeForm.LIST, _AND, False, False),
    (HedgeForm.RELATION, _RELATION, True, False),  # a bare name (x in x \approx 6) is none
    (HedgeForm.RANGE, _TO, False, False),
)


def _plain(text: str) -> str:
    """``\\text{ or }`` → `` or ``; spacing commands, ``$`` and ``\\left``/``\\right`` dropped."""
    for _ in range(3):
        new = _TEXT_WRAP.sub(r" \1 ", text)
        if new == text:
            break
        text = new
    text = re.sub(r"(?<=\d)(?:,\s*\\!\s*|\{,\})(?=\d{3}(?!\d))", ",", text)  # 11, \!111, 14{,}916
    text = re.sub(r"(?<=\d)\s*-{2,3}\s*(?=\d)", " – ", text)  # 6--7: an en dash
    text = _SPACING.sub(" ", text).replace("$", " ")
    text = re.sub(r"(?<=\d)\s*~\s*(?=\d)", " – ", text).replace("~", " ")  # 6~7: a range
    text = text.replace("\\left", "").replace("\\right", "")
    text = text.replace("\\{", "{").replace("\\}", "}")
    return text.strip().rstrip(".").strip()


def _top_level(text: str) -> list[int]:
    """A mask: 1 where a character lies outside every bracket, brace and parenthesis."""
    depth, mask = 0, []
    for char in text:
        if char in _CLOSE:
            depth = max(0, depth - 1)
        mask.append(1 if depth == 0 and char not in _CLOSE else 0)
        if char in _OPEN:
            depth += 1
    return mask


def _split(text: str, pattern: re.Pattern[str], anywhere: bool = False) -> list[str]:
    """``text`` split at the matches of ``pattern`` that lie outside every bracket (or at every
    match, ``anywhere``: "2.5 J (or 3 J)")."""
    mask = _top_level(text)
    parts, start = [], 0
    for match in pattern.finditer(text):
        inside = not all(mask[match.start():match.end()])
        if match.end() > match.start() and (anywhere or not inside):
            parts.append(text[start:match.start()])
            start = match.end()
    parts.append(text[start:])
    return parts


def _leading_group(text: str) -> tuple[str, str] | None:
    """``(inside, after)`` when ``text`` opens with a bracket pair (``[2, 3] J`` → ``2, 3``,
    ``J``), else ``None``."""
    if len(text) < 2 or text[0] not in _OPEN:
        return None
    depth = 0
    for index, char in enumerate(text):
        depth += (char in _OPEN) - (char in _CLOSE)
        if depth == 0:
            return text[1:index], text[index + 1:].strip()
    return None


def _values(parts: list[str], drop_names: bool = False) -> list[str]:
    values = []
    for part in parts:
        part = _FILLER.sub("", part).strip().strip(",;").strip()
        if part.count("(") != part.count(")"):  # the halves of an aside: "6 (", "7)"
            part = part.strip("()").strip()
        if not part or (drop_names and _NAME.fullmatch(part)):
            continue
        if len(_WORD.findall(_COMMAND.sub(" ", part))) > MAX_CANDIDATE_WORDS:
            continue  # prose, not a value: "mitochondria, the powerhouse of the cell"
        values.append(part)
    return values


def _same_unit_slash(text: str) -> list[str] | None:
    """``2.5 J/3 J`` → the two quantities; ``6/7``, ``10 m/s``, ``10 m/2 s`` → ``None``."""
    if text.count("/") != 1:
        return None
    left, right = text.split("/")
    a, b = _QUANTITY.match(left), _QUANTITY.match(right)
    if a and b and a.group(1).strip() == b.group(1).strip():
        return [left, right]
    return None


def candidates(answer: str, quantities: bool = False) -> tuple[HedgeForm, list[str]] | None:
    """The form and the candidate values when ``answer`` offers several, else ``None``.

    ``quantities``: the answer is a number with a unit (physics, chemistry), so ``2.5-3 J`` is
    a range and ``2.5 J/3 J`` two alternatives (in maths they are a difference and a quotient).
    The candidates are not yet compared: ``6 or 6`` gives two.
    """
    text = _plain(answer)
    if _PLUS_MINUS.search(text):
        pieces = _PLUS_MINUS.split(text)
        if not all(_ZERO.match(piece) for piece in pieces[1:]):
            plus = _PLUS_MINUS.sub("+", text)
            return HedgeForm.PLUS_MINUS, [plus, _PLUS_MINUS.sub("-", text)]
    text = _THOUSANDS.sub("", text)
    group = _leading_group(text)
    if group is not None and (not group[1] or (quantities and group[1][0].isalpha())):
        values = _values(_split(group[0], _COMMA))
        if len(values) > 1:
            interval = text[0] == "[" or text[len(group[0]) + 1] == "]"
            return (HedgeForm.RANGE if interval else HedgeForm.LIST), values
    if between := _BETWEEN.match(text):  # between 6 and 7
        values = _values(_split(text[between.end():], _AND))
        if len(values) == 2:
            return HedgeForm.RANGE, values
    for form, pattern, drop_names, anywhere in _SPLITTERS:
        values = _values(_split(text, pattern, anywhere), drop_names)
        if len(values) > 1:
            return form, values
    if quantities and (hyphen := _HYPHEN_RANGE.match(text)):
        unit = hyphen.group(3)
        return HedgeForm.RANGE, [f"{hyphen.group(1)} {unit}", f"{hyphen.group(2)} {unit}"]
    if quantities and (slash := _same_unit_slash(text)):
        return HedgeForm.ALTERNATIVES, slash
    return None


def single_valued(reference: str, quantities: bool = False) -> bool:
    """Whether a reference states one value: no list separator, relation, ``\\pm``, union,
    dots, "or"/"and"/"to" anywhere in it (a set, an interval, an inequality are several)."""
    text = _THOUSANDS.sub("", _plain(reference))
    return not _SEVERAL.search(text) and candidates(text, quantities) is None


def same_text(first: str, second: str) -> bool:
    """The comparator for callers without a subject's equality: the same text after dropping
    ``$``, ``\\text{}``, spaces, case and brackets (``(B)`` is ``B``), or the same number."""
    a, b = (_SAME_NOISE.sub("", _plain(text)).lower() for text in (first, second))
    if a == b:
        return True
    try:
        return float(a) == float(b)
    except ValueError:
        return False


def joined_alternative(response: str, answer: str) -> tuple[HedgeForm, list[str]] | None:
    """``(form, candidates)`` when the response joins its stated ``answer`` to another value
    by "or", "and", "to", a comma or a relation (``maybe 42 or 7``, ``1 and 0``, ``1 M \\approx
    0 M``; after a final box only "or": ``\\boxed{7} or 6``), or writes ``\\pm`` before it;
    else ``None``."""
    if not answer or len(response) > MAX_RESPONSE:
        return None
    boxes = final_boxes(response)
    if boxes:  # the answer is the final box: only "or VALUE" after its closing brace joins it
        if _plain(boxes[-1].content) != _plain(answer):
            return None
        after = _OR_AFTER_BOX.match(response, boxes[-1].end, boxes[-1].end + MAX_WINDOW)
        return _after(answer, after)
    response, answer = _TEXT_WRAP.sub(r" \1 ", response), _TEXT_WRAP.sub(r" \1 ", answer).strip()
    if not answer:
        return None
    at = response.rfind(answer)
    if at < 0:  # a unit the caller rewrote ("mol/L" → "mol/l"): find its number
        answer = answer.split()[0]
        at = response.rfind(answer)
    if at < 0:
        return None
    if _PLUS_MINUS_BEFORE.search(response, max(0, at - MAX_WINDOW), at):
        return HedgeForm.PLUS_MINUS, [answer, f"-{answer}"]
    before = _ALTERNATIVE_BEFORE.search(response, max(0, at - MAX_WINDOW), at)
    if before is not None:
        return HedgeForm.ALTERNATIVES, [_WRAPPED_VALUE.sub(r"\1\2", before.group(1)), answer]
    end = at + len(answer)
    return _after(answer, _ALTERNATIVE_AFTER.match(response, end, end + MAX_WINDOW))


def _after(answer: str, after: re.Match[str] | None) -> tuple[HedgeForm, list[str]] | None:
    if after is None:
        return None
    return HedgeForm.ALTERNATIVES, [answer, _WRAPPED_VALUE.sub(r"\1\2", after.group(1))]


def rounds_to(exact: str, shown: str, evaluate: Evaluate | None) -> bool:
    """Whether ``shown`` is a decimal rounding of ``exact`` (``\\frac{1}{3} \\approx 0.333``)."""
    decimal = _DECIMAL.fullmatch(shown)
    value = evaluate(exact) if evaluate is not None and decimal else None
    if decimal is None or value is None:
        return False
    return abs(value - float(decimal.group(1))) <= 0.5 * 10.0 ** -len(decimal.group(2)) + 1e-12


def resolve(
    answer: str, reference: str, same: Same, quantities: bool = False, response: str = "",
    evaluate: Evaluate | None = None,
) -> str | Hedge:
    """The one value ``answer`` states, or the :class:`Hedge` it is.

    ``answer`` unchanged when it offers one candidate or ``reference`` is not single-valued;
    the first candidate when every candidate is the same value as it by ``same`` (``6 \\approx
    6.0`` → ``6``), or, after ``\\approx`` alone, its decimal rounding by ``evaluate``
    (``\\frac{1}{3} \\approx 0.333``); else the hedge. ``response``, where given, is where
    ``answer`` was read: a value joined to it there is a candidate too
    (:func:`joined_alternative`).
    """
    if len(answer) > MAX_ANSWER:
        raise ValueError(f"answer over {MAX_ANSWER} characters: the caller refuses it first")
    if len(reference) > MAX_ANSWER or not single_valued(reference, quantities):
        return answer  # a long text or several values: compared whole by the subject
    found = candidates(answer, quantities)
    if found is None:
        found = joined_alternative(response, answer)
    if found is None:
        return answer
    form, values = found
    values = values[:MAX_CANDIDATES]
    first = values[0]
    # a candidate that is itself a hedge (``6 or 7, 8``) is never the same as another
    approximate = form is HedgeForm.RELATION and not _INEQUALITY.search(_plain(answer))
    if candidates(first, quantities) is None and all(
        candidates(value, quantities) is None
        and (same(first, value) is True or (approximate and rounds_to(first, value, evaluate)))
        for value in values[1:]
    ):
        return first
    return Hedge(form, tuple(values))
