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
    """A megabyte of unclosed boxes or dollar signs must not take quadratic time (quadratic
    would be minutes of CPU here)."""
    hostile = [
        "\\boxed{" * 150_000,
        "\\boxed{" + "{" * 500_000,
        "$" * 1_000_000,
        "\\(" * 400_000,
        "1" * 1_000_000,
        "the answer is " * 70_000,
    ]
    for text in hostile:  # CPU time of this process: what other processes do cannot move it
        started = time.process_time()
        extract.final_answer(text)
        extract.last_expression(text)
        extract.choice_letter(text)
        assert time.process_time() - started < 3, text[:20]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # several boxes of one final answer are joined; distant boxes are not
        (r"The solutions are $\boxed{(1, 2)}, \boxed{(2, 1)}$.", "(1, 2), (2, 1)"),
        (r"\boxed{1} and \boxed{2} and \boxed{3}", "1, 2, 3"),
        (r"$$\boxed{(3, 3)} \text{ for part (a) and } \boxed{(1, 1)}$$", "(3, 3), (1, 1)"),
        (r"\boxed{1} no no no no no \boxed{2}", "2"),
        ("First \\boxed{4}. Wait, that is wrong.\n\nSo the answer is \\boxed{5}.", "5"),
        (r"$x = \boxed{2}$ and $y = \boxed{2}$", "2"),
        (r"\boxed{\boxed{3}}", "3"),
        # the answer inside a "final answer" sentence, not the first maths span in it
        ("Final Answer: The largest $n$ is 34.", "34"),
        ("The answer is 5, which is the number of apples left.", "5"),
        ("The answer is 5 apples and 3 pears.", "5 apples and 3 pears"),
        ("The final answer is that the count must be 12.", "12"),
        ("Final Answer: The final answer is 12,000,023. I hope it is correct.", "12,000,023"),
        ("Final Answer: Jane started growing Sphere 3 hours ago. I hope it is correct.", "3"),
        (r"Final Answer: The final answer is $28 \%$. I hope it is correct.", r"28 \%"),
        (r"Final Answer: The final answer is \"$12 $ and $13 $\". I hope", "12, 13"),
        (r"Final Answer: The final answer is \((-6, 10)\). I hope it is correct.", "(-6, 10)"),
        # a later "Final Answer" sentence restates the answer after an intermediate box
        (r"so $\boxed{255}$ for the CD. Final Answer: The final answer is $10,455$.", "10,455"),
        # bare answers
        (r"\frac{10}{9}", r"\frac{10}{9}"),
        ("[1, 2, 3]", "[1, 2, 3]"),
        ("x = y", "x = y"),
        ("1 000", "1 000"),
        (r"\begin{pmatrix}1&2\\3&4\end{pmatrix}", r"\begin{pmatrix}1&2\\3&4\end{pmatrix}"),
        # the last span or lone number, whichever comes last
        (r"We get $$\frac{a}{b} \geq 2.$$ Therefore the error increases by 100%.", "100%"),
        (r"We find $x = 7$ in the end.", "x = 7"),
        # never digits from inside a word or a formula
        ("AZYUK2A", None),
        ("The formula is H2O", None),
        ("CO2 is released.", None),
        ("Take the vector v2.", None),
        ("So we add 3 + 4 here", None),
        ("(" * 10_000 + "1" + ")" * 10_000, "(" * 10_000 + "1" + ")" * 10_000),
        ("It costs 1,000.99m² in all", "1,000.99"),
    ],
)
def test_stated_answer(text: str, expected: str | None) -> None:
    assert extract.stated_answer(text) == expected


def test_standalone_numbers_skip_words_names_and_formulas() -> None:
    text = r"AZYUK2A H2O 2H2O x_2 v2 10^{3} 3 + 4 5\times 6 then 7 and -0.5 and 3/4 and 12%"
    found = [m.group(0) for m in extract.standalone_numbers(text)]
    assert found == ["7", "-0.5", "3/4", "12%"]


def test_choice_letter_in_any_delimiter() -> None:
    assert extract.choice_letter("$E$") == "E"
    assert extract.choice_letter(r"\(\text{C}\)") == "C"
    assert extract.choice_letter(r"The answer is $\textbf{(B)}$") == "B"
    assert extract.choice_letter("E" + " " * 300 + "and more text") is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (r"\boxed{" + "1+" * 300_000 + "1}", "too long to scan whole"),
        (r"So \boxed{" + "1+" * 1000 + "1", "cut off"),
        (r"\boxed{3} and then \boxed{1+", "cut off"),
    ],
)
def test_refusal_names_what_cannot_be_read_whole(text: str, reason: str) -> None:
    assert reason in (extract.refusal(text) or "")
    assert extract.stated_answer(text) != "1"


def test_an_unmatched_plain_brace_before_the_box_is_fine() -> None:
    text = r"Let { be a stray brace; finally \boxed{3}"
    assert extract.refusal(text) is None and extract.stated_answer(text) == "3"


def test_math_spans_are_found_in_one_pass_without_length_limit() -> None:
    spans = extract.math_spans("a $" + "1+" * 5000 + "1$ b \\(x\\) c \\$5 $$y$$")
    assert [len(s.content) for s in spans] == [10001, 1, 1]
