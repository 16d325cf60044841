"""Parsing numbers with units from text and LaTeX, and comparing them."""

from __future__ import annotations

import pytest

from sciglm.answers.quantity import compare, parse_quantity, parse_reference, parse_unit_text


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("36 km/h", 36, "kilometer / hour"),
        (r"1.5 \times 10^{3} J", 1500, "joule"),
        ("1.5e3", 1500, None),
        ("1.5 x 10^3 m", 1500, "meter"),
        ("1.5×10³ J", 1500, "joule"),
        (r"$2.5 \times 10^{-19} \mathrm{~J}$", 2.5e-19, "joule"),
        (r"\text{12 m/s}", 12, "meter / second"),
        (r"25^{\circ}C", 25, "degree_Celsius"),
        (r"8.3 \mathrm{J} \mathrm{K}^{-1} \mathrm{~mol}^{-1}", 8.3, "joule / kelvin / mole"),
        (r"3 \mu \mathrm{C}", 3, "microcoulomb"),
        ("9.8 m/s²", 9.8, "meter / second ** 2"),
        ("v = 10 m/s to the east", 10, "meter / second"),
        ("1,500 N", 1500, "newton"),
        (r"\frac{1}{2} kg", 0.5, "kilogram"),
        ("7.8e-15 A s", 7.8e-15, "ampere * second"),
        ("The answer is 42.", 42, None),
    ],
)
def test_parse_quantity(text: str, value: float, unit: str | None) -> None:
    quantity = parse_quantity(text)
    assert quantity is not None
    assert quantity.value == pytest.approx(value)
    assert (str(quantity.unit) if quantity.has_unit else None) == unit


@pytest.mark.parametrize("text", ["x^{2}+y^{2}=2", r"2\pi", "2x", "5 m, 6 m", "[0.3, 0.25]"])
def test_reference_that_is_not_a_quantity(text: str) -> None:
    assert parse_reference(text) is None


def test_unit_field_with_power_of_ten() -> None:
    scale, unit, _ = parse_unit_text(r"$10^{-19} \mathrm{~J}$")
    assert scale == 1e-19 and str(unit) == "joule"
    scale, unit, _ = parse_unit_text(r" $10^{16}$ photons")
    assert scale == 1e16 and unit is None


@pytest.mark.parametrize(
    ("predicted", "reference", "expected"),
    [
        ("36 km/h", "10 m/s", True),
        ("1 atm", "101325 Pa", True),
        ("0.25 M", "0.25 mol/L", True),
        ("25 °C", "298.15 K", True),
        ("0.18 K", "-273 °C", False),  # compared on the absolute scale
        ("5 N", "5 kg", False),
        ("12 m/s", "10 m/s", False),
        ("4.224e-19 J", "3.52e-19 J", False),  # tiny magnitudes are still compared relatively
        ("0.05", "5 %", True),
    ],
)
def test_compare(predicted: str, reference: str, expected: bool) -> None:
    ok, reason = compare(parse_quantity(predicted), parse_reference(reference), rel_tol=0.05)
    assert ok is expected, reason


def test_dimension_mismatch_says_why() -> None:
    ok, reason = compare(parse_quantity("5 N"), parse_reference("5 kg"), rel_tol=0.05)
    assert not ok and "dimension mismatch" in reason


@pytest.mark.parametrize(
    "text",
    [
        "1e999999 m",
        "1e400 J",  # within the exponent bound, past the largest float: once an OverflowError
        "10^{99999999} J",
        "5 m^99999999",  # never read as m^99 (the first two digits of the power)
        "9" * 5000,
        "(" * 10000 + "1" + ")" * 10000,
    ],
)
def test_hostile_numbers_give_no_quantity(text: str) -> None:
    assert parse_quantity(text) is None


def test_largest_finite_numbers_are_still_read() -> None:
    quantity = parse_quantity("1e308 m")
    assert quantity is not None and quantity.value == 1e308 and str(quantity.unit) == "meter"


@pytest.mark.parametrize("text", ["2H2O", "The answer is 3O2", "AZYUK2A", "CO_2", "H2O"])
def test_no_number_from_inside_a_formula_or_word(text: str) -> None:
    assert parse_quantity(text) is None
