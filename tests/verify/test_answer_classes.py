"""Issue 23 item 3: the answer classes peers' grader tests caught, each fixed as a class.

Each case is (response, reference, verdict); the cases are our own, one or more per class,
with the right and the wrong answer where both make sense.
"""

from __future__ import annotations

import time

import pytest
from sciglm_math import guard, units
from sciglm_math.normalize import prime_marks
from sciglm_math.subject import MathSubject

from sciglm.answers import extract
from sciglm.answers.choices import predicted_bool, predicted_letters
from sciglm.answers.reasoning import split_reasoning, unclosed_reasoning
from sciglm.records import VerifyItem


@pytest.fixture(scope="module")
def math() -> MathSubject:
    subject = MathSubject()
    subject.warmup()
    return subject


def verdict(subject: MathSubject, response: str, reference: str) -> bool | None:
    return subject.verify(VerifyItem("t", "math", response, reference)).correct


CLASSES = {
    "prime": [
        ("\\boxed{E}", "E'", False), ("\\boxed{E'}", "E", False), ("\\boxed{f}", "f'", False),
        ("\\boxed{f'(x)}", "f(x)", False), ("\\boxed{y''}", "y'", False),
        ("\\boxed{g^{\\prime}(2)}", "g(2)", False), ("\\boxed{A'B'}", "AB", False),
        ("\\boxed{f'(x)}", "f'(x)", True), ("\\boxed{g^{\\prime}}", "g'", True),
    ],
    "open_ended": [
        ("\\boxed{1, 2, 3, \\ldots}", "1, 2, 3", False),
        ("\\boxed{1, 2, 3}", "1, 2, 3, \\dots", False),
        ("The terms are $2, 4, 6, \\cdots$", "2, 4, 6", False),
        ("\\boxed{\\{1, 2, \\dots, n\\}}", "\\{1, 2, n\\}", False),
        ("\\boxed{1, ...}", "1", False),  # the trailing dots are no full stop
        ("\\boxed{1, 2, 3, \\ldots}", "1, 2, 3, \\dots", True),
    ],
    "malformed": [
        ("$\\frac{$", "\\frac{", None), ("\\boxed{\\sqrt{}}", "\\sqrt{}", None),
        ("\\boxed{x^}", "x^", None), ("\\boxed{\\frac}", "\\frac", None),
        ("\\boxed{\\left( 1, 2 }", "\\left( 1, 2", None), ("\\boxed{3}", "\\frac{3}{", None),
        ("\\boxed{\\frac{1}{2}}", "\\frac{1}{2}", True),
    ],
    "units": [
        ("\\boxed{10 cm}", "10", True), ("\\boxed{10cm}", "10", True),
        ("\\boxed{10 weeks}", "10", True), ("\\boxed{10\\text{ m}}", "10", True),
        ("The answer is 12 cm^2.", "12", True), ("\\boxed{10}", "10 cm", True),
        ("\\boxed{10 kg}", "10 \\text{kg}", True), ("\\boxed{10 weeks}", "10 week", True),
        ("\\boxed{11 cm}", "10", False), ("\\boxed{10 cm}", "10 mm", None),
        ("\\boxed{2x}", "2", False), ("\\boxed{3ab}", "3", False), ("\\boxed{10 m}", "10", False),
        ("\\boxed{5 million}", "5", False), ("\\boxed{5 squared}", "5", False),
        ("\\boxed{3 halves}", "3", False), ("The answer is 3 factorial.", "3", False),
    ],
    "one_word": [
        ("odd", "odd", True), ("**Even**", "even", True), ("None.", "none", True),
        ("**Final Answer**\nnone", "none", True), ("odd", "even", False),
        ("Final Answer: 12 weeks", "12", True), ("It takes 12 weeks", "13", False),
    ],
    "chinese": [
        ("解得 x=3，答案: C", "C", True), ("所以答案是 12。", "12", True),
        ("故选 B", "B", True), ("故选 B", "C", False), ("答案为：7", "7", True),
        ("答案是 12", "13", False),
    ],
    "fragment": [
        ("We get \\frac{63}{400}", "400", False), ("We get \\frac{63}{400}", "63", False),
        ("Then \\sqrt{2}", "2", False), ("Then \\sqrt[3]{8}", "3", False),
        ("Then \\sqrt[3]{5}", "5", False), ("It starts at 0:01.", "0", False),
        ("The ratio is 3:4", "4", False), ("The train arrives at 20:34.", "34", False),
        ("The train arrives at 20:34.", "20", False),
        ("So $\\frac{63}{400}$", "\\frac{63}{400}", True),
    ],
    "reasoning": [
        ("<think>\\boxed{42}</think>", "42", False),
        ("<think>The answer is 42.</think>\n\n", "42", False),
        ("<think>so 42", "42", False),  # cut off while thinking: no answer
        ("Okay, 42 it is.</think>", "42", False),  # the template opened the block
        ("<think>maybe 41</think> The answer is \\boxed{42}.", "42", True),
        ("<think>\\boxed{42}</think> The answer is \\boxed{41}.", "42", False),
        ("<THINK>42</THINK>42", "42", True),
    ],
    "misses": [
        ("\\boxed{3128 1/2}", "3128\\frac{1}{2}", True), ("\\boxed{3128\\ 1/2}", "6257/2", True),
        ("The answer is 3128 1/2", "31281/2", False), ("\\boxed{5 1/2}", "51/2", False),
        ("The train arrives at 20:34.", "20:34", True), ("\\boxed{20:34}", "20:35", False),
        ("\\boxed{8:05}", "08:05", True),
        ("\\boxed{1e-3}", ".001", True), ("\\boxed{.001}", "1e-3", True),
        ("\\boxed{10^{-3}}", "1e-3", True), ("\\boxed{1.5e3}", "1500", True),
        ("\\boxed{1e-3}", ".01", False),
    ],
}
CASES = [(name, *case) for name, cases in CLASSES.items() for case in cases]


