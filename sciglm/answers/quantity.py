r"""Numbers with units in free text and LaTeX: ``36 km/h``, ``1.5 \times 10^{3}\,\mathrm{J}``.

Numbers are parsed here with regular expressions (never ``eval``, never sympy); pint only
ever sees unit *names*, one at a time, after they were checked against a strict pattern, so
its expression parser is never handed model output. Inputs are cut to bounded sizes first.
"""

from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass
from typing import Any

MAX_TEXT = 2_000  # characters of an answer that are parsed; a longer one gives no quantity
MAX_UNIT_TOKENS = 12
MAX_EXPONENT = 400  # |power of ten| accepted in a number

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_MINUS = str.maketrans({"−": "-", "–": "-", "—": "-"})

# Unit spellings pint does not know, or knows as something else.
ALIASES = {
    "Torr": "torr", "AU": "astronomical_unit", "KJ": "kJ", "kPA": "kPa", "Kj": "kJ",
    "°C": "degC", "°F": "degF", "°K": "K", "°": "degree", "deg": "degree",
    "ft-lb": "foot_pound", "ftlb": "foot_pound", "ft·lb": "foot_pound", "lbs": "lb",
    "Ω": "ohm", "Å": "angstrom", "sec": "s", "secs": "s", "hr": "hour", "hrs": "hour",
    "yrs": "year", "kmol": "kilomol", "mmHg": "mmHg", "cc": "cm^3", "amps": "A",
}
# Words that end the unit part of an answer.
_STOP_WORDS = {"and", "or", "to", "in", "at", "for", "of", "is", "which", "so", "the", "with",
               "a", "an", "as", "by", "on", "if", "it", "be", "are", "was"}
_UNIT_WORDS = {"in"}  # stop words that are units when they come first ("5 in")

_NUMBER = re.compile(
    r"""
    (?:(?P<sign>[+-])\s*)?
    (?:
        (?P<pow10>10\s*\^\s*\{?\s*(?P<p>[+-]?\d{1,8})\s*\}?)
      | (?P<mant>(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d*)?|\.\d+)
        (?:
            \s*[eE](?P<e1>[+-]?\d{1,8})(?![A-Za-z])
          | \s*(?:\\times|×|x|X|\*|\\cdot|·)\s*10\s*\^\s*\{?\s*(?P<e2>[+-]?\d{1,8})\s*\}?
        )?
    )
    """,
    re.VERBOSE,
)
_FRACTION = re.compile(r"\\[dt]?frac\s*\{\s*([+-]?\d+(?:\.\d+)?)\s*\}\s*\{\s*(\d+(?:\.\d+)?)\s*\}")
_WRAPPERS = re.compile(
    r"\\(?:mathrm|text|textrm|mathit|mathbf|operatorname|mbox|rm|textnormal|unit)\s*\{([^{}]*)\}"
)
_HUGE_POWER = re.compile(r"\^\s*-?\d{3,}")
_FORMULA_TAIL = re.compile(r"[A-Z][a-z]?\d")  # 2H2O, 3O2: letters then a digit, no space
_UNIT_TOKEN = re.compile(r"[A-Za-zµΩÅ°%_]+|\^-?\d{1,2}|[*/()]|-")


@dataclass(frozen=True)
class Quantity:
    """A parsed number with an optional unit (``unit`` is pint's, or ``None``)."""

    value: float
    unit: Any | None = None
    unit_text: str = ""

    @property
    def has_unit(self) -> bool:
        return self.unit is not None and not _is_plain_number(self.unit)

    def __str__(self) -> str:
        return f"{self.value:g} {self.unit_text}".strip()


def _is_plain_number(unit: Any) -> bool:
    return unit.dimensionless and str(unit) in ("dimensionless", "")


_REGISTRY: Any | None = None
_REGISTRY_LOCK = threading.Lock()


def registry() -> Any:
    """The one pint unit registry of this process (built once, ~0.2 s).

    A lock makes it a true singleton: a cold verifier worker builds it from its warm-up thread
    while a check may ask for it, and two registries give "Cannot operate with Unit and Unit of
    different registries" (a verdict that changed from run to run).
    """
    global _REGISTRY
    if _REGISTRY is None:
        with _REGISTRY_LOCK:
            if _REGISTRY is None:
                import pint

                ureg = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
                ureg.define("foot_pound = foot * force_pound = ft_lb")
                _REGISTRY = ureg
    return _REGISTRY


