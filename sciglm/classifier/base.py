"""The classifier interface, its saved form (with the sciglm version that made it) and loading.

Every classifier scores a question+solution text in [-1, 1] as P(good) − P(bad); a record is
kept when its score is above the threshold (0 by default), as in the SciGLM paper.
"""

from __future__ import annotations

import json
import os
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sciglm import __version__
from sciglm.errors import SciglmError

META_FILE = "classifier.json"
QUESTIONS_FILE = "train_questions.json"  # question keys seen in training (held-out checks)
#: The saved-folder format; a folder written in another format is refused, never half-read.
FORMAT = 2
Advance = Callable[[int], None]


def quality_text(question: str, solution: str) -> str:
    """The text a classifier judges: the question immediately followed by its solution."""
    return f"{question.rstrip()}\n{solution.strip()}"


class QualityClassifier(ABC):
    """Scores question+solution texts; ``fit`` on labelled texts, ``save``/``load`` a folder."""

    kind: str = ""

    def __init__(self, **params: Any) -> None:
        self.params: dict[str, Any] = params

    @abstractmethod
    def fit(self, texts: Sequence[str], labels: Sequence[int],
            advance: Advance | None = None) -> dict[str, Any]:
        """Train on texts labelled 1 (good) / 0 (bad); return training facts for the record."""

    @abstractmethod
    def score(self, texts: Sequence[str], advance: Advance | None = None) -> np.ndarray:
        """P(good) − P(bad) per text, in [-1, 1]."""

    @abstractmethod
    def _save_model(self, folder: Path) -> None:
        """Write the fitted model's own files into ``folder``."""

    @abstractmethod
    def _load_model(self, folder: Path) -> None:
        """Read what :meth:`_save_model` wrote."""

    def save(self, folder: str | os.PathLike[str], info: dict[str, Any] | None = None) -> Path:
        """Save the model and ``classifier.json`` (kind, params, sciglm version, time, info)."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        self._save_model(folder)  # every rank of a DeepSpeed run: ZeRO-3 gathers weights here
        if int(os.environ.get("RANK", "0")) != 0:
            return folder  # rank 0 alone writes the metadata
        meta = {"kind": self.kind, "format": FORMAT, "params": self.params,
                "sciglm_version": __version__,
                "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **(info or {})}
        write_meta(folder, meta)
        return folder


def read_meta(folder: str | os.PathLike[str]) -> dict[str, Any]:
    """The ``classifier.json`` of a saved classifier folder."""
    path = Path(folder) / META_FILE
    if not path.is_file():
        raise SciglmError(f"{folder}: not a saved classifier (no {META_FILE})")
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SciglmError(f"{path}: not valid JSON ({exc.msg})") from exc
    if not isinstance(meta, dict) or "kind" not in meta:
        raise SciglmError(f"{path}: no 'kind' field")
    if meta.get("format") != FORMAT:
        raise SciglmError(
            f"{folder}: classifier saved by sciglm {meta.get('sciglm_version', '?')} in format "
            f"{meta.get('format', 1)}; this sciglm ({__version__}) reads format {FORMAT}: "
            "retrain it with 'sciglm classifier train'")
    return meta


def write_meta(folder: str | os.PathLike[str], meta: dict[str, Any]) -> None:
    """Rewrite ``classifier.json`` (e.g. to add evaluation figures after saving)."""
    path = Path(folder) / META_FILE
    path.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n")


def save_question_keys(folder: str | os.PathLike[str], keys: Sequence[str]) -> None:
    """Record which questions the classifier was trained on."""
    (Path(folder) / QUESTIONS_FILE).write_text(json.dumps(sorted(set(keys))) + "\n")


def training_question_keys(folder: str | os.PathLike[str]) -> set[str]:
    """The question keys a saved classifier was trained on (empty when not recorded)."""
    path = Path(folder) / QUESTIONS_FILE
    if not path.is_file():
        return set()
    try:
        return set(json.loads(path.read_text(encoding="utf-8")))
    except (json.JSONDecodeError, TypeError) as exc:
        raise SciglmError(f"{path}: not a JSON list of question keys") from exc


def make_classifier(kind: str, **params: Any) -> QualityClassifier:
    """A fresh classifier of a kind: ``tfidf`` (fast, default) or ``lm`` (fine-tuned causal LM)."""
    if kind == "tfidf":
        from sciglm.classifier.tfidf import TfidfClassifier

        return TfidfClassifier(**params)
    if kind == "lm":
        from sciglm.classifier.lm import LMClassifier

        return LMClassifier(**params)
    raise SciglmError(f"unknown classifier kind {kind!r} (known: tfidf, lm)")


def load_classifier(folder: str | os.PathLike[str]) -> tuple[QualityClassifier, dict[str, Any]]:
    """Load a saved classifier and its metadata."""
    meta = read_meta(folder)
    classifier = make_classifier(meta["kind"], **meta.get("params", {}))
    classifier._load_model(Path(folder))
    return classifier, meta
