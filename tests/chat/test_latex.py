"""LaTeX shown readably: what a reader of the chat actually sees."""

from __future__ import annotations

import pytest

from sciglm.chat.latex import convert, to_unicode


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        (r"$\frac{1}{2}$", "1/2"),
        (r"$\dfrac{a+b}{2c}$", "(a+b)/(2c)"),
        (r"$\sqrt{2}$ and $\sqrt{b^2-4ac}$", "√2 and √(b²-4ac)"),
        (r"$\sqrt[3]{8} = 2$", "∛8 = 2"),
        (r"$x^{n+1} + y_{12}$", "xⁿ⁺¹ + y₁₂"),
        (r"$\alpha + \beta \leq \pi$", "α + β ≤ π"),
        (r"$90^\circ$", "90°"),
        (r"$H_2O$", "H₂O"),
        (r"$10^{-19} \mathrm{~J}$", "10⁻¹⁹ J"),
        (r"$\left(3, \frac{\pi}{2}\right)$", "(3, π/2)"),
        (r"$x^{\alpha}$", "x^α"),
        (r"$\binom{6}{2}$", "C(6,2)"),
        (r"$\text{speed} = 3 \times 10^8$", "speed = 3 × 10⁸"),
    ],
)
def test_math_is_shown_with_unicode(source: str, shown: str) -> None:
    assert to_unicode(source) == shown


def test_prose_keeps_underscores_and_dollar_amounts() -> None:
    assert to_unicode("use my_var here") == "use my_var here"
    assert to_unicode("It costs $5 and $10 in total") == "It costs $5 and $10 in total"


def test_boxed_answer_is_bold_markdown_even_outside_math() -> None:
    assert to_unicode(r"The answer is \boxed{\frac{9}{7}}.") == "The answer is **9/7**."


def test_code_is_left_alone() -> None:
    text = "see `x_1^2` and\n```python\nprint(r'\\alpha')\n```\n"
    assert to_unicode(text) == text


def test_display_math_gets_its_own_paragraph() -> None:
    shown = to_unicode(r"so $$x = \frac{-b \pm \sqrt{b^2-4ac}}{2a}$$ hence")
    assert "\n\nx = (-b ± √(b²-4ac))/(2a)\n\n" in shown


def test_unbalanced_input_does_not_fail() -> None:
    # A reply cut off mid-formula while it streams must still display.
    assert convert(r"\frac{1}{", math=True) == "1/"
    assert to_unicode(r"$\sqrt{2") == r"$√2"