def clean_latex(text: str) -> str:
    r"""An answer's LaTeX as plain text: ``\mathrm{~J}`` → ``J``, ``^{\circ}C`` → ``°C``."""
    text = text.translate(_MINUS)
    text = text.replace("$", " ").replace("\\(", " ").replace("\\)", " ")
    text = text.replace("\\[", " ").replace("\\]", " ").replace("\\left", "").replace("\\right", "")
    for _ in range(4):  # unwrap \mathrm{...} a few levels deep
        new = _WRAPPERS.sub(r" \1 ", text)
        if new == text:
            break
        text = new
    text = re.sub(
        r"\{\s*\}\s*\^\s*\{?\s*\\circ\s*\}?|\^\s*\{?\s*\\circ\s*\}?|\\circ|\\degree", "°", text
    )
    text = re.sub(r"\\(?:,|;|:|!|quad|qquad| )|~", " ", text)
    text = text.replace("\\%", "%").replace("\\mu", "µ").replace("μ", "µ").replace("\\Omega", "Ω")
    text = text.replace("\\AA", "Å").replace("\\mathring{A}", "Å")
    text = re.sub(r"µ\s+(?=[A-Za-z])", "µ", text)
    text = re.sub(r"°\s*([CF])(?![A-Za-z])", r"°\1", text)
    text = re.sub(r"(\d)\s*\{\s*,\s*\}\s*(\d)", r"\1,\2", text)  # 1{,}500
    text = re.sub(r"10([⁺⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)",
                  lambda m: "10^{" + m.group(1).translate(_SUPERSCRIPTS) + "}", text)
    text = _FRACTION.sub(lambda m: repr(float(m.group(1)) / float(m.group(2)))
                         if float(m.group(2)) else m.group(0), text)
    text = re.sub(r"\\dfrac|\\tfrac", r"\\frac", text)
    return text


def parse_number(match: re.Match[str]) -> float | None:
    """The value of one :data:`_NUMBER` match, or ``None`` when out of range."""
    sign = -1.0 if match.group("sign") == "-" else 1.0
    if match.group("pow10"):
        exponent = int(match.group("p"))
        mantissa = 1.0
    else:
        mantissa = float(match.group("mant").replace(",", ""))
        exponent = int(match.group("e1") or match.group("e2") or 0)
    if abs(exponent) > MAX_EXPONENT:
        return None
    try:
        value = sign * mantissa * 10.0**exponent
    except OverflowError:  # 1e400: past the largest float
        return None
    return value if math.isfinite(value) else None


def _unit_text(rest: str) -> str:
    """The unit-looking start of ``rest`` (the text after a number), normalized for parsing."""
    rest = re.sub(r"[⁺⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+", lambda m: "^" + m.group(0).translate(_SUPERSCRIPTS), rest)
    rest = re.sub(r"\\(?:cdot|times)|×|·", "*", rest)
    rest = re.sub(r"\^\s*\{\s*([+-]?\d{1,2})\s*\}", r"^\1", rest)
    rest = re.sub(r"\s*\^\s*\+?", "^", rest)
    rest = re.sub(r"\\(?:hat|vec|bar|overline|mathbf)\s*\{[^{}]*\}|\\[A-Za-z]+", " ", rest)
    rest = rest.replace("{", " ").replace("}", " ").replace("\\", " ")
    rest = re.split(r"[,;:=\n]|\.(?:\s|$)|\s\.|\s(?:i\.e|e\.g)", rest, maxsplit=1)[0]
    return rest.strip()


def _resolve(name: str) -> Any | None:
    ureg = registry()
    name = ALIASES.get(name, name)
    try:
        unit = ureg.parse_units(name) if re.fullmatch(r"[A-Za-zµΩÅ°%_^0-9]+", name) else None
    except Exception:  # noqa: BLE001 - pint raises several kinds for unknown names
        unit = None
    if unit is None and name.lower() != name:
        try:
            unit = ureg.parse_units(name[0].lower() + name[1:])
        except Exception:  # noqa: BLE001
            unit = None
    return unit


def parse_unit(text: str) -> tuple[Any | None, str]:
    """``(pint unit, its short text)`` for the longest understood start of ``text``."""
    unit, pretty, _ = read_unit(text)
    return unit, pretty


