"""Plain data records passed between loaders, verifiers, annotation and evaluation."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any

Message = dict[str, str]  # {"role": "system"|"user"|"assistant", "content": "..."}


@dataclass
class Question:
    """One question of a subject, normalized from whatever set it came from."""

    id: str
    subject: str
    question: str
    reference: str | None = None
    choices: list[str] | None = None
    source: str = ""
    solution: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class VerifyItem:
    """One answer to check: a model's whole response against a reference answer.

    ``extra`` holds the record's other fields that describe the *reference* (a quantity's
    ``unit``, a Lean ``statement``/``header``). How an item is judged is never read from the
    record: ``scorer`` and ``benchmark`` are set by the caller's code (a benchmark, a
    protocol) and :meth:`from_record` leaves them empty whatever the record says.
    """

    id: str
    subject: str
    response: str
    reference: str | None = None
    question: str | None = None
    choices: list[str] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    #: A benchmark scorer's name (:mod:`sciglm.eval.scorers`); ``None``: the subject verifier.
    scorer: str | None = None
    #: The benchmark the item belongs to, for scorers that need its settings.
    benchmark: str | None = None

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> VerifyItem:
        known = {"id", "subject", "response", "reference", "question", "choices",
                 "scorer", "benchmark"}
        return cls(
            id=str(record.get("id", "")),
            subject=str(record.get("subject", "")),
            response=record.get("response") if isinstance(record.get("response"), str) else "",
            reference=None if record.get("reference") is None else str(record.get("reference")),
            question=record.get("question") if isinstance(record.get("question"), str) else None,
            choices=record.get("choices") if isinstance(record.get("choices"), list) else None,
            extra={k: v for k, v in record.items() if k not in known},
        )


class VerdictStatus(str, Enum):
    """How a verdict came about; code decides on this, never on the reason's wording."""

    #: The verifier ran to its end: ``correct`` is its judgement (``None``: cannot be checked
    #: whole, the reason says why).
    JUDGED = "judged"
    #: The check ran past its time bound and was stopped (``correct`` is ``None``).
    TIMED_OUT = "timed_out"
    #: The check ran out of its memory bound (``correct`` is ``None``).
    OUT_OF_MEMORY = "out_of_memory"
    #: The verifier raised, or its process died on its own (``correct`` is ``None``).
    CRASHED = "crashed"
    #: The check never ran to an answer: the pool was closed or interrupted (Ctrl-C), the item
    #: could not be sent. A resumed run checks it again.
    NOT_RUN = "not_run"


@dataclass
class Verdict:
    """A verifier's judgement: ``correct`` is ``None`` when it could not decide."""

    correct: bool | None
    predicted: str | None = None
    reason: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    #: Wall-clock seconds the check took (filled in by the verifier pool).
    seconds: float = 0.0
    status: VerdictStatus = VerdictStatus.JUDGED

    def to_record(self, item: VerifyItem) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": item.id,
            "subject": item.subject,
            "correct": self.correct,
            "predicted": self.predicted,
            "reference": item.reference,
            "reason": self.reason,
            "status": self.status.value,
        }
        if self.details:
            out["details"] = self.details
        return out
