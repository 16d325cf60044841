"""Counting verdicts per subject for the ``verify`` report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sciglm.records import Verdict


@dataclass
class SubjectTally:
    total: int = 0
    correct: int = 0
    wrong: int = 0
    undecided: int = 0
    seconds: float = 0.0
    #: How many verdicts came about each way (:class:`VerdictStatus` values): an undecided
    #: verdict that was judged is not one that timed out or never ran.
    statuses: dict[str, int] = field(default_factory=dict)

    def add(self, verdict: Verdict) -> None:
        self.total += 1
        self.seconds += verdict.seconds
        self.statuses[verdict.status.value] = self.statuses.get(verdict.status.value, 0) + 1
        if verdict.correct is True:
            self.correct += 1
        elif verdict.correct is False:
            self.wrong += 1
        else:
            self.undecided += 1


@dataclass
class VerifySummary:
    subjects: dict[str, SubjectTally] = field(default_factory=dict)
    invalid_lines: int = 0
    wall_seconds: float = 0.0

    def add(self, subject: str, verdict: Verdict) -> None:
        self.subjects.setdefault(subject, SubjectTally()).add(verdict)

    def total(self) -> SubjectTally:
        out = SubjectTally()
        for tally in self.subjects.values():
            out.total += tally.total
            out.correct += tally.correct
            out.wrong += tally.wrong
            out.undecided += tally.undecided
            out.seconds += tally.seconds
            for status, count in tally.statuses.items():
                out.statuses[status] = out.statuses.get(status, 0) + count
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "subjects": {name: vars(t) for name, t in sorted(self.subjects.items())},
            "total": vars(self.total()),
            "invalid_lines": self.invalid_lines,
            "wall_seconds": round(self.wall_seconds, 3),
        }

    def rows(self) -> list[list[Any]]:
        rows = []
        for name, t in sorted(self.subjects.items()) + [("all", self.total())]:
            per = f"{1000 * t.seconds / t.total:.1f} ms" if t.total else "-"
            rows.append([name, t.total, t.correct, t.wrong, t.undecided, f"{t.seconds:.2f}s", per])
        return rows


COLUMNS = ["subject", "total", "correct", "wrong", "undecided", "check time", "per check"]


def columns_for(labels: set[tuple[str, str, str]]) -> list[str]:
    """Table headers; subjects with their own verdict names (Lean) show them beside ours."""
    names = [sorted({label[i] for label in labels} | {COLUMNS[2 + i]}) for i in range(3)]
    return COLUMNS[:2] + [" / ".join(n) for n in names] + COLUMNS[5:]
