"""The math subject in-process: fast paths, math-verify fallback, choices, guards."""

from __future__ import annotations

from fractions import Fraction

import pytest
from sciglm_math import guard, numeric
from sciglm_math.check import reference_answer
from sciglm_math.normalize import normalize, numbers_equal, parse_number
from sciglm_math.subject import MathSubject

from sciglm.records import VerifyItem


@pytest.fixture(scope="module")
def math() -> MathSubject:
    subject = MathSubject()
    subject.warmup()
    return subject


def check(subject: MathSubject, response: str, reference: str, **extra: object) -> bool | None:
    return subject.verify(VerifyItem("t", "math", response, reference, **extra)).correct  # type: ignore[arg-type]


# (response, reference, expected) — the kinds of answer the issue names, right and wrong.
CASES = [
    (r"\boxed{\frac{1}{2}}", "0.5", True),
    (r"\boxed{\dfrac{1}{2}}", r"\frac12", True),
    (r"\boxed{1/2}", r"\frac{1}{2}", True),
    (r"\boxed{\frac{2}{4}}", r"\frac{1}{2}", True),
    (r"\boxed{\frac{1}{3}}", r"\frac{1}{2}", False),
    (r"\boxed{\frac{1}{\sqrt{2}}}", r"\frac{\sqrt{2}}{2}", True),
    (r"\boxed{\sqrt{12}}", r"2\sqrt{3}", True),
    (r"\boxed{\sqrt{3}}", r"2\sqrt{3}", False),
    (r"\boxed{\{3, 1, 2\}}", r"\{1,2,3\}", True),
    (r"\boxed{\{1, 2\}}", r"\{1,2,3\}", False),
    (r"\boxed{[1, 2)}", "[1,2)", True),
    (r"\boxed{[1, 2]}", "[1,2)", False),
    (r"\boxed{(-\infty, 3) \cup (4, \infty)}", r"(-\infty,3)\cup(4,\infty)", True),
    (r"\boxed{\left(3, \frac{\pi}{2}\right)}", r"\left( 3, \frac{\pi}{2} \right)", True),
    (r"\boxed{(3, \pi)}", r"\left( 3, \frac{\pi}{2} \right)", False),
    (r"\boxed{x=3}", "3", True),
    (r"\boxed{3}", "x=3", True),
    (r"\boxed{x=4}", "3", False),
    ("The answer is 1,234,567.", "1234567", True),
    ("The answer is 1,234,567.", "1234568", False),
    ("Total: 48/2 = 24\n#### 72", "He made 72.\n#### 72", True),
    ("#### 71", "72", False),
    ("So the answer is 18 dollars.", "18", True),
    (r"The answer is $\frac{3}{4}$ of the cake.", "0.75", True),
    ("The answer is 50%.", "0.5", True),
    (r"\boxed{30^\circ}", "30", True),
    ("We find $x = 7$ in the end.", "7", True),
    (r"\boxed{3 + 4i}", "(2+i)^2", True),
    (r"\boxed{3 - 4i}", "(2+i)^2", False),
    (r"\boxed{\text{Tuesday}}", "16", False),
    # these need math-verify (variables, unions, plus-minus)
    (r"\boxed{(x+1)^2}", "x^2+2x+1", True),
    (r"\boxed{x^2+1}", "(x+1)^2", False),
    (r"\boxed{(4, \infty) \cup (-\infty, 3)}", r"(-\infty,3)\cup(4,\infty)", True),
    (r"\boxed{(-\infty, 3) \cup (4, \infty)}", r"(-\infty,3)\cup[4,\infty)", False),
    (r"\boxed{1+\sqrt5, 1-\sqrt5}", r"1\pm\sqrt{5}", True),
    (r"\boxed{\begin{pmatrix}1&0\\0&1\end{pmatrix}}",
     r"\begin{pmatrix} 1 & 0 \\ 0 & 1 \end{pmatrix}", True),
]


@pytest.mark.parametrize(("response", "reference", "expected"), CASES)
def test_issue_examples(math: MathSubject, response: str, reference: str, expected: bool) -> None:
    assert check(math, response, reference) is expected


def test_choices(math: MathSubject) -> None:
    assert check(math, "The answer is (C)", "C") is True
    assert check(math, "The answer is (B)", "C") is False
    assert check(math, r"\boxed{\text{(C)}}", r"\text{(C)}") is True
    choices = ["1/3", "1/2", "2/3", "3/4"]
    # the reference is a choice's text; the response names the letter or the value
    assert check(math, "The answer is (B).", "1/2", choices=choices) is True
    assert check(math, r"\boxed{0.5}", "B", choices=choices) is True
    assert check(math, r"\boxed{\frac{2}{3}}", "B", choices=choices) is False
    verdict = math.verify(VerifyItem("t", "math", "I am not sure.", "B", choices=choices))
    assert verdict.correct is False and "no choice letter" in verdict.reason


