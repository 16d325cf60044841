r"""The verifier shared by the physics and chemistry subjects.

The reference decides how an answer is judged, in this order:

1. choice letters (``C``, ``(c)``, ``BC``): the letters the response settles on must be the same
   set (a stated value that matches exactly one of ``choices`` counts as that letter);
2. true/false, yes/no: the first word of the stated answer;
3. a number with an optional unit: units converted with pint, dimensions must agree, values
   within a relative tolerance; a separate unit field (SciBench's ``unit``, e.g.
   ``$10^{-19} \mathrm{~J}$``) supplies the reference's unit and power of ten;
4. anything else: symbolic LaTeX equivalence via math-verify (LaTeX parser only, never
   ``parse_expr``), then normalized text equality (SMILES, names).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from sciglm.answers import extract, hedge
from sciglm.answers.choices import (
    LETTERS,
    parse_bool,
    predicted_bool,
    predicted_letters,
    reference_letters,
)
from sciglm.answers.extract import refusal
from sciglm.answers.quantity import (
    MAX_TEXT,
    Quantity,
    compare,
    parse_quantity,
    parse_reference,
    parse_unit_text,
    quantity_at,
)
from sciglm.answers.reasoning import (
    REASONING_UNCLOSED,
    split_reasoning,
    unclosed_reasoning,
)
from sciglm.records import Verdict, VerifyItem

MAX_SYMBOLIC = 500  # characters handed to math-verify's LaTeX parser
MAX_LAST_LINE = 500  # where no answer is stated, a longer last line is not read (null)
MAX_QUANTITY_AT = 200  # characters from a stated number read for its whole quantity
MAX_UNIT_FIELD = 200  # characters of a reference's separate unit field
_NESTED_POWER = re.compile(r"\^\s*\{[^{}]*\^")  # 9^{9^{9}}: a tower sympy would try to evaluate


def stated_answer(response: str) -> str | None:
    """The final answer, found by the extraction every subject shares
    (:func:`sciglm.answers.extract.stated_answer`: boxes, ``####``, "the answer is …", a bare
    expression, the last maths span or number). Where it took a number alone, the quantity
    written there is read whole: the number with its exponent and the unit that follows it
    ("… is 5 joules." → ``5.0 J``, ``6.549e+04 kg m^2/s^2`` → ``65490.0 kg·m²/s²``)."""
    found = extract.stated_answer(response)
    if found is None:
        return None
    found = found.strip().strip("$").strip()
    quantity = parse_reference(found)
    if quantity is None or quantity.has_unit or quantity.unit_text:
        return found
    at = response.rfind(found)
    written = quantity_at(response[at:at + MAX_QUANTITY_AT]) if at >= 0 else None
    if written is None or not written.has_unit and written.value == quantity.value:
        return found
    return f"{written.value!r} {written.unit_text}".strip()


def answer_refusal(response: str) -> str | None:
    """Why no answer can be read whole from ``response`` (too long, cut off), or ``None``."""
    why = refusal(response)
    if why:
        return why
    if extract.final_answer(response) is None and extract.stated_sentence(response) is None:
        lines = [line for line in response.strip().splitlines() if line.strip()]
        if lines and len(lines[-1].strip()) > MAX_LAST_LINE:
            return f"last line too long to read as the answer (limit {MAX_LAST_LINE} characters)"
    stated = extract.stated_answer(response)
    if stated is not None and len(stated) > MAX_TEXT:
        return f"stated answer too long to read whole ({len(stated)} characters, limit {MAX_TEXT})"
    return None


def reference_quantity(item: VerifyItem) -> tuple[Quantity | None, float]:
    """The reference as a quantity, and the power-of-ten scale from a separate unit field."""
    reference = parse_reference(item.reference or "")
    unit_field = item.extra.get("unit")
    if reference is None or not isinstance(unit_field, str) or not unit_field.strip():
        return reference, 1.0
    if reference.has_unit or reference.unit_text:
        return reference, 1.0
    if len(unit_field) > MAX_UNIT_FIELD:
        return None, 1.0
    scale, unit, unit_text = parse_unit_text(unit_field)
    return Quantity(reference.value, unit, unit_text), scale


def verify_choice(item: VerifyItem, letters: str) -> Verdict:
    """Compare the response's choice letter(s) with the reference letters."""
    n = len(item.choices) if item.choices else len(LETTERS)
    predicted = predicted_letters(item.response, n)
    how = "letter"
    if predicted is None and item.choices:
        predicted = _letter_by_content(item)
        how = "value matching one choice"
    if predicted is None:
        return Verdict(False, None, f"no choice letter found (reference {letters})")
    ok = predicted == letters
    return Verdict(ok, predicted, f"{how} {predicted} {'==' if ok else '!='} {letters}")


def _letter_by_content(item: VerifyItem) -> str | None:
    """The one choice whose value the stated answer equals (``300 cm`` → the ``3 m`` choice)."""
    stated = stated_answer(item.response)
    if not stated or not item.choices:
        return None
    predicted = parse_quantity(stated)
    hits = []
    for index, choice in enumerate(item.choices[: len(LETTERS)]):
        text = str(choice)
        if predicted is not None:
            value = parse_reference(text)
            if value is not None and compare(predicted, value, 1e-6)[0]:
                hits.append(LETTERS[index])
        elif _normalize(text) == _normalize(stated):
            hits.append(LETTERS[index])
    return hits[0] if len(hits) == 1 else None


def verify_bool(item: VerifyItem, expected: bool) -> Verdict:
    """Compare a true/false (yes/no) answer."""
    predicted = predicted_bool(item.response)
    if predicted is None:
        return Verdict(False, None, "no true/false or yes/no answer found")
    ok = predicted == expected
    return Verdict(ok, str(predicted).lower(), f"{predicted} {'==' if ok else '!='} {expected}")