def read_unit(text: str) -> tuple[Any | None, str, bool]:
    """``(pint unit, short text, whether all of text was read)`` for the start of ``text``.

    Factors are unit names with optional ``^n`` exponents, joined by spaces, ``*``, ``-``
    or ``/`` (``/`` applies to the next factor or parenthesized group). ``(None, "")``
    when not even the first factor is a known unit.
    """
    text = re.sub(r"\b(ft)\s*-\s*(lb)\b", "ft_lb", text)
    text = text.replace("°C", " °C ").replace("°F", " °F ")
    tokens = [t for t in _UNIT_TOKEN.findall(text)][: MAX_UNIT_TOKENS * 3]
    unit: Any | None = None
    best: Any | None = None
    best_tokens: list[str] = []
    used: list[str] = []
    sign, group_sign, depth, factors = 1, 1, 0, 0
    offset_unit = False
    i = 0
    while i < len(tokens) and factors < MAX_UNIT_TOKENS:
        token = tokens[i]
        if token == "/":
            sign = -1
        elif token == "(":
            depth += 1
            group_sign, sign = sign, 1
        elif token == ")":
            if depth == 0:
                break
            depth -= 1
            group_sign = 1
        elif token in ("*", "-") or token.startswith("^"):
            pass  # stray operator; exponents are read with their name below
        else:
            lowered = token.lower()
            if token in _STOP_WORDS and (unit is not None or token not in _UNIT_WORDS):
                break
            if lowered == "per" and unit is None:
                break
            if token.lower() == "per":
                sign = -1
                used.append(token)
                i += 1
                continue
            exponent = 1
            if i + 1 < len(tokens) and tokens[i + 1].startswith("^"):
                exponent = int(tokens[i + 1][1:])
                i += 1
            resolved = _resolve(token)
            if resolved is None:
                break
            if str(resolved) in ("degree_Celsius", "degree_Fahrenheit"):
                offset_unit = True
            factor = resolved ** (exponent * sign * group_sign)
            unit = factor if unit is None else unit * factor
            factors += 1
            used.append(token if exponent == 1 else f"{token}^{exponent}")
            sign = 1
            if depth == 0:
                best, best_tokens = unit, list(used)
        i += 1
    complete = i >= len(tokens) and depth == 0 and len(best_tokens) == len(used)
    if best is None:
        return None, "", not tokens
    if offset_unit and len(best_tokens) > 1:
        return (*_delta_units(" ".join(best_tokens)), complete)
    return best, _pretty(best), complete


def _pretty(unit: Any) -> str:
    try:
        return format(unit, "~P")
    except Exception:  # noqa: BLE001 - pint formatting of unusual units
        return str(unit)


def _delta_units(text: str) -> tuple[Any | None, str]:
    """A compound unit with °C/°F in it means a temperature difference (J °C^-1)."""
    ureg = registry()
    try:
        parts = text.replace("°C", "delta_degC").replace("°F", "delta_degF")
        unit = None
        for piece in parts.split():
            name, _, exp = piece.partition("^")
            factor = ureg.parse_units(ALIASES.get(name, name)) ** int(exp or 1)
            unit = factor if unit is None else unit * factor
        return unit, _pretty(unit)
    except Exception:  # noqa: BLE001
        return None, ""


def find_quantities(text: str, limit: int = 20) -> list[Quantity]:
    """Every number in ``text`` with the unit that follows it (if any), left to right.

    Nothing for text longer than :data:`MAX_TEXT` (never the quantities of its first part)."""
    if len(text) > MAX_TEXT:
        return []
    text = clean_latex(text)
    found: list[Quantity] = []
    for match in _NUMBER.finditer(text):
        start = match.start()
        if start > 0 and (text[start - 1].isalpha() or text[start - 1] in "_^"):
            continue  # part of a name (x2, CO_2) or an exponent
        if _FORMULA_TAIL.match(text, match.end()):
            continue  # the coefficient of a formula (2H2O), not a quantity
        value = parse_number(match)
        if value is None:
            continue
        unit_source = _unit_text(text[match.end():])
        if _HUGE_POWER.search(unit_source):
            continue  # m^99999999 is no unit; never read it as m^99
        unit, unit_text = parse_unit(unit_source)
        found.append(Quantity(value, unit, unit_text))
        if len(found) >= limit:
            break
    return found


def quantity_at(text: str) -> Quantity | None:
    """The quantity ``text`` opens with: its whole number (``6.549e+04``, ``1.5 \\times
    10^{3}``) and the unit written right after it (``J.``, ``m/s, so``); no unit where the
    next word only may be one ("5 in total" is not inches)."""
    text = clean_latex(text[:MAX_TEXT]).lstrip()
    match = _NUMBER.match(text)
    value = parse_number(match) if match else None
    if match is None or value is None:
        return None
    source = _unit_text(text[match.end():])
    words = source.split()
    if not words or words[0].lower() in _STOP_WORDS or _HUGE_POWER.search(source):
        return Quantity(value)
    unit, pretty = parse_unit(source)
    return Quantity(value, unit, pretty) if unit is not None else Quantity(value)


def parse_quantity(text: str) -> Quantity | None:
    """The quantity an answer states: after its last ``=``/``≈``, the first number and its unit."""
    if len(text) > MAX_TEXT:
        return None
    text = clean_latex(text)
    tail = re.split(r"=|≈|\\approx|\\sim|\\simeq|\\equiv", text)[-1]
    quantities = find_quantities(tail, limit=1)
    if not quantities:
        return None
    return quantities[0]


