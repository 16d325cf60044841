"""How the ``math`` subject decides: find the final answer, then decide equivalence cheaply first.

Order of decisions for one record:

1. multiple choice (the record has ``choices`` or the reference is a letter): compare letters;
2. guards (:mod:`sciglm_math.guard`): over-long, deeply nested or tower answers → undecided;
3. normalized text equal → correct;
4. both sides plain numbers (thousands separators, decimals, ``a/b``, ``\\frac{a}{b}``,
   percent) → compared exactly as fractions, no sympy;
5. both sides constant LaTeX (``2\\sqrt{3}``, ``\\frac{\\pi}{4}``, tuples/sets/intervals of
   those) → compared as floats (:mod:`sciglm_math.numeric`); a number against a matrix, a
   tuple or an expression in a variable → wrong;
6. a side with digits inside a word or name (``e0``, ``x1``, which the LaTeX parser reads as
   products) → undecided;
7. otherwise math-verify on its LaTeX path (:mod:`sciglm_math.symbolic`).
"""

from __future__ import annotations

import re

from sciglm.answers import extract, hedge
from sciglm.answers.reasoning import (
    REASONING_UNCLOSED,
    split_reasoning,
    unclosed_reasoning,
)
from sciglm.records import Verdict, VerifyItem
from sciglm_math import guard, numeric, symbolic, units
from sciglm_math.normalize import (
    Number,
    clock_time,
    normalize,
    numbers_equal,
    open_ended,
    parse_number,
    prime_marks,
    same_but_spacing,
    strip_assignment,
)

LETTERS = "ABCDEFGHIJ"
MAX_SHOWN = 300  # characters of a predicted answer echoed back in the verdict
_LETTER = re.compile(r"^\(?([A-J])\)?$")
_WORD = re.compile(r"^[A-Za-z]{3,}$")


def _shown(text: str | None) -> str | None:
    if text is None or len(text) <= MAX_SHOWN:
        return text
    return text[:MAX_SHOWN] + f"… ({len(text)} characters)"


def reference_answer(reference: str) -> str:
    r"""The answer inside a reference that is a whole solution (``\boxed{}``, ``####``, "The
    final answer is …"), found as in a response; a plain answer as it is."""
    reference = reference.strip()
    if "\\boxed" in reference or "\\fbox" in reference or "####" in reference:
        return extract.stated_answer(reference) or reference
    stated = extract.stated_sentence(reference)
    if stated and (stated[2] or len(reference) > MAX_SHOWN):
        return extract.answer_in_sentence(stated[0]) or reference
    return reference


def as_letter(text: str) -> str | None:
    r"""``C``, ``(C)``, ``\text{(C)}``, ``$C$`` → ``C``; anything else → ``None``."""
    cleaned = normalize(text)
    return match.group(1) if (match := _LETTER.match(cleaned)) else None


def _number(text: str) -> Number | None:
    return parse_number(text) or parse_number(units.strip_unit(text))


def different_objects(reference: str, answer: str) -> str | None:
    r"""Written as different objects whatever the values: a prime dropped or added (``E`` and
    ``E'``, ``f`` and ``f'``), an open-ended list against a finite one (``1, 2, 3, \dots``
    and ``1, 2, 3``), two different times of day (``20:34`` and ``10:17``, never a ratio), a
    time of day against a number.
    Says which, or ``None``."""
    if prime_marks(reference) != prime_marks(answer):
        return "a prime mark differs"
    if open_ended(reference) != open_ended(answer):
        return "an open-ended list against a finite one"
    ref_clock, ans_clock = clock_time(reference), clock_time(answer)
    if ref_clock == ans_clock:
        return None
    if ref_clock and ans_clock:
        return "a different time of day"
    if (ref_clock and parse_number(answer)) or (ans_clock and parse_number(reference)):
        return "a time of day against a number"  # 0:01 is no ratio 0/1
    return None


def same_answer(reference: str, answer: str) -> bool | None:
    """The fast paths: ``True``/``False`` when they can decide, ``None`` to go symbolic."""
    ref, ans = normalize(reference), normalize(answer)
    if ref == ans:
        return True
    if different_objects(ref, ans):
        return False
    if _WORD.match(ref) and _WORD.match(ans):  # odd, Even: words, not products of variables
        return ref.lower() == ans.lower()
    if "=" not in ref:
        ans = strip_assignment(ans)
    if "=" not in ans:
        ref = strip_assignment(ref)
    if ref == ans or same_but_spacing(ref, ans):
        return True
    ref_number, ans_number = _number(ref), _number(ans)
    if ref_number is not None and ans_number is not None:
        return numbers_equal(ref_number, ans_number)
    ref_value, ans_value = numeric.evaluate(ref), numeric.evaluate(ans)
    if ref_value is not None and ans_value is not None:
        return numeric.equal(ref_value, ans_value)
    # a number against a matrix, an interval, a polynomial: different without asking sympy
    if ref_value is not None and ref_value.kind == "":
        return False if numeric.clearly_not_a_number(ans, ans_value) else None
    if ans_value is not None and ans_value.kind == "":
        return False if numeric.clearly_not_a_number(ref, ref_value) else None
    return None


