"""Accuracy per benchmark and per subject, and the tables that show it (terminal, Markdown, JSON).

Accuracy is correct / scored × 100: an undecided verdict (timeout, unparsable answer, no Lean)
counts as wrong and is reported in its own column. An item whose request failed (the endpoint
refused it) has no answer: it is counted apart as an error, never in the accuracy. The average
is the unweighted mean over benchmarks, as in the paper's tables.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sciglm.eval.interval import SMALL_N, wilson
from sciglm.eval.paper import PaperTable

#: The rows under the models in the summary table: items scored and the 95% interval.
STAT_ROWS = ("n", "95% CI")


@dataclass
class Tally:
    """Counts for one benchmark or one (benchmark, subject) cell."""

    n: int = 0
    correct: int = 0
    undecided: int = 0
    errors: int = 0  # requests that failed: no answer, not scored

    def add(self, correct: bool | None, errored: bool = False) -> None:
        if errored:
            self.errors += 1
            return
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
                "errors": self.errors, "accuracy": round(self.accuracy, 2),
                "ci95": [round(low, 2), round(high, 2)]}


@dataclass
class BenchmarkScore:
    name: str
    title: str
    total: Tally = field(default_factory=Tally)
    subjects: dict[str, Tally] = field(default_factory=dict)
    #: Why verdicts were undecided, most common first (timeouts, no Lean toolchain, …).
    undecided_reasons: Counter[str] = field(default_factory=Counter)

    def add(self, cells: list[str], correct: bool | None, reason: str = "",
            errored: bool = False) -> None:
        """Count one verdict in the total and in each of its report cells (subject, or
        SciEval's category and category × ability); an errored item is no answer."""
        self.total.add(correct, errored)
        for cell in cells:
            self.subjects.setdefault(cell, Tally()).add(correct, errored)
        if correct is None and not errored:
            self.undecided_reasons[reason or "no reason given"] += 1


def score(name: str, title: str, records: Iterable[dict[str, Any]]) -> BenchmarkScore:
    """The score of one benchmark from its prediction records."""
    result = BenchmarkScore(name, title)
    for record in records:
        cells = record.get("cells")
        if not isinstance(cells, list) or not cells:  # predictions written before cells
            cells = [str(record.get("subject") or "?")]
        result.add([str(c) for c in cells], record.get("correct"),
                   str(record.get("reason") or ""), errored=bool(record.get("error")))
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
    #: Items of an earlier run whose failed request was asked again (``--retry-errors``).
    retried: int = 0

    @property
    def errors(self) -> int:
        """Items whose request failed, over every benchmark (not scored)."""
        return sum(b.total.errors for b in self.benchmarks)

    @property
    def scored(self) -> int:
        return sum(b.total.n for b in self.benchmarks)
    #: Generation time of the items this run asked the model (absent when none were asked).
    timing: dict[str, Any] | None = None

    @property
    def average(self) -> float:
        scored = [b.total.accuracy for b in self.benchmarks if b.total.n]
        return sum(scored) / len(scored) if scored else 0.0

    def summary_table(self) -> tuple[list[str], list[list[str]]]:
        """The paper's layout: one row per model, one column per benchmark, then the average;
        with a paper table, every column of the paper (``not run`` where this run has none)
        and the paper's weighted averages follow, and its rows after the run's; then the items
        scored (``n``) and, where fewer than :data:`SMALL_N`, the 95% Wilson interval of the
        run's accuracy."""
        unrun = self._unrun_paper_columns()
        averages = list(self.paper.averages) if self.paper is not None else []
        columns = (["Model"] + [b.title for b in self.benchmarks] + list(unrun.values())
                   + ["Avg."] + averages)
        row = ([self.model] + [f"{b.total.accuracy:.1f}" for b in self.benchmarks]
               + ["not run"] * len(unrun) + [f"{self.average:.1f}"] + [""] * len(averages))
        rows = [row]
        if self.paper is not None:
            names = [b.name for b in self.benchmarks] + list(unrun)
            for paper_row in self.paper.rows:
                cells = [self.paper.cell(paper_row, name) for name in names]
                rows.append([paper_row.model] + cells + [""]
                            + self.paper.average_cells(paper_row))
        pad = [""] * (len(unrun) + 1 + len(averages))
        rows.append([STAT_ROWS[0]] + [str(b.total.n) for b in self.benchmarks] + pad)
        rows.append([STAT_ROWS[1]] + [b.total.interval_text() for b in self.benchmarks] + pad)
        return columns, rows

    def _unrun_paper_columns(self) -> dict[str, str]:
        """The compared paper's columns this run did not score: name → the paper's title."""
        if self.paper is None:
            return {}
        ran = {b.name for b in self.benchmarks}
        return {name: title for name, title in self.paper.columns.items() if name not in ran}

    def compare_table(self) -> tuple[list[str], list[list[str]]]:
        """The summary turned on its side for a terminal: one row per benchmark, the run's
        accuracy then each paper row's (empty where the paper has no such column)."""
        columns, rows = self.summary_table()
        rows = [row for row in rows if row[0] not in STAT_ROWS]  # models only: it stays narrow
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
                 "Paper averages (Avg. Sci, Math, {Sci+Math}) are its weighted averages as "
                 "printed (weights not given); the run's Avg. is the mean of its columns."]
        unrun = self._unrun_paper_columns()
        if unrun:
            lines.append(f"Paper columns not run: {', '.join(unrun)} (add them to --benchmark "
                         "to score the paper's sets).")
        if missing:
            lines.append(f"No paper number for: {', '.join(missing)} (not in its tables).")
        lines += [f"{name}: {note}." for name, note in self.paper.notes.items() if name in names]
        return lines

    def detail_table(self) -> tuple[list[str], list[list[str]]]:
        """One row per benchmark and subject: items, correct, undecided, accuracy."""
        columns = ["Benchmark", "Subject", "Items", "Correct", "Undecided", "Errors", "Accuracy"]
        rows = []
        for bench in self.benchmarks:
            cells = sorted(bench.subjects.items())
            if len(cells) > 1:
                cells.append(("all", bench.total))
            for subject, tally in cells:
                rows.append([bench.title, subject, str(tally.n), str(tally.correct),
                             str(tally.undecided), str(tally.errors), f"{tally.accuracy:.1f}"])
        return columns, rows

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "model": self.model,
            "settings": self.settings,
            "average": round(self.average, 2),
            "errors": self.errors,
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
                "rows": {r.model: {name: value for name, (value, _) in r.scores.items()}
                         | r.averages for r in self.paper.rows},
                "not_run": list(self._unrun_paper_columns()),
            }
        return data

    def to_markdown(self) -> str:
        settings = ", ".join(f"{k}={v}" for k, v in self.settings.items())
        parts = [f"# sciglm eval: {self.model}", "", f"Settings: {settings}", ""]
        parts += _markdown_table(*self.summary_table()) + [""]
        if self.paper is not None:
            parts += [f"- {line}" for line in self.paper_notes()] + [""]
        parts += ["## Per benchmark and subject", ""] + _markdown_table(*self.detail_table())
        parts += ["", "Accuracy = correct / items × 100; undecided verdicts count as wrong; "
                  "errors (failed requests) are not items. 95% CI: the Wilson score interval "
                  "of the run's accuracy."]
        return "\n".join(parts) + "\n"


def _markdown_table(columns: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(columns) + " |",
             "| " + " | ".join(["---"] + ["---:"] * (len(columns) - 1)) + " |"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return lines