@pytest.mark.parametrize(("name", "response", "reference", "expected"), CASES)
def test_answer_class(math: MathSubject, name: str, response: str, reference: str,
                      expected: bool | None) -> None:
    assert verdict(math, response, reference) is expected


def test_subject_extraction_skips_reasoning_and_a_dollar_sign_is_no_broken_latex(
    math: MathSubject,
) -> None:
    assert math.extract_answer("<think>\\boxed{1}</think>") is None
    assert math.extract_answer("<think>\\boxed{1}</think> so \\boxed{2}") == "2"
    assert math.compare("18", "18\\$").correct is True
    assert math.compare("18", "\\$18").correct is True


def test_malformed_names_the_defect() -> None:
    assert guard.malformed("\\frac{") == "a { is never closed"
    assert guard.malformed("\\sqrt{}") == "a command is missing its argument"
    assert guard.malformed("x}") == "a } closes nothing"
    assert guard.malformed("x^") == "it ends in the middle of an expression"
    assert guard.malformed("\\{1, 2\\}") is None
    assert guard.malformed("\\left( \\frac{1}{2}, 3 \\right]") is None


@pytest.mark.parametrize(("text", "unit"), [
    ("10 cm", "cm"), ("10cm", "cm"), ("10\\text{ cm}", "cm"), ("10 weeks", "week"),
    ("12 cm^2", "cm^2"), ("5 km/h", "km/h"), ("2x", None), ("3ab", None), ("10 m", None),
    ("\\frac{\\pi}{2}", None), ("2\\sin", None), ("2 log", None),
])
def test_unit_rule(text: str, unit: str | None) -> None:
    assert units.unit_of(text) == unit


@pytest.mark.parametrize(("text", "split"), [
    ("<think>a</think>b", ("a", "b")),
    ("a</think>b", ("a", "b")),  # opened by the chat template
    ("<think>a</think>b<think>c</think>d", ("a</think>b<think>c", "d")),
    ("<think>cut off", ("cut off", "")),
    ("no tags", ("", "no tags")),
])
def test_split_reasoning(text: str, split: tuple[str, str]) -> None:
    reasoning, answer = split_reasoning(text)
    assert (reasoning.removeprefix("<think>"), answer) == split


def test_unclosed_reasoning() -> None:
    assert unclosed_reasoning("<think>so 42")
    assert not unclosed_reasoning("<think>so</think> 42")
    assert not unclosed_reasoning("so 42")


def test_choice_and_bool_answers_inside_reasoning_are_not_answers() -> None:
    assert predicted_letters("<think>The answer is (B)</think>") is None
    assert predicted_letters("<think>maybe (B)</think> The answer is (C)") == "C"
    assert predicted_bool("<think>yes</think>") is None
    assert predicted_bool("<think>yes</think> No.") is False


@pytest.mark.parametrize(("text", "answer"), [
    ("答案: C", "C"), ("答案是 12", "12"), ("故选 B", "B"), ("答案为：7。", "7"),
])
def test_chinese_markers(text: str, answer: str) -> None:
    assert extract.answer_is(text) == answer
    assert extract.stated_answer(text) == answer


@pytest.mark.parametrize("text", ["a" * 200_000, "f'" * 100_000, "a" * 200_000 + "'"])
def test_prime_marks_are_found_in_linear_time(text: str) -> None:
    started = time.perf_counter()
    prime_marks(text)
    assert time.perf_counter() - started < 3.0  # was 12 s on 20,000 letters (quadratic)
