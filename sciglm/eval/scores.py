"""Accuracy per benchmark and per subject, and the tables that show it (terminal, Markdown, JSON).

Accuracy is correct / scored × 100: an undecided verdict (timeout, unparsable answer, no Lean)
counts as wrong and is reported in its own column. The average is the unweighted mean over
benchmarks, as in the paper's tables.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sciglm.eval.interval import SMALL_N, wilson
from sciglm.eval.paper import PaperTable


@dataclass
class Tally:
    """Counts for one benchmark or one (benchmark, subject) cell."""

    n: int = 0
    correct: int = 0
    undecided: int = 0

    def add(self, correct: bool | None) -> None:
        self.n += 1
        self.correct += correct is True
        self.undecided += correct is None

    @property
    def accuracy(self) -> float:
        return 100.0 * self.correct / self.n if self.n else 0.0

    @property
    def interval(self) -> tuple[float, float]:
        """The 95% Wilson interval of the accuracy, in percent."""
        return wilson(self.correct, self.n)

    def interval_text(self) -> str:
        """``"25.8–65.8"`` when there are fewer than :data:`SMALL_N` items, else ``""``."""
        low, high = self.interval
        return f"{low:.1f}–{high:.1f}" if 0 < self.n < SMALL_N else ""

    def to_dict(self) -> dict[str, Any]:
        low, high = self.interval
        return {"n": self.n, "correct": self.correct, "undecided": self.undecided,
                "accuracy": round(self.accuracy, 2), "ci95": [round(low, 2), round(high, 2)]}


@dataclass
class BenchmarkScore:
    name: str
    title: str
    total: Tally = field(default_factory=Tally)
    subjects: dict[str, Tally] = field(default_factory=dict)
    #: Why verdicts were undecided, most common first (timeouts, no Lean toolchain, …).
    undecided_reasons: Counter[str] = field(default_factory=Counter)

    def add(self, subject: str, correct: bool | None, reason: str = "") -> None:
        self.total.add(correct)
        self.subjects.setdefault(subject, Tally()).add(correct)
        if correct is None:
            self.undecided_reasons[reason or "no reason given"] += 1


def score(name: str, title: str, records: Iterable[dict[str, Any]]) -> BenchmarkScore:
    """The score of one benchmark from its prediction records."""
    result = BenchmarkScore(name, title)
    for record in records:
        result.add(str(record.get("subject") or "?"), record.get("correct"),
                   str(record.get("reason") or ""))
    return result


@dataclass
class Report:
    """Every benchmark of one run, for one model (and a paper's rows to compare with)."""

    model: str
    benchmarks: list[BenchmarkScore]
    settings: dict[str, Any] = field(default_factory=dict)
    paper: PaperTable | None = None
    #: The run continued from predictions already in its folder.
    resumed: bool = False
    #: Generation time of the items this run asked the model (absent when none were asked).
    timing: dict[str, Any] | None = None

    @property
    def average(self) -> float:
        scored = [b.total.accuracy for b in self.benchmarks if b.total.n]
        return sum(scored) / len(scored) if scored else 0.0

    def summary_table(self) -> tuple[list[str], list[list[str]]]:
        """The paper's layout: one row per model, one column per benchmark, then the average;
        with a paper table, its rows follow (empty cells where it has no such column); then
        the items scored (``n``) and, where fewer than :data:`SMALL_N`, the 95% Wilson interval
        of the run's accuracy."""
        columns = ["Model"] + [b.title for b in self.benchmarks] + ["Avg."]
        row = [self.model] + [f"{b.total.accuracy:.1f}" for b in self.benchmarks]
        rows = [row + [f"{self.average:.1f}"]]
        if self.paper is not None:
            for paper_row in self.paper.rows:
                cells = [self.paper.cell(paper_row, b.name) for b in self.benchmarks]
                rows.append([paper_row.model] + cells + [""])
        rows.append(["n"] + [str(b.total.n) for b in self.benchmarks] + [""])
        rows.append(["95% CI"] + [b.total.interval_text() for b in self.benchmarks] + [""])
        return columns, rows

    def compare_table(self) -> tuple[list[str], list[list[str]]]:
        """The summary turned on its side for a terminal: one row per benchmark, the run's
        accuracy then each paper row's (empty where the paper has no such column)."""
        columns, rows = self.summary_table()
        return ["Benchmark"] + [row[0] for row in rows], [
            [columns[i]] + [row[i] for row in rows] for i in range(1, len(columns))
        ]

    def paper_notes(self) -> list[str]:
        """Where the compared paper table comes from and how its columns differ from ours."""
        if self.paper is None:
            return []
        names = {b.name for b in self.benchmarks}
        missing = [b.title for b in self.benchmarks
                   if not any(b.name in r.scores for r in self.paper.rows)]
        lines = [f"Paper rows: {self.paper.citation}.", f"Protocol: {self.paper.protocol}.",
                 "Paper averages are over its own columns and weights; not shown."]
        if missing:
            lines.append(f"No paper number for: {', '.join(missing)} (not in its tables).")
        lines += [f"{name}: {note}." for name, note in self.paper.notes.items() if name in names]
        return lines

    def detail_table(self) -> tuple[list[str], list[list[str]]]:
        """One row per benchmark and subject: items, correct, undecided, accuracy."""
        columns = ["Benchmark", "Subject", "Items", "Correct", "Undecided", "Accuracy"]
        rows = []
        for bench in self.benchmarks:
            cells = sorted(bench.subjects.items())
            if len(cells) > 1:
                cells.append(("all", bench.total))
            for subject, tally in cells:
                rows.append([bench.title, subject, str(tally.n), str(tally.correct),
                             str(tally.undecided), f"{tally.accuracy:.1f}"])
        return columns, rows

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "model": self.model,
            "settings": self.settings,
            "average": round(self.average, 2),
            "benchmarks": {
                b.name: b.total.to_dict()
                | {"title": b.title,
                   "subjects": {s: t.to_dict() for s, t in sorted(b.subjects.items())}}
                for b in self.benchmarks
            },
        }
        if self.timing is not None:
            data["timing"] = self.timing
        if self.paper is not None:
            data["compare"] = {
                "table": self.paper.name, "citation": self.paper.citation,
                "protocol": self.paper.protocol,
                "rows": {r.model: {b.name: r.scores[b.name][0] for b in self.benchmarks
                                   if b.name in r.scores} for r in self.paper.rows},
            }
        return data

    def to_markdown(self) -> str:
        settings = ", ".join(f"{k}={v}" for k, v in self.settings.items())
        parts = [f"# sciglm eval: {self.model}", "", f"Settings: {settings}", ""]
        parts += _markdown_table(*self.summary_table()) + [""]
        if self.paper is not None:
            parts += [f"- {line}" for line in self.paper_notes()] + [""]
        parts += ["## Per benchmark and subject", ""] + _markdown_table(*self.detail_table())
        parts += ["", "Accuracy = correct / items × 100; undecided verdicts count as wrong. "
                  "95% CI: the Wilson score interval of the run's accuracy."]
        return "\n".join(parts) + "\n"


def _markdown_table(columns: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(columns) + " |",
             "| " + " | ".join(["---"] + ["---:"] * (len(columns) - 1)) + " |"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return lines