def test_fast_paths_skip_math_verify(math: MathSubject) -> None:
    fast = [
        ("#### 1,000", "1000", True),
        (r"\boxed{\dfrac{1}{4}}", "0.25", True),
        (r"\boxed{\sqrt{4}}", "2", True),
        (r"\boxed{\left(3, \frac{\pi}{2}\right)}", r"(3, \pi/2)", True),
        (r"\boxed{\{2, 1\}}", r"\{1, 2\}", True),
        (r"\boxed{[1, 2)}", "(1, 2]", False),
        (r"\boxed{\frac{\sqrt{3}}{2}}", r"\frac{1}{2}", False),
    ]
    for response, reference, expected in fast:
        verdict = math.verify(VerifyItem("t", "math", response, reference))
        assert verdict.correct is expected and verdict.details["method"] == "fast", response
    # a mixed number is read as MATH writes it (5/2), never as the product 2 * 1/2
    for reference, expected in [("2.5", True), (r"\frac{5}{2}", True), ("1", False)]:
        verdict = math.verify(VerifyItem("t", "math", r"\boxed{2\frac{1}{2}}", reference))
        assert verdict.correct is expected and verdict.details["method"] == "fast", reference
    # symbols go to math-verify
    verdict = math.verify(VerifyItem("t", "math", r"\boxed{(x+1)^2}", "x^2+2x+1"))
    assert verdict.details["method"] == "math-verify"


def test_constant_latex_is_evaluated_without_sympy() -> None:
    value = numeric.evaluate(r"\frac{\sqrt{2}}{2}")
    assert value is not None and abs(value.items[0] - 2**-0.5) < 1e-12
    assert numeric.evaluate(r"\sqrt[3]{8}").items == (2.0,)  # type: ignore[union-attr]
    assert numeric.evaluate(r"-2^2").items == (-4.0,)  # type: ignore[union-attr]
    assert numeric.evaluate(r"(-\infty,3]").kind == "(]"  # type: ignore[union-attr]
    for text in ["x+1", r"\sin 2", "2^{1000}", r"\frac{1}{0}", r"\sqrt{-1}", "-" * 500 + "1"]:
        assert numeric.evaluate(text) is None, text


def test_no_answer_and_no_reference(math: MathSubject) -> None:
    verdict = math.verify(VerifyItem("t", "math", "I give up.", "2"))
    assert verdict.correct is False and verdict.predicted is None
    assert math.verify(VerifyItem("t", "math", r"\boxed{2}", None)).correct is None


def test_reference_answer_from_a_solution() -> None:
    assert reference_answer(r"so it is $\boxed{\frac{9}{7}}$.") == r"\frac{9}{7}"
    assert reference_answer("She has 3.\n#### 3") == "3"
    assert reference_answer(" 42 ") == "42"


def test_parse_number() -> None:
    assert parse_number("1,234") == parse_number("1234")
    assert parse_number("1,234").value == 1234  # type: ignore[union-attr]
    assert parse_number(r"-\frac{3}{4}").value == Fraction(-3, 4)  # type: ignore[union-attr]
    assert parse_number(r"\frac{-3}{4}").value == Fraction(-3, 4)  # type: ignore[union-attr]
    assert parse_number("0.50").inexact is True  # type: ignore[union-attr]
    assert parse_number(r"12\%").percent is True  # type: ignore[union-attr]
    assert parse_number("1/0") is None
    assert parse_number("x") is None
    assert parse_number(normalize("1, 234")) is None  # a list of two numbers, not 1234


def test_numbers_equal() -> None:
    one_third, rounded = parse_number("1/3"), parse_number("0.333333")
    assert one_third and rounded and numbers_equal(one_third, rounded)
    coarse = parse_number("0.33")
    assert coarse and not numbers_equal(one_third, coarse)
    half, fifty = parse_number("0.5"), parse_number("50%")
    assert half and fifty and numbers_equal(half, fifty)


@pytest.mark.parametrize(
    "text",
    [
        "9^{9^{9^{9}}}",
        "10^{10^{10^{10}}}",
        "10^{100000}",
        "9^9^9^9",
        "2**1000000",
        "(" * 10_000 + ")" * 10_000,
        r"\frac{1}{" * 12 + "2" + "}" * 12,
        "7" * 1_000_001,
    ],
)
def test_guard_refuses_hostile_answers(text: str) -> None:
    assert guard.refuse(text) is not None


@pytest.mark.parametrize(
    "text", [r"e^{x^{2}}", r"2^{10}", r"\frac{\sqrt{2}}{2}", r"(-\infty, 3) \cup (4, \infty)", "5!"]
)
def test_guard_lets_ordinary_answers_through(text: str) -> None:
    assert guard.refuse(text) is None