def _same_value(first: str, second: str) -> bool | None:
    """Whether two candidates of one answer are the same value (``x+11``, ``11+x``): the fast
    paths, else math-verify."""
    fast = same_answer(first, second)
    return fast if fast is not None else symbolic.compare(first, second).equal


def _real_value(text: str) -> float | None:
    """The real value of a constant answer (``\\frac{1}{3}``) for the hedge rule, or ``None``."""
    value = numeric.evaluate(text)
    if value is None or value.kind or len(value.items) != 1 or value.items[0].imag:
        return None
    return float(value.items[0].real)


def warmup() -> None:
    """Import math-verify and let sympy build its constants (once per worker process)."""
    symbolic.warmup()


def extract_answer(response: str) -> str | None:
    """The answer a reader would take (:func:`sciglm.answers.extract.stated_answer`) from the
    text after any reasoning block."""
    answer = extract.stated_answer(split_reasoning(response)[1])
    return answer.strip().strip("$").strip() if answer else None


def reference_letter(reference: str, choices: list[str] | None) -> str | None:
    """The choice letter a reference names (itself a letter, or equal to one choice)."""
    letter = as_letter(reference)
    if letter or not choices:
        return letter
    for index, choice in enumerate(choices[: len(LETTERS)]):
        if same_answer(str(choice), reference):
            return LETTERS[index]
    return None


def verify_choice(item: VerifyItem, expected: str, response: str | None = None) -> Verdict:
    """Judge a multiple-choice ``response`` (default: the item's) against the ``expected``
    letter."""
    response = item.response if response is None else response
    choices = item.choices or []
    letter = extract.choice_letter(response, max(len(choices), 4) if choices else 10)
    if letter is None and choices:
        answer = extract_answer(response)
        if answer is not None and guard.refuse(answer) is None:
            for index, choice in enumerate(choices[: len(LETTERS)]):
                if same_answer(str(choice), answer):
                    letter = LETTERS[index]
                    break
    if letter is None:
        reason = "no choice letter found in the response"
        return Verdict(False, None, reason, {"method": "choice"})
    correct = letter == expected
    reason = "same choice" if correct else f"chose {letter}, reference is {expected}"
    return Verdict(correct, letter, reason, {"method": "choice"})


def verify(item: VerifyItem) -> Verdict:
    """Judge ``item.response`` against ``item.reference`` (the order in the module docstring)."""
    if not item.reference or not item.reference.strip():
        return Verdict(None, None, "record has no reference answer")
    reasoning, response = split_reasoning(item.response)
    for side, text in (("reference", item.reference), ("response", response)):
        refusal = extract.refusal(text)
        if refusal:
            return Verdict(None, None, f"{side}: {refusal}", {"method": "guard"})
    if unclosed_reasoning(item.response):
        return Verdict(False, None, REASONING_UNCLOSED)
    reference = reference_answer(item.reference)
    expected = reference_letter(reference, item.choices)
    if expected is not None:
        return verify_choice(item, expected, response)
    answer = extract_answer(response)
    if answer is None:
        reason = "no final answer found in the response (digits inside words are not answers)"
        if reasoning:
            reason = "no final answer found after the reasoning block (an answer inside " \
                     "reasoning is not an answer)"
        return Verdict(False, None, reason)
    return compare(reference, answer, response)


def compare(reference: str, answer: str, response: str = "") -> Verdict:
    """Judge one extracted ``answer`` against one ``reference`` answer (read from ``response``,
    where given)."""
    shown = _shown(answer)
    for side, text in (("reference", reference), ("answer", answer)):
        refusal = guard.refuse(text)
        if refusal:
            return Verdict(None, shown, f"{side}: {refusal}", {"method": "guard"})
    for side, text in (("reference", reference), ("answer", answer)):
        problem = guard.malformed(text.replace("\\$", "").strip().strip("$"))
        if problem:  # two identical broken answers compare nothing
            reason = f"{side}: not well-formed LaTeX ({problem}), not checked"
            return Verdict(None, shown, reason, {"method": "guard"})
    single = hedge.resolve(answer, reference, _same_value, response=response,  # docs/verify.md
                           evaluate=_real_value)
    if isinstance(single, hedge.Hedge):
        return single.verdict(shown)
    answer = single
    ref_unit, ans_unit = units.unit_of(reference), units.unit_of(answer)
    if ref_unit and ans_unit and ref_unit != ans_unit:
        reason = f"different units ({ref_unit}, {ans_unit}): the math subject does not convert"
        return Verdict(None, shown, reason, {"method": "guard"})
    differs = different_objects(normalize(reference), normalize(answer))
    if differs and normalize(reference) != normalize(answer):
        return Verdict(False, shown, f"different answers: {differs}", {"method": "fast"})
    fast = same_answer(reference, answer)
    if fast is not None:
        reason = "same answer" if fast else "different numbers"
        return Verdict(fast, shown, reason, {"method": "fast"})
    for side, text in (("reference", reference), ("answer", answer)):
        name = guard.name_with_digits(text)
        if name:  # not for the parser, which reads e0 as e·0
            reason = f"{side}: {name!r} has digits inside a word or name, not checked"
            return Verdict(None, shown, reason, {"method": "guard"})
    outcome = symbolic.compare(reference, answer)
    return Verdict(outcome.equal, shown, outcome.reason, {"method": "math-verify"})
