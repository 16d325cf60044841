"""GRPO prompts from questions: each row carries its subject's prompt and its reference."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice
from typing import Any

from sciglm import registry
from sciglm.errors import SciglmError
from sciglm.records import Question


def rows(questions: Iterable[Question], limit: int | None = None) -> list[dict[str, Any]]:
    """``{"prompt": messages, "reference", "subject", "id"}`` per question; a question without a
    reference is refused (a reward needs one), naming it."""
    out = []
    for question in islice(questions, limit):
        if question.reference is None or not str(question.reference).strip():
            raise SciglmError(f"question {question.id!r} ({question.source or 'input'}) has no "
                              "reference answer: sciglm rl rewards need references")
        subject = registry.get_subject(question.subject)
        out.append({"prompt": subject.cot_prompt(question), "reference": str(question.reference),
                    "subject": question.subject, "id": question.id})
    if not out:
        raise SciglmError("no questions to train on")
    return out
