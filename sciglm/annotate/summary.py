"""Counts of a run, per subject and stage, for the final table and ``--json``."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sciglm.annotate.stages import STAGES
from sciglm.endpoint.client import EndpointStats

COLUMNS = ["subject", "questions", *STAGES, "errors", "annotated"]


@dataclass
class AnnotateSummary:
    """What a run did: records by (subject, stage), teacher errors, skips, tokens, time."""

    stages: Counter[tuple[str, str]] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    resumed: int = 0  # questions already in the output before this run
    invalid_lines: int = 0
    not_started: int = 0  # left for a later run after the run was stopped
    wall_seconds: float = 0.0
    stopped_reason: str | None = None

    def add(self, brief: dict[str, Any]) -> None:
        """Count one finished question (a brief record: subject, stage, correct, error)."""
        subject = str(brief.get("subject"))
        self.stages[(subject, str(brief.get("stage")))] += 1
        if brief.get("error"):
            self.errors[subject] += 1

    @property
    def done(self) -> int:
        return sum(self.stages.values())

    def count(self, stage: str) -> int:
        return sum(n for (_, s), n in self.stages.items() if s == stage)

    def by_subject(self) -> dict[str, dict[str, int]]:
        table: dict[str, dict[str, int]] = {}
        for (subject, stage), n in sorted(self.stages.items()):
            row = table.setdefault(subject, dict.fromkeys(STAGES, 0))
            row[stage] = row.get(stage, 0) + n
        for subject, row in table.items():
            row["errors"] = self.errors.get(subject, 0)
        return table

    def rows(self) -> list[list[Any]]:
        rows = []
        table = self.by_subject()
        totals = dict.fromkeys([*STAGES, "errors"], 0)
        for subject, counts in table.items():
            n = sum(counts[s] for s in STAGES)
            ok = n - counts["failed"]
            rows.append([subject, n, *(counts[s] for s in STAGES), counts["errors"], _pct(ok, n)])
            for key in totals:
                totals[key] += counts[key]
        if len(table) > 1:
            n = sum(totals[s] for s in STAGES)
            rows.append(["all", n, *(totals[s] for s in STAGES), totals["errors"],
                         _pct(n - totals["failed"], n)])
        return rows

    def to_dict(self, stats: EndpointStats, cost: float | None) -> dict[str, Any]:
        return {
            "questions": self.done,
            "resumed": self.resumed,
            "not_started": self.not_started,
            "invalid_lines": self.invalid_lines,
            "by_stage": {stage: self.count(stage) for stage in STAGES},
            "errors": sum(self.errors.values()),
            "by_subject": self.by_subject(),
            "teacher": stats.to_dict(),
            "cost_usd": cost,
            "wall_seconds": round(self.wall_seconds, 3),
            "stopped": self.stopped_reason,
        }


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"
