r"""Find the final answer in free model text: ``\boxed{}``, "the final answer is …", ``#### N``,
a bare expression, the last maths span or number, choice letters.

Pure string scanning with bounded, linear work (every scan is a single pass); nothing is ever
evaluated. Nothing is judged from part of a response: a response longer than :data:`MAX_SCAN`
is not scanned at all (:func:`refusal` says why), and an answer cut off inside an unclosed
``\boxed{`` is no answer (:func:`refusal` again), never the digits that precede the cut.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

MAX_SCAN = 200_000  # characters of a response that are scanned; longer ones are refused

# Chinese markers: 答案: C, 答案是 12, 答案为 12, 故选 B (所以选, 因此选, 应选).
_CHINESE_MARKER = r"答案\s*(?:是|为)?\s*[:：]|答案\s*(?:是|为)|(?:故|所以|因此|应)选"
_ANSWER_IS = re.compile(
    rf"(?:(?:final answer|the answer|answer)\s*(?:is|:|=)|{_CHINESE_MARKER})"
    r"\s*[:：]?\s*(.+?)(?:\n|。|$)",
    re.IGNORECASE,
)
_HASHES = re.compile(r"####[ \t]*(.+?)\s*(?:\n|$)")
_CHOICE = re.compile(r"(?<![A-Za-z])\(?([A-J])\)?(?![A-Za-z'′])")  # E' is no letter
_BOX_OPEN = re.compile(r"\\(?:boxed|fbox)\s*\{")
_DELIMITER = re.compile(r"\\\$|\$\$|\$|\\\(|\\\)|\\\[|\\\]")
_CLOSER = {"$": "$", "$$": "$$", "\\(": "\\)", "\\[": "\\]"}
# A number standing alone: not inside a word, a name (x2, CO_2), an exponent or a command.
# A number standing alone: a clock time (20:34), a mixed number (3128 1/2), a decimal with an
# exponent (1e-3), a fraction or a percentage.
_NUMBER = re.compile(
    r"(?<![\w.^\\])-?(?:\d{1,2}:[0-5]\d(?![\d:])|\d+ [1-9]\d*/[1-9]\d*(?![\d/])"
    r"|(?:(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+(?![\w.]))?"
    r"(?:/\d+)?%?)"
)
# A number that is an argument of a command (\frac{63}{400}, \sqrt{2}, \sqrt[3]{8}) or one side
# of a ratio or time (3:4) is a fragment of that expression.
_ARGUMENT_BEFORE = re.compile(
    r"(?:\\(?:[dtc]?frac|d?binom|sqrt|overline)|[}\]])\s*\{\s*$|\\sqrt\s*\[\s*$|\d\s*:\s*$"
)
_RATIO_AFTER = re.compile(r"\s*:\s*\d")
#: Words that change the value of the number before them (``5 million``, ``3 factorial``).
VALUE_WORDS = (
    "squared", "cubed", "factorial", "inverse", "hundred", "thousand", "million", "billion",
    "trillion", "dozen", "halves", "thirds", "quarters", "fourths", "fifths", "sixths", "eighths",
    "tenths", "hundredths", "thousandths",
)
_VALUE_WORD_AFTER = re.compile(rf"\s*(?:{'|'.join(VALUE_WORDS)})\b", re.IGNORECASE)
_LETTERS_THEN_DIGIT = re.compile(r"[A-Za-z]+\d")
_POWER_AFTER = re.compile(r"\s*[\^_]")
_POWER_BEFORE = re.compile(r"[\^_]\s*\{?\s*$")
_OPERATOR = r"(?:[+*/×÷·]|\\(?:times|cdot|div)\b)"
_OPERATOR_AFTER = re.compile(rf"\s*{_OPERATOR}")
_OPERATOR_BEFORE = re.compile(rf"{_OPERATOR}\s*$")
_MARKER = re.compile(
    r"final\s+answer(?:\s+is)?\s*[:：]?|(?:the\s+)?answer\s+is\s*[:：]?|\banswer\s*[:：]"
    rf"|{_CHINESE_MARKER}",
    re.IGNORECASE,
)
_AFTER_MARKER = re.compile(r"[\s*:：]*")  # "**Final Answer**:\n" - bold and colons
_QUOTES = re.compile(r"^(?:\\?[\"'“”])+|(?:\\?[\"'“”])+$")  # "…", \"…\" around an answer
_SENTENCE_END = re.compile(r"\.(?=\s|$)|。|\n")
_COPULA = re.compile(r"\b(?:is|are|equals|be)\b")
_PROSE_WORD = re.compile(r"[A-Za-z]{3,}")
_LATEX_WORDS = re.compile(
    r"\\(?:text|mathrm|textbf|mbox|operatorname|mathbf|textnormal|begin|end)\s*\{[^{}]*\}"
    r"|\\[A-Za-z]+"
)
# What may stand between the boxes of one answer: punctuation, spacing, "and", "or", a
# short label ("for part (a)"), maths delimiters.
_CONNECTOR_NOISE = re.compile(
    r"\\(?:quad|qquad|text|mathrm|textbf)\b|\\[,;:! ]|[\s$~{}\\()\[\],;&]"
)
MAX_CONNECTOR = 40  # characters between two boxes of the same answer
MAX_CONNECTOR_WORDS = 4


def refusal(text: str) -> str | None:
    r"""Why ``text`` cannot be judged whole, or ``None``: too long to scan, or cut off in a box."""
    if len(text) > MAX_SCAN:
        return f"text too long to scan whole ({len(text)} characters, limit {MAX_SCAN})"
    _, unclosed = _scan_boxes(text)
    if unclosed is not None:  # every later box lies inside it: nothing after it is whole
        return "the last \\boxed{ is never closed: the answer is cut off"
    return None


@dataclass(frozen=True)
class Box:
    r"""One top-level ``\boxed{...}``: where it starts, where it ends (after ``}``), its content."""

    start: int
    end: int
    content: str


def _scan_boxes(text: str) -> tuple[list[Box], int | None]:
    """Top-level closed boxes in order, and where the first unclosed top-level box opens."""
    if len(text) > MAX_SCAN:
        return [], None
    openers = {m.end() - 1: m.start() for m in _BOX_OPEN.finditer(text)}
    if not openers:
        return [], None
    boxes: list[Box] = []
    stack: list[int] = []  # for each open brace: the start of its box, or -1
    open_boxes = 0
    for index in range(min(openers), len(text)):
        char = text[index]
        if char == "{":
            start = openers.get(index, -1)
            stack.append(start)
            open_boxes += start >= 0
        elif char == "}" and stack:
            start = stack.pop()
            if start >= 0:
                open_boxes -= 1
                if open_boxes == 0:
                    content_start = text.index("{", start) + 1
                    boxes.append(Box(start, index + 1, text[content_start:index].strip()))
    unclosed = [start for start in stack if start >= 0]
    return boxes, (min(unclosed) if unclosed else None)


def _unwrap(content: str) -> str:
    r"""``\boxed{\boxed{3}}`` → ``3``: a box whose whole content is another box."""
    while True:
        inner, _ = _scan_boxes(content)
        if len(inner) == 1 and inner[0].start == 0 and inner[0].end == len(content):
            content = inner[0].content
        else:
            return content


def boxed_contents(text: str) -> list[str]:
    r"""Contents of every ``\boxed{...}``/``\fbox{...}`` with balanced braces, in opening order.

    One pass over the text with a stack of open braces, so nested or unclosed boxes cost
    linear time. Text longer than :data:`MAX_SCAN` has none (it is not scanned).
    """
    if len(text) > MAX_SCAN:
        return []
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
    """The last boxed answer (the innermost where boxes nest), or ``None``."""
    boxed = boxed_contents(text)
    return boxed[-1] if boxed else None


def _is_connector(between: str) -> bool:
    if len(between) > MAX_CONNECTOR or "\n\n" in between or ". " in between:
        return False
    words = _CONNECTOR_NOISE.sub(" ", between).split()
    return len(words) <= MAX_CONNECTOR_WORDS


def final_boxes(text: str) -> list[Box]:
    r"""The boxes that state the final answer: the last top-level box and the boxes before it
    joined to it by short connectors (``\boxed{1}, \boxed{2}``, ``\boxed{(2, 2)} \quad
    \text{and} \quad \boxed{(6, 2)}``)."""
    boxes, _ = _scan_boxes(text)
    if not boxes:
        return []
    group = [boxes[-1]]
    for box in reversed(boxes[:-1]):
        if not _is_connector(text[box.end : group[0].start]):
            break
        group.insert(0, box)
    return group


def joined_boxes(text: str) -> str | None:
    """The final answer's boxes as one answer (``1, 2`` for two boxes), or ``None``."""
    contents: list[str] = []
    for box in final_boxes(text):
        content = _unwrap(box.content)
        if content and content not in contents:
            contents.append(content)
    return ", ".join(contents) if contents else None


