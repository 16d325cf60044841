"""Reflection never sees the reference (issue 25): for every registered subject, the reflect
prompt built from its own verifier's verdict on wrong answers names the kind of error (wrong
sign, off by a power of ten, not a number …) but never the reference answer; only the hint
stage shows it."""

from __future__ import annotations

import re

import pytest

from sciglm import registry
from sciglm.feedback import ErrorKind, error_kind, leading_number
from sciglm.records import Question, Verdict, VerifyItem

#: subject → (question, reference, choices, [(wrong response, expected kind)]).
CASES: dict[str, list[tuple[str, str, list[str] | None, list[tuple[str, ErrorKind]]]]] = {
    "physics": [("A cart covers 21 m in 5 s. Its speed?", "4.2 m/s", None, [
        ("So v = \\boxed{3.5 m/s}", ErrorKind.WRONG_VALUE),
        ("So v = \\boxed{-4.2 m/s}", ErrorKind.WRONG_SIGN),
        ("So v = \\boxed{42 m/s}", ErrorKind.POWER_OF_TEN),
        ("So v = \\boxed{4.2 kg}", None),
        ("So v = \\boxed{fast}", ErrorKind.NOT_A_NUMBER),
        ("I am not sure.", ErrorKind.NO_ANSWER)])],  # nothing stated at all
    "chemistry": [("How many moles are in 4.0 g of helium?", "1.0 mol", None, [
        ("n = \\boxed{0.5 mol}", ErrorKind.WRONG_VALUE),
        ("n = \\boxed{0.0010 mol}", ErrorKind.POWER_OF_TEN)]),
        ("Is helium a noble gas?", "yes", None, [("\\boxed{no}", ErrorKind.WRONG_YES_NO)])],
    "biology": [("Which organelle makes ATP?", "C", ["nucleus", "ribosome", "mitochondrion",
                                                      "vacuole"],
                 [("The answer is \\boxed{A}", ErrorKind.WRONG_OPTION)]),
                ("Do plant cells have walls?", "yes", None,
                 [("\\boxed{no}", ErrorKind.WRONG_YES_NO)])],
    "math": [("What is 3/4 of 16?", "12", None, [
        ("\\boxed{-12}", ErrorKind.WRONG_SIGN), ("\\boxed{1.2}", ErrorKind.POWER_OF_TEN),
        ("\\boxed{11}", ErrorKind.WRONG_VALUE)]),
        ("Simplify (x^2-1)/(x-1).", "x+1", None, [("\\boxed{x-1}", ErrorKind.WRONG)])],
}
#: Lean's reference is a proof; its feedback is Lean's own messages about the submitted proof.
LEAN_PROOF = "nlinarith [sq_nonneg (a - b), sq_nonneg (a + b)]"


def test_every_subject_has_cases() -> None:
    assert set(CASES) | {"lean"} == set(registry.subjects())


def _feedback(prompt: list[dict]) -> str:
    """The reflect round's last message, without the line quoting the model's own answer."""
    return "\n".join(line for line in prompt[-1]["content"].splitlines()
                     if not line.startswith("Your final answer:"))


def _mentions(text: str, reference: str) -> bool:
    if len(reference) <= 3:  # a letter or yes/no: as a word
        return re.search(rf"(?<![\w\\]){re.escape(reference)}(?!\w)", text,
                         re.IGNORECASE) is not None
    number = leading_number(reference)
    numbers = re.findall(r"\d+(?:\.\d+)?", text)
    return reference in text or (number is not None and any(
        float(n) == abs(number) for n in numbers))


@pytest.mark.parametrize("subject_name", sorted(CASES))
def test_reflection_names_the_kind_of_error_never_the_reference(subject_name: str) -> None:
    subject = registry.get_subject(subject_name)
    for text, reference, choices, answers in CASES[subject_name]:
        question = Question("q", subject_name, text, reference=reference, choices=choices)
        for response, kind in answers:
            verdict = subject.verify(VerifyItem("q", subject_name, response, reference, text,
                                                choices))
            assert verdict.correct is False, (response, verdict)
            prompt = subject.reflect_prompt(question, response, verdict)
            feedback = _feedback(prompt)
            assert not _mentions(feedback, reference), (subject_name, response, feedback)
            assert "Checker feedback: " in feedback
            if kind is not None:
                assert error_kind(question, verdict) is kind, (response, verdict)
            hint = subject.hint_prompt(question, reference)[-1]["content"]
            assert reference in hint  # the only stage that sees it


def test_a_reason_quoting_the_reference_is_never_shown() -> None:
    """Whatever a verifier writes in its reason ("differs from 4.2 m/s"), it stays out."""
    for name in CASES:
        subject = registry.get_subject(name)
        question = Question("q", name, "A cart covers 21 m in 5 s. Its speed?",
                            reference="4.2 m/s")
        verdict = Verdict(False, "4.0 m/s", "4.0 m/s differs from 4.2 m/s (rel. tol. 0.01)")
        assert "4.2" not in _feedback(subject.reflect_prompt(question, "\\boxed{4.0 m/s}",
                                                             verdict))


def test_lean_feedback_is_leans_messages_not_the_reference_proof() -> None:
    lean = registry.get_subject("lean")
    question = Question("t", "lean", "theorem t (a b : ℝ) : 2 * a * b ≤ a ^ 2 + b ^ 2 := by",
                        reference=LEAN_PROOF, meta={"statement": "theorem t (a b : ℝ) : "
                                                    "2 * a * b ≤ a ^ 2 + b ^ 2"})
    verdict = Verdict(False, "by simp", "Lean rejected the proof",
                      {"messages": ["error: simp made no progress"], "goals": ["⊢ 2*a*b ≤ …"]})
    feedback = _feedback(lean.reflect_prompt(question, "```lean\nby simp\n```", verdict))
    assert "simp made no progress" in feedback and LEAN_PROOF not in feedback
    assert "nlinarith" not in feedback and LEAN_PROOF in lean.hint_prompt(question, LEAN_PROOF)[
        -1]["content"]


def test_kinds_from_numbers_alone() -> None:
    question = Question("q", "physics", "?", reference="3 \\times 10^{8} m/s")
    kind = error_kind(question, Verdict(False, "3e7 m/s"))
    assert kind is ErrorKind.POWER_OF_TEN
    assert error_kind(question, Verdict(None, "3e8 furlongs")) is ErrorKind.UNDECIDED
    assert error_kind(question, Verdict(False, None)) is ErrorKind.NO_ANSWER
