"""Property-based tests (hypothesis): no verdict from part of an answer, every call in its bound.

Inputs are huge, nested, unbalanced and adversarial: random mixtures of box openers, braces,
dollar signs, powers, digits and words. The properties:

- ``true`` only ever comes from a fully read answer: a box that is never closed, a response
  past the scan limit, digits inside a word or formula are never judged correct;
- extraction is linear: every call on these inputs returns well inside its time bound;
- through the real worker pool, every verdict arrives, in order, within the check timeout.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sciglm_chemistry import Chemistry
from sciglm_math.subject import MathSubject

from sciglm.answers import extract
from sciglm.records import VerifyItem
from sciglm.verify.pool import VerifierPool

TOKENS = [
    "\\boxed{", "\\fbox{", "{", "}", "$", "$$", "\\(", "\\)", "\\[", "\\]", "^", "_", "^{",
    "\\frac{", "\\sqrt{", "(", ")", "[", "]", ",", ".", " ", "\n", "1", "2", "7", "42", "-", "+",
    "=",
    "the answer is ", "Final Answer: ", "#### ", "x", "H2O", "AZYUK2A", "\\text{ and }", "\\!",
]
adversarial = st.lists(st.sampled_from(TOKENS), max_size=300).map("".join)
words = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", min_size=1,
                max_size=6)
EXTRACTION_BOUND = 1.0  # seconds for every extraction call on one input (they take ~1 ms)
SETTINGS = settings(max_examples=60, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def math() -> MathSubject:
    subject = MathSubject()
    subject.warmup()
    return subject


def _verdict(subject: MathSubject | Chemistry, response: str, reference: str) -> bool | None:
    return subject.verify(VerifyItem("p", subject.name, response, reference)).correct


@SETTINGS
@given(prefix=adversarial, n=st.integers(0, 10**6), tail=adversarial)
def test_an_unclosed_box_is_never_judged_true(
    math: MathSubject, prefix: str, n: int, tail: str
) -> None:
    """``… \\boxed{N …`` with the box never closed: the answer is cut off, so null."""
    tail = tail.replace("}", "")  # nothing may close the last box
    response = f"{prefix}\\boxed{{{n}{tail}"
    verdict = math.verify(VerifyItem("p", "math", response, str(n)))
    assert verdict.correct is None and "cut off" in verdict.reason
    assert _verdict(Chemistry(), response, str(n)) is None


@SETTINGS
@given(depth=st.integers(1, 40), closed=st.integers(0, 40), n=st.integers(0, 999))
def test_nested_boxes_are_true_only_when_every_brace_closes(
    math: MathSubject, depth: int, closed: int, n: int
) -> None:
    response = "\\boxed{" * depth + str(n) + "}" * min(closed, depth)
    verdict = _verdict(math, response, str(n))
    if closed >= depth:
        assert verdict is True
    else:
        assert verdict is None


@SETTINGS
@given(left=words, right=words, n=st.integers(0, 999), before=st.sampled_from(["", "The ", "So "]))
def test_digits_inside_a_word_or_formula_are_never_the_answer(
    math: MathSubject, left: str, right: str, n: int, before: str
) -> None:
    response = f"{before}{left}{n}{right}"
    assert _verdict(math, response, str(n)) is not True
    assert _verdict(Chemistry(), response, str(n)) is not True


@SETTINGS
@given(left=words, n=st.integers(0, 999), boxed=st.booleans())
def test_a_name_ending_in_digits_is_never_the_number(
    math: MathSubject, left: str, n: int, boxed: bool
) -> None:
    """``e0`` is not 0 (the LaTeX parser reads it as e·0), boxed or bare."""
    response = f"\\boxed{{{left}{n}}}" if boxed else f"So {left}{n}"
    assert _verdict(math, response, str(n)) is not True


@pytest.mark.parametrize(("response", "reference", "expected"), [
    ("So e0e", "0", False),  # once judged true: math-verify read S·o·e·0·e = 0
    ("e0", "0", False),
    ("i0", "0", False),  # the constant evaluator read i·0
    ("\\boxed{ee0ee}", "0", False),
    ("\\boxed{x1}", "x", None),  # x·1 = x to the parser: not checked
    ("x1 = 3", "3", True),  # a variable named x1 set to the answer
    ("x_1 = 3", "3", True),
])
def test_digits_glued_into_names(math: MathSubject, response: str, reference: str,
                                 expected: bool | None) -> None:
    assert _verdict(math, response, reference) is expected


@settings(max_examples=4, deadline=None, database=None)
@given(unit=st.text(min_size=1, max_size=20), n=st.integers(0, 999))
def test_past_the_scan_limit_every_subject_says_null(math: MathSubject, unit: str, n: int) -> None:
    response = f"\\boxed{{{n}}} " + unit * (extract.MAX_SCAN // len(unit) + 1) + f" \\boxed{{{n}}}"
    for subject in (math, Chemistry()):
        verdict = subject.verify(VerifyItem("p", subject.name, response, str(n)))
        assert verdict.correct is None and "too long to scan whole" in verdict.reason


@SETTINGS
@given(text=adversarial, repeat=st.integers(1, 400))
def test_extraction_is_fast_and_total_on_adversarial_text(text: str, repeat: int) -> None:
    text = text * repeat  # up to ~100k characters of nested, unbalanced markup
    for function in (extract.stated_answer, extract.refusal, extract.final_answer,
                     extract.choice_letter, extract.last_expression, extract.math_spans):
        started = time.perf_counter()
        function(text)
        assert time.perf_counter() - started < EXTRACTION_BOUND, function.__name__


OPENERS = ("{", "}", "\\boxed{", "\\fbox{", "\\frac{", "\\sqrt{", "^{")
PROSE_TOKENS = [t for t in TOKENS if t not in OPENERS]
prose = st.lists(st.sampled_from(PROSE_TOKENS), max_size=200).map("".join)


@SETTINGS
@given(prefix=prose, n=st.integers(0, 10**6))
def test_true_comes_from_the_whole_box_and_a_cut_after_it_makes_null(
    math: MathSubject, prefix: str, n: int
) -> None:
    """Any prose, then ``\\boxed{N}``: true; the same with a box cut off after it: null."""
    response = f"{prefix} \\boxed{{{n}}}"
    assert _verdict(math, response, str(n)) is True
    assert _verdict(math, response + " and \\boxed{" + str(n), str(n)) is None
    assert _verdict(math, response, str(n + 1)) is False


@pytest.mark.slow
@settings(
    max_examples=3, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(batch=st.lists(adversarial, min_size=20, max_size=20))
def test_every_hostile_check_in_the_pool_returns_within_its_bound(batch: list[str]) -> None:
    hostile = [
        "\\boxed{" + "1+" * 300_000 + "1}",  # the 600 KB box of issue 14: past the scan limit
        "\\boxed{" + "1+" * 50_000 + "1}",  # a 100 KB box: refused by the size guard
        "\\boxed{" + "1+" * 50_000 + "1",  # never closed
        "\\boxed{9^{9^{9}}}",  # passes the guards, cannot be computed: the timeout ends it
    ]
    responses = hostile + batch
    items = [VerifyItem(str(i), "math", r, "1") for i, r in enumerate(responses)]
    timeout = 5.0
    with VerifierPool(workers=2, timeout=timeout) as pool:
        started = time.monotonic()
        verdicts = pool.map(items)
        elapsed = time.monotonic() - started
    assert len(verdicts) == len(items)
    assert all(v.seconds <= timeout + 1 for v in verdicts)
    assert [v.correct for v in verdicts[:4]] == [None, None, None, None]
    assert elapsed < 120