@dataclass(frozen=True)
class Span:
    """One maths span (``$…$``, ``$$…$$``, ``\\(…\\)``, ``\\[…\\]``): where and what."""

    start: int
    end: int
    content: str


def math_spans(text: str) -> list[Span]:
    """Every closed maths span, left to right, in one pass (no length limit, no backtracking)."""
    if len(text) > MAX_SCAN:
        return []
    spans: list[Span] = []
    opener: tuple[str, int, int] | None = None  # (delimiter, its start, content start)
    for match in _DELIMITER.finditer(text):
        token = match.group(0)
        if token == "\\$":
            continue  # a dollar sign, inside or outside maths
        if opener is None:
            if token in _CLOSER:
                opener = (token, match.start(), match.end())
            continue
        if token == _CLOSER[opener[0]]:
            spans.append(Span(opener[1], match.end(), text[opener[2] : match.start()].strip()))
            opener = None
        elif opener[0] in ("$", "$$") and token in ("\\[", "\\("):
            continue
    return spans


class _Inside:
    """Whether a position lies inside one of some sorted, disjoint spans: a binary search."""

    def __init__(self, spans: list[Span]) -> None:
        self.spans = spans
        self.starts = [s.start for s in spans]

    def __call__(self, position: int) -> bool:
        index = bisect.bisect_right(self.starts, position) - 1
        return index >= 0 and position < self.spans[index].end


