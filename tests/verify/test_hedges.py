"""The hedge rule (issue 29): an answer offering several candidates is never credited, in every
subject and scorer; the same value repeated is no hedge; a set reference is compared as a set."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sciglm_chemistry import Chemistry
from sciglm_math.subject import MathSubject
from sciglm_physics import Physics

from sciglm.answers import hedge
from sciglm.answers.hedge import SEVERAL_CANDIDATES, HedgeForm
from sciglm.eval.scorers import score_contains, score_first_char, score_letter
from sciglm.records import Verdict, VerifyItem
from sciglm.subject import Subject

SETTINGS = settings(max_examples=60, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])
SCAN_BOUND = 1.0  # seconds for one hedge scan of a 2,000-character answer (it takes ~1 ms)
SUBJECTS: dict[str, Subject] = {"math": MathSubject(), "physics": Physics(),
                                "chemistry": Chemistry()}


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    for subject in SUBJECTS.values():
        subject.warmup()


def judge(subject: str, response: str, reference: str) -> Verdict:
    return SUBJECTS[subject].verify(VerifyItem("h", subject, response, reference))


def assert_hedge(verdict: Verdict) -> None:
    assert verdict.correct is False, verdict
    assert verdict.reason == SEVERAL_CANDIDATES.value == "several candidate answers"
    assert verdict.details["hedge"] in {form.value for form in HedgeForm}


# the two credits the issue found, and one case of every form
@pytest.mark.parametrize(("subject", "response", "reference"), [
    ("physics", r"\boxed{2.5 J or 3 J}", "2.5 J"),
    ("math", r"\boxed{6 \approx 7}", "6"),
    ("math", r"\boxed{6 \text{ or } 7}", "6"),
    ("math", r"\boxed{6} or \boxed{7}", "6"),
    ("math", r"\boxed{\{6, 7\}}", "6"),
    ("math", r"\boxed{[6, 7]}", "6"),
    ("math", r"\boxed{6 < 7}", "6"),
    ("math", r"\boxed{6 \le 7}", "6"),
    ("math", r"\boxed{6 \sim 7}", "6"),
    ("math", r"\boxed{\pm 6}", "-6"),
    ("math", r"\boxed{6 \text{ to } 7}", "6"),
    ("math", "The answer is either 6 or 7.", "6"),
    ("math", "I am not sure, maybe 7 or 6", "6"),
    ("math", r"\boxed{x = 6 \text{ or } x = 7}", "6"),
    ("physics", r"\boxed{3 J \approx 2.5 J}", "2.5 J"),
    ("physics", r"\boxed{2.5-3 J}", "2.5 J"),
    ("physics", r"\boxed{2.5 to 3 J}", "2.5 J"),
    ("physics", r"\boxed{2.5 J/3 J}", "2.5 J"),
    ("physics", r"\boxed{2.5 J, 3 J}", "2.5 J"),
    ("physics", r"\boxed{[2.5, 3] J}", "2.5 J"),
    ("physics", r"\boxed{\pm 2.5 J}", "-2.5 J"),
    ("physics", r"\boxed{2.5 \pm 0.5 J}", "2.5 J"),
    ("physics", r"\boxed{2.5 J \le E \le 3 J}", "2.5 J"),
    ("physics", "either 2.5 J or 3 J", "2.5 J"),
    ("physics", r"\boxed{v = 10 m/s}, \boxed{t = 2 s}", "10 m/s"),
    ("physics", "The answer is 2.5 J or maybe 3 J.", "2.5 J"),
    ("physics", r"\boxed{A or B}", "A"),
    ("physics", r"The answer is \boxed{yes or no}", "yes"),
    ("math", r"\boxed{6 \vee 7}", "6"),
    ("physics", r"\boxed{0, 100}", "0"),  # a comma and a space: a list, never thousands
    ("math", r"\boxed{7} or 6", "7"),  # after the box
    ("math", "The answer is 6 (or 7).", "6"),
    ("physics", r"\boxed{2.5 J (or 3 J)}", "2.5 J"),  # an aside
    ("physics", "The answer is 2.5 J. Or 3 J.", "2.5 J"),
    ("physics", r"\boxed{2.5 -- 3 J}", "2.5 J"),  # LaTeX's en dash
    ("chemistry", r"\boxed{NaCl or KCl}", "NaCl"),
    ("chemistry", r"\boxed{0.25 M or 0.5 M}", "0.25 M"),
    ("chemistry", r"\boxed{0.25 or 0.5}", "0.25 M"),  # unit-less numbers: the same rule
    ("chemistry", "The pH is between 4 and 5.\nThe answer is between 4 and 5", "4"),
])
def test_every_hedge_form_is_false_with_the_typed_reason(
    subject: str, response: str, reference: str
) -> None:
    assert_hedge(judge(subject, response, reference))


@pytest.mark.parametrize(("subject", "response", "reference"), [
    ("math", r"\boxed{6 \approx 6.0}", "6"),
    ("math", r"\boxed{6}, \boxed{6}", "6"),
    ("math", r"\boxed{x \approx 6}", "6"),  # a name is not a candidate
    ("math", r"\boxed{2, 3}", r"\{2, 3\}"),  # a set reference: compared as a set
    ("math", r"\boxed{\pm 3}", r"\pm 3"),
    ("math", r"\boxed{x < 3}", "x < 3"),
    ("math", r"\boxed{\frac{6}{7}}", "6/7"),
    ("math", r"\boxed{2-3i}", "2-3i"),
    ("math", r"\boxed{1,000}", "1000"),
    ("math", r"The answer is: \$15, \!000", r"\$15,\!000"),  # thousands, spaced
    # from MATH gold solutions: prose after the box, and one expression boxed twice
    ("math", r"There are $\boxed{6}$ possible values of $m$: 1, 2, 3, 4, 5, 6.", "6"),
    ("math", r"when $N = \boxed{6}$, $30N + 7 = 187$ is composite.", "6"),
    ("math", r"\boxed{x+11}, \boxed{11+x}", "11+x"),
    ("physics", r"\boxed{2.5 J or 2500 mJ}", "2.5 J"),
    ("physics", r"\boxed{2.5 J \approx 2.5 J}", "2.5 J"),
    ("physics", r"\boxed{E = 2.5 J = 2500 mJ}", "2.5 J"),
    ("physics", r"\boxed{10 m/s}", "10 m/s"),
    ("physics", r"\boxed{1.5 \times 10^{3}\,\mathrm{J}}", "1500 J"),
    ("physics", r"\boxed{-273 ^{\circ}C}", "0.15 K"),
    ("physics", "The answer is 5 J, or about 5.0 J.", "5 J"),
    ("chemistry", "综上，故选：BC", "BC"),  # several letters for a several-letter reference
    ("chemistry", r"\boxed{0.25 \pm 0 M}", "0.25 M"),
])
def test_the_same_value_repeated_or_a_set_reference_is_no_hedge(
    subject: str, response: str, reference: str
) -> None:
    verdict = judge(subject, response, reference)
    assert verdict.correct is True, verdict


def test_gold_solutions_are_never_hedges_unless_they_box_several_values(
    shared_data: Path,
) -> None:
    """MATH's 5,000 and GSM8K's 1,319 worked solutions against their own answers: the rule
    refuses only solutions whose final boxes state two different values (5 in MATH)."""
    math = SUBJECTS["math"]
    refused = []
    for name, solution, answer_of in (
        ("math", "solution", lambda row: row["answer"]),
        ("gsm8k", "answer", lambda row: row["answer"].split("####")[-1].strip().replace(",", "")),
    ):
        for line in (shared_data / name / "test.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            item = VerifyItem("g", "math", row[solution], answer_of(row))
            verdict = math.verify(item)
            if verdict.reason == SEVERAL_CANDIDATES.value:
                refused.append(verdict)
    assert all(r"\boxed" not in (v.predicted or "") for v in refused)
    assert all(len(v.details["candidates"]) == 2 and "," in (v.predicted or "") for v in refused)
    assert len(refused) <= 5, [v.predicted for v in refused]


# --- issue 23, item 4: physics and chemistry read the answer with the shared extraction ---

@pytest.mark.parametrize(("response", "reference", "correct"), [
    # a box followed by a later "Final Answer" sentence: the sentence restates the answer
    ("So far $\\boxed{3 J}$ for the first part.\nFinal Answer: 5 J", "5 J", True),
    # no answer stated: the last number, with the unit that follows it (the last line was read)
    ("Thus the speed is 10 m/s.\n(rounded to two figures)", "10 m/s", True),
    ("Thus the speed is 10 km/s.\n(rounded to two figures)", "10 m/s", False),
    ("The energy released is 5 joules in total.", "5 J", True),
    ("The answer is $5$ kJ.", "5 J", False),  # the unit after the maths span is read
    ("The answer is 5 in total.", "5 J", True),  # "in" is not read as inches
    # the whole number where the extraction stops at its exponent, then the unit
    ("The answer is 6.54900e+04 kg * m ^ 2 / mol / s ^ 2.", "65.49 kJ/mol", True),
    ("The answer is 6.54900e+04 kg * m ^ 2 / mol / s ^ 2.", "65.49 J/mol", False),
])
def test_physics_reads_the_answer_with_the_shared_extraction(
    response: str, reference: str, correct: bool
) -> None:
    assert judge("physics", response, reference).correct is correct


def test_one_rule_one_function() -> None:
    """The reference decides whether the rule applies; candidates come back typed."""
    assert hedge.single_valued("6") and hedge.single_valued("10 m/s", quantities=True)
    assert not hedge.single_valued(r"\{1, 2\}") and not hedge.single_valued(r"\pm 3")
    found = hedge.resolve(r"6 \approx 7", "6", hedge.same_text)
    assert isinstance(found, hedge.Hedge) and found.form is HedgeForm.RELATION
    assert found.candidates == ("6", "7")
    assert hedge.resolve(r"6 \approx 6", "6", hedge.same_text) == "6"


# --- the eval scorers ---

@pytest.mark.parametrize(("scorer", "response", "reference"), [
    (score_contains, '{"answer": "I am not sure, maybe 42 or 7"}', "42"),
    (score_contains, "I am not sure, maybe 42 or 7", "42"),
    (score_contains, "The answer is yes or no.", "yes"),
    (score_contains, "The answer is either the mitochondria or the chloroplast.", "mitochondria"),
    (score_first_char, "A or B", "A"),
    (score_first_char, "A, B", "A"),
    (score_letter, "The answer is A or B.", "A"),
    (score_letter, r"\boxed{A} or \boxed{B}", "A"),
])
def test_scorers_refuse_hedges(scorer: object, response: str, reference: str) -> None:
    verdict = scorer(VerifyItem("s", "physics", response, reference))  # type: ignore[operator]
    assert_hedge(verdict)


@pytest.mark.parametrize(("scorer", "response", "reference"), [
    (score_contains, "The answer is 42.", "42"),
    (score_contains, "Yes, because the force is larger.", "yes"),
    # an apposition is prose, not a second candidate
    (score_contains, "The answer is mitochondria, the powerhouse of the cell.", "mitochondria"),
    (score_first_char, "A. The force doubles.", "A"),
    (score_letter, "The answer is A.", "A"),
    (score_letter, "故选：BC", "BC"),
])
def test_scorers_still_credit_one_answer(scorer: object, response: str, reference: str) -> None:
    verdict = scorer(VerifyItem("s", "physics", response, reference))  # type: ignore[operator]
    assert verdict.correct is True, verdict


# --- the property: a hedge built from v and w is never true, in any subject or scorer ---

def _number(value: int, tenths: bool) -> str:
    return f"{value / 10:g}" if tenths else str(value)


@st.composite
def two_values(draw: st.DrawFn) -> tuple[str, str]:
    """A reference value v and another value w, more than 5 % apart (the physics tolerance)."""
    tenths = draw(st.booleans())
    v = draw(st.integers(-500, 500))
    w = draw(st.integers(-500, 500).filter(lambda w: abs(w - v) > 0.06 * max(abs(v), abs(w), 1)))
    return _number(v, tenths), _number(w, tenths)


FORMS = [
    "{a} or {b}", "either {a} or {b}", r"{a} \text{{ or }} {b}", "{a}, {b}", r"\{{{a}, {b}\}}",
    "[{a}, {b}]", "({a}, {b})", r"{a} \approx {b}", r"{a} \sim {b}", "{a} < {b}", r"{a} \le {b}",
    r"{a} \geq {b}", "{a} to {b}", r"{a} \text{{ to }} {b}", "between {a} and {b}", "{a} and {b}",
    "{a}; {b}",
]
WRAPPERS = [r"\boxed{{{x}}}", "The answer is {x}.", "Final Answer: ${x}$", "{x}"]
BOXES = [r"\boxed{{{a}}} or \boxed{{{b}}}", r"\boxed{{{a}}}, \boxed{{{b}}}", "maybe {a} or {b}"]


@st.composite
def hedges(draw: st.DrawFn, unit: str) -> tuple[str, str]:
    """``(response, reference)``: a hedge form of v and w (either order) in a response."""
    v, w = draw(two_values())
    a, b = (f"{v}{unit}", f"{w}{unit}") if draw(st.booleans()) else (f"{w}{unit}", f"{v}{unit}")
    kind = draw(st.sampled_from(["form", "boxes", "pm"]))
    if kind == "pm" and float(v) != 0:
        body = rf"\pm {abs(float(v)):g}{unit}"
    elif kind == "boxes":
        return draw(st.sampled_from(BOXES)).format(a=a, b=b), f"{v}{unit}"
    else:
        body = draw(st.sampled_from(FORMS)).format(a=a, b=b)
    return draw(st.sampled_from(WRAPPERS)).format(x=body), f"{v}{unit}"


@pytest.mark.parametrize(("subject", "unit"), [
    ("math", ""), ("physics", " J"), ("physics", ""), ("chemistry", " mol/L"),
])
@SETTINGS
@given(data=st.data())
def test_property_no_subject_credits_a_hedge(subject: str, unit: str, data: st.DataObject) -> None:
    """For a reference value v and another value w, no hedge form of them is ever true."""
    response, reference = data.draw(hedges(unit))
    assert judge(subject, response, reference).correct is not True, (response, reference)


@SETTINGS
@given(values=two_values(), form=st.sampled_from([r"\boxed{{{a}-{b} J}}", r"\boxed{{{a} J/{b} J}}",
                                                  "{a}–{b} J", r"\boxed{{{a}~{b} J}}"]))
def test_property_physics_quantity_forms_are_hedges(values: tuple[str, str], form: str) -> None:
    """The forms only quantities have (a range ``2.5-3 J``, ``2.5 J/3 J``), v first or second."""
    v, w = (value.lstrip("-") for value in values)
    if abs(float(v) - float(w)) <= 0.06 * max(float(v), float(w), 1):
        return  # the two values differed only in sign
    for a, b in ((v, w), (w, v)):
        response = form.format(a=a, b=b)
        assert judge("physics", response, f"{v} J").correct is not True, response


@SETTINGS
@given(case=hedges(""), letters=st.permutations("ABCD"))
def test_property_scorers_never_credit_a_hedge(case: tuple[str, str], letters: list[str]) -> None:
    response, reference = case
    for scorer in (score_contains, score_first_char):
        item = VerifyItem("s", "physics", response, reference)
        assert scorer(item).correct is not True, (scorer.__name__, case)
    first, second = letters[:2]
    for form in ("{a} or {b}", "The answer is {a} or {b}.", r"\boxed{{{a}}} or \boxed{{{b}}}",
                 "({a}) or ({b})", "{a}, {b}"):
        item = VerifyItem("s", "physics", form.format(a=first, b=second), first)
        for scorer in (score_letter, score_first_char, score_contains):
            assert scorer(item).correct is not True, (scorer.__name__, item.response)


# --- the scan is bounded: linear work on the longest answer a caller lets through ---

SCAN_TOKENS = [" ", "or", "and", "between", "to", "-", "--", "~", "\\pm", "(", ")", "{", "}",
               "[", "]", ",", ";", "1", "2.5", "J", "\\approx", "<", "x", "\\text{", "$", "."]


@pytest.mark.parametrize("answer", [
    "between " + " " * 1990 + "x",  # took 30 s with a backtracking "between (.+?) and" pattern
    "6" + " " * 1990 + "or",
    "1" + " " * 1990 + "--",
    "\\text{" * 330,
])
def test_the_hedge_scan_is_fast_on_hostile_answers(answer: str) -> None:
    started = time.perf_counter()
    hedge.resolve(answer[:hedge.MAX_ANSWER], "6", hedge.same_text, response=answer * 3)
    assert time.perf_counter() - started < SCAN_BOUND


@SETTINGS
@given(text=st.lists(st.sampled_from(SCAN_TOKENS), max_size=700).map("".join))
def test_property_the_hedge_scan_is_fast(text: str) -> None:
    started = time.perf_counter()
    hedge.resolve(text[:hedge.MAX_ANSWER], "6", hedge.same_text, response=text * 3)
    assert time.perf_counter() - started < SCAN_BOUND


def test_an_answer_too_long_to_scan_is_refused_by_the_caller() -> None:
    with pytest.raises(ValueError, match="over 2000 characters"):
        hedge.resolve("6 " * 1001, "6", hedge.same_text)
    verdict = score_contains(VerifyItem("s", "physics", "6 " * 1001, "6"))
    assert verdict.correct is None and "several candidate answers" in verdict.reason


@pytest.mark.parametrize("subject", ["physics", "chemistry"])
def test_science_subjects_read_only_what_follows_the_reasoning(subject: str) -> None:
    """An answer only inside ``<think>`` is no answer, in every subject (docs/verify.md)."""
    from sciglm.verify.worker import verify_one

    def judge(response: str) -> bool | None:
        return verify_one(VerifyItem("r", subject, response, "2.5 J")).correct

    assert judge(r"<think>it is \boxed{2.5 J}</think> I am not sure.") is False
    assert judge(r"<think>maybe \boxed{3 J}</think> The answer is \boxed{2.5 J}.") is True
    assert judge(r"<think>so the energy is \boxed{2.5 J}") is False  # cut off while thinking