def parse_reference(text: str) -> Quantity | None:
    """A reference answer that is *only* a quantity (``10 m/s``, ``v = 3.2e5 Pa``, ``12``).

    Stricter than :func:`parse_quantity`: ``x^2+y^2=2``, ``2\\pi`` or ``2x`` are not quantities.
    A trailing word pint does not know (``10^{16} photons``) is kept as text, without a unit.
    """
    if len(text) > MAX_TEXT:
        return None
    text = clean_latex(text).strip().rstrip(".").strip()
    name, sep, tail = text.rpartition("=")
    if sep and not re.fullmatch(r"\s*[A-Za-z](?:_\{?[A-Za-z0-9]+\}?)?\s*", name):
        return None
    tail = tail.strip() if sep else text
    match = _NUMBER.match(tail)
    if not match:
        return None
    value = parse_number(match)
    if value is None:
        return None
    rest = tail[match.end():].strip()
    if not rest:
        return Quantity(value)
    if re.search(r"[,;:=\n]", rest):
        return None  # several values, or more than a unit
    unit, pretty, complete = read_unit(_unit_text(rest))
    if unit is not None and complete:
        return Quantity(value, unit, pretty)
    if re.fullmatch(r"[A-Za-z][A-Za-z\s-]{2,40}", rest):
        return Quantity(value, None, rest)
    return None


def parse_unit_text(text: str) -> tuple[float, Any | None, str]:
    r"""A reference's separate unit field (``$10^{-19} \mathrm{~J}$``) → ``(scale, unit, text)``."""
    text = clean_latex(text).strip()
    scale = 1.0
    match = _NUMBER.match(text)
    if match and (match.group("pow10") or match.group("mant")):
        value = parse_number(match)
        if value is not None:
            scale = value
            text = text[match.end():]
    unit, unit_text = parse_unit(_unit_text(text))
    return scale, unit, unit_text


def close(a: float, b: float, rel_tol: float) -> bool:
    """``a`` ≈ ``b`` within a relative tolerance (``b == 0``: ``|a|`` below 1e-12)."""
    if b == 0:
        return abs(a) <= 1e-12
    return math.isclose(a, b, rel_tol=rel_tol)


def _is_offset(unit: Any) -> bool:
    return str(unit) in ("degree_Celsius", "degree_Fahrenheit")


def dimension_name(unit: Any) -> str:
    """A readable dimension: ``[length] / [time]``, or ``dimensionless``."""
    dims = unit.dimensionality
    return str(dims) if dims else "dimensionless"


def compare(
    predicted: Quantity, reference: Quantity, rel_tol: float
) -> tuple[bool, str]:
    """Whether two quantities agree: units converted, dimensions must match.

    A side without a unit is read in the other side's unit (models often drop the unit
    the question asked for).
    """
    if predicted.has_unit and reference.has_unit:
        if predicted.unit.dimensionality != reference.unit.dimensionality:
            return False, (
                f"dimension mismatch: {predicted.unit_text} is {dimension_name(predicted.unit)}, "
                f"{reference.unit_text} is {dimension_name(reference.unit)}"
            )
        ureg = registry()
        try:
            converted = ureg.Quantity(predicted.value, predicted.unit).to(reference.unit).magnitude
            if _is_offset(reference.unit) or _is_offset(predicted.unit):
                # 0.18 K vs -273 °C: a relative tolerance only means something on an absolute scale
                ok = close(ureg.Quantity(predicted.value, predicted.unit).to("kelvin").magnitude,
                           ureg.Quantity(reference.value, reference.unit).to("kelvin").magnitude,
                           rel_tol)
            else:
                ok = close(float(converted), reference.value, rel_tol)
        except Exception as exc:  # noqa: BLE001 - pint conversion errors
            return False, f"cannot convert {predicted.unit_text} to {reference.unit_text}: {exc}"
        how = f"{predicted} = {converted:g} {reference.unit_text}"
        verb = "matches" if ok else "differs from"
        return ok, f"{how} {verb} {reference} (rel. tol. {rel_tol:g})"
    ok = close(predicted.value, reference.value, rel_tol)
    if not ok and reference.has_unit and not predicted.has_unit and reference.unit.dimensionless:
        plain = registry().Quantity(reference.value, reference.unit).to("dimensionless").magnitude
        ok = close(predicted.value, float(plain), rel_tol)  # 0.05 for 5 %
    note = ""
    if reference.has_unit and not predicted.has_unit:
        note = f" (no unit in the answer; read as {reference.unit_text})"
    verb = "matches" if ok else "differs from"
    return ok, f"{predicted.value:g} {verb} {reference} (rel. tol. {rel_tol:g}){note}"