def standalone_numbers(text: str) -> list[re.Match[str]]:
    """Numbers that stand alone: never digits inside a word or formula (``AZYUK2A``, ``H2O``),
    a power (``10^{3}``) or an expression (``3 + 4``)."""
    found = []
    for match in _NUMBER.finditer(text):
        if not match.group(0) or not any(c.isdigit() for c in match.group(0)):
            continue
        if _LETTERS_THEN_DIGIT.match(text, match.end()):
            continue  # 2H2O: a coefficient of a formula, not a number
        if _POWER_AFTER.match(text, match.end()) or _POWER_BEFORE.search(
            text, max(0, match.start() - 4), match.start()
        ):
            continue  # 10^{3}: the base or the exponent alone is a fragment of a power
        if _OPERATOR_AFTER.match(text, match.end()) or _OPERATOR_BEFORE.search(
            text, max(0, match.start() - 8), match.start()
        ):
            continue  # 3 + 4: an operand alone is a fragment of an expression
        if _is_fragment(text, match):
            continue
        found.append(match)
    return found


def _is_fragment(text: str, match: re.Match[str]) -> bool:
    r"""Whether a number is an argument of a command (``400`` in ``\frac{63}{400}``), one side
    of a ratio (``3:4``) or changed by the word after it (``5 million``): never a number of its
    own."""
    before = text[max(0, match.start() - 24) : match.start()]
    return bool(
        _ARGUMENT_BEFORE.search(before)
        or _RATIO_AFTER.match(text, match.end())
        or _VALUE_WORD_AFTER.match(text, match.end())
    )


