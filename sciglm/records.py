"""Plain data records passed between loaders, verifiers, annotation and evaluation."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
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
    """One answer to check: a model's whole response against a reference answer."""

    id: str
    subject: str
    response: str
    reference: str | None = None
    question: str | None = None
    choices: list[str] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> VerifyItem:
        known = {"id", "subject", "response", "reference", "question", "choices"}
        return cls(
            id=str(record.get("id", "")),
            subject=str(record.get("subject", "")),
            response=record.get("response") if isinstance(record.get("response"), str) else "",
            reference=None if record.get("reference") is None else str(record.get("reference")),
            question=record.get("question") if isinstance(record.get("question"), str) else None,
            choices=record.get("choices") if isinstance(record.get("choices"), list) else None,
            extra={k: v for k, v in record.items() if k not in known},
        )


@dataclass
class Verdict:
    """A verifier's judgement: ``correct`` is ``None`` when it could not decide."""

    correct: bool | None
    predicted: str | None = None
    reason: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    #: Wall-clock seconds the check took (filled in by the verifier pool).
    seconds: float = 0.0

    def to_record(self, item: VerifyItem) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": item.id,
            "subject": item.subject,
            "correct": self.correct,
            "predicted": self.predicted,
            "reference": item.reference,
            "reason": self.reason,
        }
        if self.details:
            out["details"] = self.details
        return out
