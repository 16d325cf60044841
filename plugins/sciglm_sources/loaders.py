"""One function per public set: rows of its own format → normalized :class:`Question` s.

Every loader reads local files through :func:`sciglm.data.files.iter_rows` (JSONL line by
line, so a bad line is reported as ``file:line``) and raises :class:`InputError` naming the
row when a field it needs is missing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sciglm.answers.extract import last_boxed
from sciglm.data.files import iter_rows
from sciglm.errors import InputError
from sciglm.records import Question

PathLike = str | os.PathLike[str]

#: TheoremQA ``field`` → subject. EECS and Finance questions are numeric/bool/list answers a
#: math verifier checks; their field stays in ``meta["field"]``.
THEOREMQA_SUBJECTS = {"Math": "math", "Physics": "physics", "EECS": "math", "Finance": "math"}
#: GAOKAO-Bench upstream file (``keywords``) → subject.
GAOKAO_SUBJECTS = {"Math": "math", "Physics": "physics", "Chemistry": "chemistry",
                   "Biology": "biology"}


def _text(row: dict[str, Any], field: str, path: PathLike, number: int) -> str:
    value = row.get(field)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"missing or empty field {field!r}", str(path), number)
    return value


def load_gsm8k(path: PathLike, **_: Any) -> Iterator[Question]:
    """GSM8K: ``question``, ``answer`` = worked solution ending in ``#### N``."""
    for number, row in iter_rows(path):
        question = _text(row, "question", path, number)
        answer = _text(row, "answer", path, number)
        solution, sep, final = answer.rpartition("####")
        if not sep:
            raise InputError("answer has no '#### N' final line", str(path), number)
        yield Question(
            id=f"gsm8k-{number}", subject="math", question=question,
            reference=final.strip().replace(",", ""), source="gsm8k", solution=solution.strip(),
        )


def load_math(path: PathLike, **_: Any) -> Iterator[Question]:
    """MATH (5,000) or MATH-500: ``problem``, ``solution``, ``answer`` (else the last box)."""
    for number, row in iter_rows(path):
        problem = _text(row, "problem", path, number)
        solution = row.get("solution") if isinstance(row.get("solution"), str) else None
        answer = row.get("answer") if isinstance(row.get("answer"), str) else None
        if answer is None and solution:
            answer = last_boxed(solution)
        if answer is None:
            raise InputError("no 'answer' and no \\boxed{} in 'solution'", str(path), number)
        ident = row.get("unique_id") or (f"math-{row['idx']}" if "idx" in row else None)
        meta = {k: row[k] for k in ("level", "type", "subject") if k in row}
        yield Question(
            id=str(ident or f"math-{number}"), subject="math", question=problem,
            reference=answer, source="math", solution=solution, meta=meta,
        )


def load_scibench(path: PathLike, **_: Any) -> Iterator[Question]:
    """SciBench: ``problem_text``, ``answer_number``; the ``unit`` goes to ``meta['unit']``.

    The verifier reads the unit (and any power of ten in it, ``$10^{-19} J$``) from a
    verify record's ``unit`` field, so pass ``meta['unit']`` along as ``"unit"``.
    """
    seen: dict[str, int] = {}
    for number, row in iter_rows(path):
        problem = _text(row, "problem_text", path, number)
        answer = _text(row, "answer_number", path, number).strip()
        subject = _text(row, "subject", path, number).strip()
        textbook = str(row.get("textbook") or row.get("source") or "scibench").strip()
        problem_id = str(row.get("problemid") or number).strip()
        unit = str(row.get("unit") or "").strip()
        base_id = f"scibench-{textbook}-{problem_id}"
        seen[base_id] = seen.get(base_id, 0) + 1  # upstream repeats a few problem ids
        question_id = base_id if seen[base_id] == 1 else f"{base_id}#{seen[base_id]}"
        yield Question(
            id=question_id, subject=subject, question=problem,
            reference=answer, source="scibench",
            meta={"unit": unit, "textbook": textbook, "answer_latex": row.get("answer_latex")},
        )


def _theoremqa_answer(answer: Any) -> str:
    if isinstance(answer, bool):
        return "True" if answer else "False"
    if isinstance(answer, list):
        return json.dumps(answer)
    return str(answer)


def load_theoremqa(path: PathLike, **_: Any) -> Iterator[Question]:
    """TheoremQA: ``Question``, ``Answer``; the 53 questions with a ``Picture`` are skipped."""
    for number, row in iter_rows(path):
        if row.get("Picture"):
            continue
        question = _text(row, "Question", path, number)
        if "Answer" not in row or row["Answer"] is None:
            raise InputError("missing field 'Answer'", str(path), number)
        field = str(row.get("field") or "")
        yield Question(
            id=f"theoremqa-{row.get('id') or number}",
            subject=THEOREMQA_SUBJECTS.get(field, "math"),
            question=question, reference=_theoremqa_answer(row["Answer"]), source="theoremqa",
            meta={"field": field, "answer_type": row.get("Answer_type"),
                  "subfield": row.get("subfield"), "theorem": row.get("theorem")},
        )


def load_scieval(path: PathLike, **_: Any) -> Iterator[Question]:
    """SciEval: ``question``, ``answer`` (a list, first = gold), subject = ``category``."""
    for number, row in iter_rows(path):
        question = _text(row, "question", path, number)
        answers = row.get("answer")
        if not isinstance(answers, list) or not answers or not str(answers[0]).strip():
            raise InputError("'answer' must be a non-empty list", str(path), number)
        subject = _text(row, "category", path, number).strip().lower()
        yield Question(
            id=f"scieval-{row.get('id') or number}", subject=subject, question=question,
            reference=str(answers[0]).strip(), source="scieval",
            meta={"type": row.get("type"), "ability": row.get("ability"),
                  "task_name": row.get("task_name"), "prompt": row.get("prompt")},
        )


def load_gaokao(path: PathLike, **_: Any) -> Iterator[Question]:
    """GAOKAO-Bench STEM: MCQ answers are letters (``BC`` = both), others the official text."""
    for number, row in iter_rows(path):
        question = _text(row, "question", path, number)
        keywords = _text(row, "keywords", path, number)
        subject = next((s for key, s in GAOKAO_SUBJECTS.items() if f"_{key}_" in keywords), None)
        if subject is None:
            raise InputError(f"unknown GAOKAO paper {keywords!r}", str(path), number)
        answer = row.get("answer")
        if isinstance(answer, list):
            reference = "".join(str(a).strip() for a in answer)
        elif isinstance(answer, str):
            reference = answer.strip()
        else:
            raise InputError("missing field 'answer'", str(path), number)
        yield Question(
            id=f"gaokao-{keywords}-{row.get('index', number)}", subject=subject,
            question=question, reference=reference, source="gaokao",
            solution=row.get("analysis") if isinstance(row.get("analysis"), str) else None,
            meta={"type": row.get("type"), "year": row.get("year"), "paper": row.get("category"),
                  "score": row.get("score"), "file": Path(str(path)).name},
        )