def is_expression(text: str) -> bool:
    """Whether ``text`` is a bare answer (``\\frac{10}{9}``, ``[1, 2]``, ``x = y``), not prose."""
    text = text.strip()
    if not text or "$" in text or "\n" in text:
        return False
    return not _PROSE_WORD.search(_LATEX_WORDS.sub(" ", text))


def _sentence(text: str, start: int, inside: _Inside) -> str:
    """The text from ``start`` to the end of its sentence (maths spans are not cut)."""
    for match in _SENTENCE_END.finditer(text, start):
        if match.start() > start and not inside(match.start()):
            return text[start : match.start()]
    return text[start:]


def answer_in_sentence(sentence: str) -> str | None:
    """The answer a stated sentence gives: "The largest $n$ is 34" → ``34``.

    A sentence that opens with the answer (``$28\\%$``, "5, which is the count") gives that;
    otherwise the answer follows the first "is"/"are"/"be"/"equals" outside maths.
    """
    sentence = _QUOTES.sub("", sentence.strip().rstrip(".").strip()).strip()
    boxed = joined_boxes(sentence)
    if boxed:
        return boxed
    opening = _opening_answer(sentence)
    if opening:
        return opening
    inside = _Inside(math_spans(sentence))
    copula = next((m for m in _COPULA.finditer(sentence) if not inside(m.start())), None)
    rest = _QUOTES.sub("", sentence[copula.end() :].strip()).strip() if copula else sentence
    if not rest:
        return None
    if copula and (opening := _opening_answer(rest)):
        return opening
    if is_expression(rest):
        return rest
    numbers = standalone_numbers(rest)
    if len(numbers) == 1:
        return numbers[0].group(0)
    spans = math_spans(rest)
    if len(spans) == 1:
        return spans[0].content or None
    return rest


def _opening_answer(text: str) -> str | None:
    """The answer ``text`` opens with: its maths span(s), or its only number, else ``None``."""
    spans = math_spans(text)
    if spans and spans[0].start == 0:
        gaps = [text[a.end : b.start] for a, b in zip(spans, spans[1:], strict=False)]
        gaps.append(text[spans[-1].end :])
        if len(spans) > 1 and all(_is_connector(gap) for gap in gaps):
            return ", ".join(span.content for span in spans)  # "$12$ and $13$"
        return spans[0].content or None
    if is_expression(text):
        return text
    numbers = standalone_numbers(text)
    if len(numbers) == 1 and numbers[0].start() == 0:
        return numbers[0].group(0)
    return None


def stated_sentence(text: str) -> tuple[str, int, bool] | None:
    """``(sentence, position, strong)`` after the last "final answer"/"the answer is" marker."""
    if len(text) > MAX_SCAN:
        return None
    last = None
    for last in _MARKER.finditer(text):  # noqa: B007 - keep the last one
        pass
    if last is None:
        return None
    start = _AFTER_MARKER.match(text, last.end()).end()  # type: ignore[union-attr]
    sentence = _sentence(text, start, _Inside(math_spans(text)))
    return sentence, last.start(), "final" in last.group(0).lower()


def answer_is(text: str) -> str | None:
    """What follows the last "the answer is" / "Answer:" on its line, or ``None``."""
    if len(text) > MAX_SCAN:
        return None
    matches = list(_ANSWER_IS.finditer(text))
    if not matches:
        return None
    answer = matches[-1].group(1).strip().rstrip(".。").strip()
    return answer or None


def hashes(text: str) -> str | None:
    """What follows the last ``####`` (GSM8K style), or ``None``."""
    if len(text) > MAX_SCAN:
        return None
    matches = list(_HASHES.finditer(text))
    return matches[-1].group(1).strip() if matches else None