def verify_quantity(item: VerifyItem, reference: Quantity, scale: float, rel_tol: float) -> Verdict:
    """Compare numbers with units; the reference may carry a power of ten from its unit field."""
    stated = stated_answer(item.response)
    predicted = parse_quantity(stated) if stated else None
    if predicted is None:
        return Verdict(False, stated and stated[:200], "no number found in the answer")
    ok, reason = compare(predicted, reference, rel_tol)
    if scale != 1.0:
        reason += f" (the unit field asks for units of {scale:g} {reference.unit_text})".rstrip()
    if not ok and scale != 1.0 and "dimension mismatch" not in reason:
        scaled = Quantity(reference.value * scale, reference.unit, reference.unit_text)
        ok_scaled, reason_scaled = compare(predicted, scaled, rel_tol)
        if ok_scaled or not predicted.has_unit:
            ok, reason = ok_scaled, f"{reason_scaled} (reference × {scale:g} from its unit)"
    return Verdict(ok, str(predicted), reason, details={"rel_tol": rel_tol})


def verify_symbolic(item: VerifyItem) -> Verdict:
    """LaTeX equivalence through math-verify's LaTeX parser, then plain text equality."""
    stated = stated_answer(item.response)
    reference = item.reference or ""
    if stated is None:
        return Verdict(False, None, "no final answer found")
    if _normalize(stated) == _normalize(reference):
        return Verdict(True, stated, "same text")
    if len(stated) > MAX_SYMBOLIC or len(reference) > MAX_SYMBOLIC:
        return Verdict(None, stated[:200], "answer too long to compare symbolically")
    if _NESTED_POWER.search(stated):
        return Verdict(None, stated[:200], "nested powers are not compared symbolically")
    result = _math_verify(reference, stated)
    if result is None:
        return Verdict(False, stated, "different text, and not comparable as LaTeX math")
    reason = "equivalent (math-verify)" if result else "not equivalent (math-verify)"
    return Verdict(result, stated, reason)


def _math_verify(reference: str, stated: str) -> bool | None:
    from math_verify import LatexExtractionConfig, parse, verify

    config = [LatexExtractionConfig(boxed_match_priority=0)]
    gold = parse(f"${reference}$", extraction_config=config)
    answer = parse(f"${stated}$", extraction_config=config)
    if not gold or not answer:
        return None
    return bool(verify(gold, answer, timeout_seconds=3))


def _normalize(text: str) -> str:
    text = re.sub(r"\\text\s*\{([^{}]*)\}|\\mathrm\s*\{([^{}]*)\}", r"\1\2", text)
    return re.sub(r"[\s$]", "", text).strip(".。").lower()


def verify_scientific(item: VerifyItem, rel_tol: float) -> Verdict:
    """Judge one physics/chemistry answer (see the module docstring for the order of checks)."""
    if not item.reference or not item.reference.strip():
        return Verdict(None, None, "record has no reference answer")
    for side, why in (("reference", refusal(item.reference)),
                      ("response", answer_refusal(item.response))):
        if why:
            return Verdict(None, None, f"{side}: {why}")
    unit_field = item.extra.get("unit")
    if isinstance(unit_field, str) and len(unit_field) > MAX_UNIT_FIELD:
        return Verdict(None, None, f"unit field too long to read (limit {MAX_UNIT_FIELD})")
    if unclosed_reasoning(item.response):
        return Verdict(False, None, REASONING_UNCLOSED)
    # reasoning is not the answer: only what follows it is read (docs/verify.md)
    item = replace(item, response=split_reasoning(item.response)[1])
    tolerance = _tolerance(item.extra, rel_tol)
    letters = reference_letters(item.reference)
    if letters is None or len(letters) == 1:  # several letters: the answer is a set of them
        hedged = hedge_verdict(item, tolerance)
        if hedged is not None:
            return hedged
    if letters is not None:
        return verify_choice(item, letters)
    expected = parse_bool(item.reference)
    if expected is not None:
        return verify_bool(item, expected)
    reference, scale = reference_quantity(item)
    if reference is not None:
        return verify_quantity(item, reference, scale, tolerance)
    return verify_symbolic(item)


def hedge_verdict(item: VerifyItem, rel_tol: float) -> Verdict | None:
    """``false`` when the stated answer offers several candidates (:mod:`sciglm.answers.hedge`:
    one quantity, unit and all), else ``None``. The answer as the shared extraction wrote it,
    so that a value joined to it in the response is found next to it."""
    stated = extract.stated_answer(item.response)
    if stated is None:
        return None
    stated = stated.strip().strip("$").strip()
    found = hedge.resolve(stated, item.reference or "", lambda a, b: _same(a, b, rel_tol),
                          quantities=True, response=item.response)
    return found.verdict(stated[:200]) if isinstance(found, hedge.Hedge) else None


def _same(a: str, b: str, rel_tol: float) -> bool:
    """Whether two candidates are the same value: quantities within ``rel_tol`` (a unit-less
    number read in the other's unit), the same true/false, else the same text."""
    first, second = parse_quantity(a), parse_quantity(b)
    if first is not None and second is not None:
        return compare(first, second, rel_tol)[0]
    if first is not None or second is not None:
        return False
    truth = parse_bool(a), parse_bool(b)
    if truth[0] is not None or truth[1] is not None:
        return truth[0] == truth[1]
    return _normalize(a) == _normalize(b)


def _tolerance(extra: dict[str, Any], default: float) -> float:
    """The subject's tolerance, or a record's own ``rel_tol`` where it is *tighter*: a record
    can ask for more precision, never for less (a loose ``rel_tol`` would credit wrong answers)."""
    value = extra.get("rel_tol")
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < default:
        return float(value)
    return default
