"""Finding the final answer in free model text (sciglm.answers.extract)."""

from __future__ import annotations

import time

import pytest

from sciglm.answers import extract


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (r"so $\boxed{\frac{1}{2}}$.", r"\frac{1}{2}"),
        (r"\boxed{1} then \boxed{\{1, 2\}}", r"\{1, 2\}"),
        (r"\fbox{7}", "7"),
        (r"\boxed {x^{2}}", "x^{2}"),
        (r"\boxed{\boxed{3}}", "3"),  # the innermost box opens last
        (r"unclosed \boxed{3", None),
        ("no box", None),
    ],
)
def test_last_boxed(text: str, expected: str | None) -> None:
    assert extract.last_boxed(text) == expected


def test_boxed_contents_in_order_of_opening() -> None:
    assert extract.boxed_contents(r"\boxed{a{b}} x \boxed{c}") == ["a{b}", "c"]


def test_hashes_and_answer_is() -> None:
    assert extract.hashes("48/2 = 24\n#### 72\n") == "72"
    assert extract.hashes("#### 1\n#### 2") == "2"
    assert extract.answer_is("So the final answer is 18 dollars.\nThanks") == "18 dollars"
    assert extract.answer_is("Answer: (C)") == "(C)"
    assert extract.answer_is("nothing here") is None


@pytest.mark.parametrize(
    ("text", "letter"),
    [
        ("The answer is (C)", "C"),
        (r"\boxed{B}", "B"),
        (r"so \boxed{\text{(D)}}", "D"),
        ("#### A", "A"),
        ("E", "E"),
        ("The answer is 42", None),
    ],
)
def test_choice_letter(text: str, letter: str | None) -> None:
    assert extract.choice_letter(text) == letter


def test_choice_letter_respects_number_of_choices() -> None:
    assert extract.choice_letter("The answer is (E)", n_choices=4) is None


def test_final_answer_priority() -> None:
    text = "The answer is 3.\n#### 4\n" + r"\boxed{5}"
    assert extract.final_answer(text) == "5"
    assert extract.final_answer("The answer is 3.\n#### 4") == "4"


def test_last_expression() -> None:
    assert extract.last_expression(r"First $x=1$, finally $x = \frac{3}{4}$ works.") == (
        r"x = \frac{3}{4}"
    )
    assert extract.last_expression(r"We get \(\sqrt{2}\) here") == r"\sqrt{2}"
    assert extract.last_expression("costs 1,250 and then 3/4 of it") == "3/4"
    assert extract.last_expression("It is 12% more") == "12%"
    assert extract.last_expression("no numbers") is None


def test_hostile_text_is_scanned_in_linear_time() -> None:
    """A megabyte of unclosed boxes or dollar signs must not take quadratic time."""
    hostile = [
        "\\boxed{" * 150_000,
        "\\boxed{" + "{" * 500_000,
        "$" * 1_000_000,
        "\\(" * 400_000,
        "1" * 1_000_000,
        "the answer is " * 70_000,
    ]
    for text in hostile:
        started = time.perf_counter()
        extract.final_answer(text)
        extract.last_expression(text)
        extract.choice_letter(text)
        assert time.perf_counter() - started < 3, text[:20]
