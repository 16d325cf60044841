"""Quality labels from the pipeline's own evidence: annotated trajectories judged by verifiers.

Positives are the solutions a question's run ended on with ``correct: true``; negatives are the
attempts of the *same* question that the verifier rejected (a ``cot`` answer, a ``reflect``
round). Each question gives as many negatives as positives (or none), so the classifier cannot
win by learning which questions are hard. Where the verifier said ``null`` and the annotation
ran with ``--judge``, the judge's recorded verdict may label the attempt (``judge=True``).
Every label row says where it came from: file, line, stage, round, and who judged it.
A row's ``split`` (train/test) is drawn per *question* from a hash, never per record.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sciglm.classifier.config import ClassifierDataConfig
from sciglm.data.annotated import Annotated
from sciglm.data.text import normalize


def question_key(question: str) -> str:
    """A stable key for a question: the SHA-1 of its normalized text (first 16 hex digits)."""
    return hashlib.sha1(normalize(question).encode("utf-8")).hexdigest()[:16]


def split_of(key: str, test_share: float, seed: int = ClassifierDataConfig.seed) -> str:
    """``test`` for about ``test_share`` of question keys, chosen by hash (stable as data grows)."""
    digest = hashlib.sha1(f"{seed}:{key}".encode()).digest()
    return "test" if int.from_bytes(digest[:8], "big") / 2**64 < test_share else "train"


@dataclass
class Attempt:
    """One labelled solution of a question, with its provenance."""

    response: str
    label: int
    stage: str
    by: str  # "verifier" or "judge"
    reason: str
    round: int | None = None


@dataclass
class LabelSummary:
    """What building the labels found, for the report."""

    records: int = 0
    questions: int = 0
    paired: int = 0
    only_positive: int = 0
    only_negative: int = 0
    rows: Counter = field(default_factory=Counter)  # (label, stage, by) → count
    splits: Counter = field(default_factory=Counter)  # split → questions

    def to_dict(self) -> dict[str, Any]:
        return {"records": self.records, "questions": self.questions,
                "paired_questions": self.paired,
                "questions_with_positives_only": self.only_positive,
                "questions_with_negatives_only": self.only_negative,
                "rows": {f"{'good' if k[0] else 'bad'}/{k[1]}/{k[2]}": v
                         for k, v in sorted(self.rows.items())},
                "split_questions": dict(self.splits)}


def _decided(step: dict[str, Any], judge: bool) -> tuple[bool | None, str, str]:
    """(correct, by, reason) of a trajectory step: the verifier's, else the judge's if allowed."""
    verdict = step.get("verdict") or {}
    correct = verdict.get("correct")
    if correct in (True, False):
        return correct, "verifier", str(verdict.get("reason") or "")
    judged = ((step.get("judge") or {}).get("verdict") or {})
    if judge and judged.get("correct") in (True, False):
        return judged["correct"], "judge", str(judged.get("reason") or "")[:200]
    return None, "", ""


def attempts(item: Annotated, judge: bool = False) -> list[Attempt]:
    """The labelled attempts of one annotated record (trajectory steps plus the final answer)."""
    out: list[Attempt] = []
    steps = item.record.get("trajectory")
    steps = steps if isinstance(steps, list) else []
    for step in steps:
        if not isinstance(step, dict) or not isinstance(step.get("response"), str):
            continue
        if not step["response"].strip():
            continue
        correct, by, reason = _decided(step, judge)
        if correct is not None:
            out.append(Attempt(step["response"], int(correct), str(step.get("stage") or "?"),
                               by, reason, step.get("round")))
    if not steps and item.record.get("correct") is True and item.response.strip():
        # no trajectory (e.g. a reference solution): the record itself is the evidence
        out.append(Attempt(item.response, 1, str(item.record.get("stage") or "final"),
                           "record", "correct: true"))
    return out


def build_labels(items: Iterable[Annotated], test_share: float = ClassifierDataConfig.test_share,
                 seed: int = ClassifierDataConfig.seed,
                 judge: bool = ClassifierDataConfig.judge_labels
                 ) -> tuple[list[dict[str, Any]], LabelSummary]:
    """Label rows (balanced per question) and a summary; questions merge across files by text."""
    summary = LabelSummary()
    by_question: dict[str, tuple[Annotated, list[tuple[Annotated, Attempt]]]] = {}
    for item in items:
        summary.records += 1
        key = question_key(item.question)
        first, found = by_question.setdefault(key, (item, []))
        found.extend((item, a) for a in attempts(item, judge))
    summary.questions = len(by_question)
    rows: list[dict[str, Any]] = []
    for key, (first, found) in by_question.items():
        pos = [x for x in found if x[1].label == 1]
        neg = [x for x in found if x[1].label == 0]
        if not pos or not neg:
            if pos:
                summary.only_positive += 1
            elif neg:
                summary.only_negative += 1
            continue
        summary.paired += 1
        rng = random.Random(f"{seed}:{key}")
        k = min(len(pos), len(neg))
        chosen = rng.sample(pos, k) + rng.sample(neg, k)
        split = split_of(key, test_share, seed)
        summary.splits[split] += 1
        for item, attempt in chosen:
            summary.rows[(attempt.label, attempt.stage, attempt.by)] += 1
            provenance: dict[str, Any] = {"input": f"{item.path}:{item.line}",
                                          "id": item.record.get("id"), "stage": attempt.stage,
                                          "by": attempt.by, "reason": attempt.reason}
            if attempt.round is not None:
                provenance["round"] = attempt.round
            rows.append({"question_key": key, "subject": first.subject,
                         "question": first.question, "response": attempt.response,
                         "label": attempt.label, "split": split, "provenance": provenance})
    return rows, summary
