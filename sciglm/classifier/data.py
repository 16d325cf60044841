"""Labelled quality data: rows from ``sciglm classifier data`` or SciGLM's released files.

Accepted rows: ``{"question", "response", "label"}`` (optionally ``question_key``, ``split``,
``subject``, ``provenance``) or ``{"prompt_answer", "label"}`` (the released labels, question and
solution in one text). Every row gets a question key so that splits can be checked by question:
the released rows have no question field, so their key is their first 60 normalized characters.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sciglm.classifier.base import quality_text
from sciglm.classifier.labels import question_key
from sciglm.data.text import normalize
from sciglm.errors import InputError, SciglmError
from sciglm.io.jsonl import iter_jsonl

PREFIX_CHARS = 60  # question key of a prompt_answer row: its first 60 normalized characters

#: Surface markers that tell curated exam solutions from model output (see :func:`style_cues`).
STYLE_MARKERS = {"【解析】": "【解析】", "【答案】": "【答案】", "【…】 bracket": "【",
                 "\\boxed{}": "\\boxed{", "####": "####", "'The answer is'": "the answer is"}


@dataclass
class LabelledSet:
    """Texts with 0/1 labels, their question keys, splits and subjects (parallel lists)."""

    path: str
    texts: list[str] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    splits: list[str | None] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.texts)

    @property
    def has_splits(self) -> bool:
        return any(s is not None for s in self.splits)

    def select(self, split: str | None) -> LabelledSet:
        """The rows of one split (rows without a split count as ``train``); ``None`` = all."""
        if split is None:
            return self
        out = LabelledSet(f"{self.path} [{split}]")
        for i, s in enumerate(self.splits):
            if (s or "train") == split:
                out.texts.append(self.texts[i])
                out.labels.append(self.labels[i])
                out.keys.append(self.keys[i])
                out.splits.append(s)
                out.subjects.append(self.subjects[i])
        return out

    def require_both_classes(self) -> None:
        """Stop with one line when the rows hold no good or no bad example."""
        good = sum(self.labels)
        if not self.texts:
            raise InputError("no labelled rows", self.path)
        if good == 0 or good == len(self.labels):
            raise InputError(f"labels have one class only ({good} good, {len(self.labels) - good}"
                             " bad); a classifier needs both", self.path)


def resolve_data(spec: str) -> str:
    """A labelled-data argument: a file path, or ``NAME:SPLIT`` from the data catalogue
    (e.g. ``sciglm-quality:SPLIT`` for SciGLM's released labels, found under ``$SCIGLM_DATA``)."""
    if Path(spec).exists() or not re.fullmatch(r"[\w.-]+:[\w.-]+", spec):
        return spec
    from sciglm.catalog.data import CATALOG, get_source, local_file

    name, split = spec.split(":", 1)
    if name not in CATALOG:
        return spec  # not a catalogue name: let the file check name it
    return str(local_file(get_source(name), split))


def load_labelled(path: str | os.PathLike[str]) -> LabelledSet:
    """Every row of a labelled JSONL file; a row without text or with another label stops
    at ``file:line``."""
    path = resolve_data(str(path))
    if not Path(path).is_file():
        raise InputError("no such file", path)
    out = LabelledSet(path)
    for line, record in iter_jsonl(path):
        text = record.get("prompt_answer")
        q, r = record.get("question"), record.get("response")
        if isinstance(q, str) and isinstance(r, str) and q.strip():
            text, key = quality_text(q, r), record.get("question_key") or question_key(q)
        elif isinstance(text, str):
            key = record.get("question_key") or "p:" + normalize(text)[:PREFIX_CHARS]
        if not isinstance(text, str) or not text.strip():
            raise InputError("no 'prompt_answer' (or 'question' + 'response') text", path, line)
        label = record.get("label")
        if isinstance(label, bool) or label not in (0, 1):
            raise InputError(f"'label' must be 0 or 1, got {label!r}", path, line)
        split = record.get("split")
        if split is not None and split not in ("train", "test"):
            raise InputError(f"'split' must be train or test, got {split!r}", path, line)
        out.texts.append(text)
        out.labels.append(int(label))
        out.keys.append(str(key))
        out.splits.append(split)
        out.subjects.append(str(record.get("subject") or ""))
    if not out.texts:
        raise InputError("no records", path)
    return out


def check_disjoint(train_keys: Sequence[str] | set[str], held_out: LabelledSet,
                   what: str = "the training data") -> None:
    """Stop when a held-out question also occurs in ``what``: figures must be by question."""
    shared = set(train_keys) & set(held_out.keys)
    if shared:
        example = next(i for i, k in enumerate(held_out.keys) if k in shared)
        raise SciglmError(
            f"{held_out.path}: {len(shared)} question(s) are in both {what} and the held-out "
            f"data, e.g. {held_out.texts[example][:60]!r}; split by question "
            "(sciglm classifier data --test-share) so no question is in both")


def style_cues(texts: Sequence[str], labels: Sequence[int],
               min_gap: float = 0.6) -> list[str]:
    """Markers whose presence alone nearly tells the classes apart (a 'who wrote it' cue)."""
    good = [t.lower() for t, y in zip(texts, labels, strict=True) if y == 1]
    bad = [t.lower() for t, y in zip(texts, labels, strict=True) if y == 0]
    if not good or not bad:
        return []
    notes = []
    for name, marker in STYLE_MARKERS.items():
        share_good = sum(marker.lower() in t for t in good) / len(good)
        share_bad = sum(marker.lower() in t for t in bad) / len(bad)
        if abs(share_good - share_bad) >= min_gap:
            notes.append(f"{name} in {share_good:.0%} of good and {share_bad:.0%} of bad texts")
    return notes


def class_counts(labels: Sequence[int]) -> dict[str, int]:
    """``{"good": n, "bad": m}``."""
    counts = Counter(labels)
    return {"good": counts[1], "bad": counts[0]}
