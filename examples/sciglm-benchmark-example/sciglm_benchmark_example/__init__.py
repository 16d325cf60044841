"""An example third-party benchmark: ``element-symbols`` (name an element's chemical symbol).

One object carries everything ``sciglm eval`` needs: where the data is (a file shipped in this
package), the loader, the answer form, the question text per protocol and the scorer. The
scorer is case-sensitive (``NA`` is not sodium) and runs inside sciglm's verifier workers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sciglm.answers.extract import answer_is, last_boxed
from sciglm.data.files import iter_rows
from sciglm.errors import InputError
from sciglm.eval.benchmarks import CUSTOM_SCORER, Benchmark
from sciglm.hookspecs import hookimpl
from sciglm.records import Question, Verdict, VerifyItem

DATA = Path(__file__).with_name("symbols.jsonl")
_SYMBOL = re.compile(r"[A-Z][a-z]?")


def load_symbols(path: str, **_: Any) -> Iterator[Question]:
    """Rows ``{"element": …, "symbol": …}`` → questions (subject ``chemistry``)."""
    for number, row in iter_rows(path):
        element, symbol = row.get("element"), row.get("symbol")
        if not isinstance(element, str) or not isinstance(symbol, str):
            raise InputError("needs 'element' and 'symbol' strings", path, number)
        yield Question(id=f"symbol-{element}", subject="chemistry", reference=symbol,
                       question=f"What is the chemical symbol of {element}?")


def score_symbol(item: VerifyItem) -> Verdict:
    """The symbol the response states (boxed, "the answer is", or a reply of one word)."""
    stated = last_boxed(item.response) or answer_is(item.response)
    if stated is None and len(item.response.split()) == 1:
        stated = item.response
    found = _SYMBOL.fullmatch((stated or "").strip().strip(".$"))
    if found is None:
        return Verdict(False, stated, "no element symbol stated")
    correct = found.group(0) == item.reference
    return Verdict(correct, found.group(0), "same symbol" if correct else "another symbol")


@hookimpl
def register_loaders(register: Callable[..., None]) -> None:
    register("element-symbols", load_symbols, "chemistry", "element → chemical symbol")


@hookimpl
def register_benchmarks(register: Callable[[Any], None]) -> None:
    register(Benchmark(
        "element-symbols", "Element symbols", path=str(DATA), loader="element-symbols",
        answer_form="a chemical symbol such as Fe", scorers={"*": CUSTOM_SCORER},
        custom_score=score_symbol, scoring="the stated symbol, case-sensitive",
    ))
