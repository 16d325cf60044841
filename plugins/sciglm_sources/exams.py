"""Loaders for the exam-style sets of the paper's tables: C-Eval, MMLU, AGIEval (SAT-Math,
AQuA-RAT) and DeepMind Mathematics, in the layout of their public mirrors.

Multiple-choice questions keep their options in ``choices`` (the letter prefixes AGIEval writes
into its options are removed) and the answer letter as ``reference``. C-Eval and MMLU
questions take the upstream subject (``college_physics``) as their subject, so results are
reported per exam subject; C-Eval's worked ``explanation`` (dev split) becomes the solution.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

from sciglm.data.files import iter_rows
from sciglm.errors import InputError
from sciglm.records import Question

PathLike = str | os.PathLike[str]
LETTERS = "ABCDE"
_OPTION_PREFIX = re.compile(r"^\s*\(([A-E])\)\s*")


def _field(row: dict[str, Any], name: str, path: PathLike, number: int) -> Any:
    if name not in row or row[name] is None:
        raise InputError(f"missing field {name!r}", str(path), number)
    return row[name]


def _choices(row: dict[str, Any], name: str, path: PathLike, number: int,
             count: int) -> list[str]:
    value = _field(row, name, path, number)
    if not isinstance(value, list) or len(value) != count or not all(
            isinstance(c, str) for c in value):
        raise InputError(f"{name!r} must be a list of {count} strings", str(path), number)
    return value


def _letter(row: dict[str, Any], name: str, path: PathLike, number: int, count: int) -> str:
    value = str(_field(row, name, path, number)).strip().upper()
    if value not in LETTERS[:count]:
        raise InputError(f"{name!r} must be one of {LETTERS[:count]}, got {value!r}",
                         str(path), number)
    return value


def _exam(path: PathLike, source: str, **_: Any) -> Iterator[Question]:
    """C-Eval / MMLU rows: ``subject``, ``id``, ``question``, four ``choices``, ``answer``."""
    for number, row in iter_rows(path):
        subject = str(_field(row, "subject", path, number)).strip()
        question = str(_field(row, "question", path, number))
        explanation = row.get("explanation")
        yield Question(
            id=f"{source}-{subject}-{row.get('id', number)}", subject=subject,
            question=question, reference=_letter(row, "answer", path, number, 4),
            choices=_choices(row, "choices", path, number, 4), source=source,
            solution=explanation if isinstance(explanation, str) else None,
            meta={"hard": bool(row.get("hard"))} if "hard" in row else {},
        )


def load_ceval(path: PathLike, **options: Any) -> Iterator[Question]:
    """C-Eval (``val``/``dev`` JSONL of the STEM subjects); ``meta['hard']`` marks C-Eval Hard."""
    return _exam(path, "ceval", **options)


def load_mmlu(path: PathLike, **options: Any) -> Iterator[Question]:
    """MMLU (``test``/``dev`` JSONL of the STEM subjects)."""
    return _exam(path, "mmlu", **options)


def load_agieval(path: PathLike, **_: Any) -> Iterator[Question]:
    """AGIEval v1 multiple choice (``sat-math.jsonl``, ``aqua-rat.jsonl``): ``passage`` (may be
    empty) + ``question``, ``options`` written ``(A)…``, answer ``label``; the upstream
    solution (``other.solution``) is kept."""
    stem = os.path.basename(str(path)).removesuffix(".jsonl")
    for number, row in iter_rows(path):
        question = str(_field(row, "question", path, number))
        passage = row.get("passage")
        if isinstance(passage, str) and passage.strip():
            question = f"{passage.strip()}\n{question}"
        options = _field(row, "options", path, number)
        if not isinstance(options, list) or not 2 <= len(options) <= len(LETTERS):
            raise InputError("'options' must be a list of 2 to 5 strings", str(path), number)
        choices = [_OPTION_PREFIX.sub("", str(option), count=1) for option in options]
        other = row.get("other") if isinstance(row.get("other"), dict) else {}
        solution = other.get("solution") if isinstance(other.get("solution"), str) else None
        yield Question(
            id=f"agieval-{stem}-{number}", subject="math", question=question,
            reference=_letter(row, "label", path, number, len(choices)), choices=choices,
            source=f"agieval-{stem}", solution=solution,
        )


def load_mathematics(path: PathLike, **_: Any) -> Iterator[Question]:
    """DeepMind Mathematics (MAmmoTH's 1,000-question sample): ``question``, ``answer`` (an
    integer, decimal, list such as ``[2, 7]`` or expression such as ``-20*x``)."""
    for number, row in iter_rows(path):
        question = str(_field(row, "question", path, number)).strip()
        answer = str(_field(row, "answer", path, number)).strip()
        if not question or not answer:
            raise InputError("empty 'question' or 'answer'", str(path), number)
        yield Question(id=f"mathematics-{number}", subject="math", question=question,
                       reference=answer, source="mathematics")