def choice_letter(text: str, n_choices: int = 10) -> str | None:
    r"""A choice letter stated as the answer ("(C)", "answer is C", ``\boxed{C}``, ``$E$``)."""
    letters = "ABCDEFGHIJ"[:n_choices]
    for candidate in (last_boxed(text), answer_is(text), hashes(text)):
        if candidate:
            match = _CHOICE.search(_plain(candidate))
            if match and match.group(1) in letters and len(candidate.strip()) <= 40:
                return match.group(1)
    stripped = _plain(text).strip(".").strip("()") if len(text) <= 200 else ""
    if len(stripped) == 1 and stripped in letters:
        return stripped
    return None


def _plain(text: str) -> str:
    r"""``$\text{(E)}$`` → ``(E)``: maths delimiters, ``\text{}`` wrappers and bold stripped."""
    text = re.sub(r"\\(?:text|textbf|mathrm|mathbf|mbox)\s*\{([^{}]*)\}", r"\1", text)
    text = text.replace("\\(", "").replace("\\)", "").replace("**", "")
    return text.strip().strip("$").strip()


def final_answer(text: str) -> str | None:
    """The stated final answer: boxed, then ``####``, then "the answer is"."""
    for finder in (last_boxed, hashes, answer_is):
        found = finder(text)
        if found:
            return found
    return None


def stated_answer(text: str) -> str | None:
    r"""The answer a reader would take from a whole response, or ``None``.

    In order: the final answer's boxes (several joined: ``\boxed{1}, \boxed{2}`` → ``1, 2``)
    unless a later "Final answer: …" sentence restates it; ``#### N``; the answer inside the
    last "final answer is …"/"the answer is …" sentence; the whole response when it is a bare
    expression; the last sentence's maths span or lone number. Never digits inside a word.
    """
    if refusal(text):
        return None  # too long, or cut off inside a box: no answer is read from part of it
    boxes = final_boxes(text)
    stated = stated_sentence(text)
    if boxes and not (stated and stated[2] and stated[1] > boxes[-1].end):
        return joined_boxes(text)
    found = hashes(text)
    if found:
        return found
    if stated:
        found = answer_in_sentence(stated[0])
        if found:
            return found
    word = one_word(text)
    if word:
        return word
    if is_expression(text):  # whole, however long: the subject's size guard decides
        return text.strip().rstrip(".").strip()
    return last_expression(text)


_ONE_WORD = re.compile(r"[\s*_\"'“”]*([A-Za-z]{1,20})[\s*_\"'“”.!]*")


def one_word(text: str) -> str | None:
    """A response that is one word (``odd``, ``**None**``, ``"even".``): that word."""
    match = _ONE_WORD.fullmatch(text) if len(text) <= 40 else None
    return match.group(1) if match else None


def last_math(text: str) -> str | None:
    r"""The last ``$...$``, ``$$...$$``, ``\(...\)`` or ``\[...\]`` span, or ``None``."""
    spans = [s for s in math_spans(text) if s.content]
    return spans[-1].content if spans else None


def last_number(text: str) -> str | None:
    """The last standalone number ("1,234", "-0.5", "3/4", "12%"), or ``None``."""
    if len(text) > MAX_SCAN:
        return None
    numbers = standalone_numbers(text)
    return numbers[-1].group(0) if numbers else None


def last_expression(text: str) -> str | None:
    """Where no answer is stated: the last maths span or lone number, whichever comes last."""
    if len(text) > MAX_SCAN:
        return None
    spans = [s for s in math_spans(text) if s.content]
    inside = _Inside(math_spans(text))
    numbers = [m for m in standalone_numbers(text) if not inside(m.start())]
    last_span = spans[-1] if spans else None
    last_num = numbers[-1] if numbers else None
    if last_num is None:
        return last_span.content if last_span else None
    if last_span is None or last_span.end <= last_num.start():
        return last_num.group(0)
    return last_span.content
