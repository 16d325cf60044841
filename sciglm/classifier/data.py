"""Labelled quality data: ``{"prompt_answer", "label"}`` (SciGLM's files) or question+response."""

from __future__ import annotations

import os

from sciglm.classifier.base import quality_text
from sciglm.errors import InputError
from sciglm.io.jsonl import iter_jsonl


def load_labelled(path: str | os.PathLike[str]) -> tuple[list[str], list[int]]:
    """Texts and 0/1 labels; a record without text or with another label stops at file:line."""
    texts: list[str] = []
    labels: list[int] = []
    for line, record in iter_jsonl(path):
        text = record.get("prompt_answer")
        if not isinstance(text, str):
            q, r = record.get("question"), record.get("response")
            if isinstance(q, str) and isinstance(r, str):
                text = quality_text(q, r)
        if not isinstance(text, str) or not text.strip():
            raise InputError("no 'prompt_answer' (or 'question' + 'response') text",
                             str(path), line)
        label = record.get("label")
        if isinstance(label, bool) or label not in (0, 1):
            raise InputError(f"'label' must be 0 or 1, got {label!r}", str(path), line)
        texts.append(text)
        labels.append(int(label))
    if not texts:
        raise InputError("no records", str(path))
    return texts, labels
