r"""One rule for units after a number: ``10 cm``, ``10cm``, ``10 weeks``, ``3\text{ m}`` are 10, 10,
10 and 3.

A unit is a ``\text{…}``/``\mathrm{…}``/``\mbox{…}`` after the number (any letters), or a
word of three or more letters (``weeks``, ``dollars``, ``meters``), or one of the unit symbols
in :data:`UNIT_SYMBOLS` (``cm``, ``kg``, ``mL`` …), with or without a space, optionally with a
power (``cm^2``) and a ``/`` denominator (``km/h``). Any other one- or two-letter word after a
number (``2x``, ``3ab``, ``10 m``) is a variable, so ``2x`` is never 2. Function names,
constants and words that change the value (``sin``, ``pi``, ``million``, ``squared``,
``halves``: :data:`NOT_UNITS`) are never units. Both sides carrying units that differ
(``10 cm`` against ``10 mm``) are not compared: the math subject does not convert units.
"""

from __future__ import annotations

import re

from sciglm.answers.extract import VALUE_WORDS

#: One- and two-letter words that are units after a number (single letters are variables).
UNIT_SYMBOLS = (
    "cm", "mm", "km", "nm", "um", "μm", "kg", "mg", "mL", "ml", "dL", "ms", "ns", "hr", "Hz",
    "Pa", "kPa", "kJ", "kW", "MW", "eV", "ft", "yd", "mi", "oz", "lb", "in", "GB", "MB", "kB",
)
#: Words that change the value after a number (``5 million``, ``5 squared``, ``3 halves``) and
#: names of functions and constants: never units.
NOT_UNITS = (
    "pi", "sqrt", "infty", "sin", "cos", "tan", "cot", "sec", "csc", "log", "ln", "exp",
    "arcsin", "arccos", "arctan", "mod", *VALUE_WORDS,
)
_NOT_UNITS = rf"(?:{'|'.join(NOT_UNITS)})\b"
_POWER = r"(?:\^\{?-?\d\}?)?"
_WORD = rf"(?:(?!{_NOT_UNITS})[A-Za-z]{{3,}}|(?:{'|'.join(UNIT_SYMBOLS)})(?![A-Za-z])){_POWER}"
#: A unit word after a number (or a closing brace, ``%``), to the end of the answer.
WORD_UNIT = re.compile(
    rf"(?<=[\d%}}])\s*(?P<unit>{_WORD}(?:\s*/\s*[A-Za-z]+{_POWER})?(?:\s+[A-Za-z]{{2,}})*)\.?$"
)
TEXT_UNIT = re.compile(
    r"\\(?:text|mbox|mathrm|textbf)\s*\{\s*(?P<unit>[A-Za-z][A-Za-z .]*?)\s*\}"
    rf"(?P<power>{_POWER})\s*$"
)


def strip_unit(text: str) -> str:
    """``18 dollars`` → ``18``, ``10cm`` → ``10``, ``30°`` → ``30``; anything else unchanged."""
    return WORD_UNIT.sub("", text).strip().removesuffix("°")


def unit_of(text: str) -> str | None:
    r"""The unit written after an answer's value, in one spelling (``\text{ cm}`` and ``cm`` are
    ``cm``; ``weeks`` and ``week`` are ``week``), or ``None``."""
    text = text.strip().strip("$").strip().rstrip(".").strip()
    match = TEXT_UNIT.search(text)
    if match and match.start() > 0:
        unit = match.group("unit") + match.group("power")
    elif match := WORD_UNIT.search(text):
        unit = match.group("unit")
    else:
        return None
    unit = re.sub(r"[\s{}]", "", unit)
    return unit[:-1] if len(unit) >= 4 and unit.endswith("s") and unit.isalpha() else unit
