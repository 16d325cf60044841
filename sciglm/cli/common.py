"""What every command shares: a stderr console, progress that degrades to plain lines, tables."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

#: Logs, progress and tables go to stderr so they never pollute parsed stdout.
console = Console(stderr=True)


class PlainProgress:
    """Progress as occasional plain log lines, for pipes and CI logs."""

    def __init__(self, description: str, total: int | None, every: float = 10.0) -> None:
        self.description = description
        self.total = total
        self.completed = 0
        self.every = every
        self._last = 0.0
        self._start = time.monotonic()

    def advance(self, n: int = 1, note: str = "") -> None:
        self.completed += n
        now = time.monotonic()
        if now - self._last >= self.every or (self.total and self.completed >= self.total):
            self._last = now
            total = f"/{self.total}" if self.total else ""
            rate = self.completed / max(now - self._start, 1e-9)
            extra = f" {note}" if note else ""
            print(
                f"{self.description}: {self.completed}{total} ({rate:.1f}/s){extra}",
                file=sys.stderr,
            )


class RichProgress:
    """A rich progress bar with the same ``advance`` interface as :class:`PlainProgress`."""

    def __init__(self, progress: Progress, task_id: Any) -> None:
        self._progress = progress
        self._task = task_id

    def advance(self, n: int = 1, note: str = "") -> None:
        self._progress.update(self._task, advance=n, note=note)


@contextmanager
def progress_bar(description: str, total: int | None) -> Iterator[PlainProgress | RichProgress]:
    """A progress reporter: a rich bar on a terminal, plain lines otherwise."""
    if not console.is_terminal:
        yield PlainProgress(description, total)
        return
    columns = [
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.fields[note]}"),
    ]
    with Progress(*columns, console=console, transient=False) as progress:
        yield RichProgress(progress, progress.add_task(description, total=total, note=""))


def print_table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A rich table on stderr."""
    table = Table(title=title)
    for column in columns:
        table.add_column(column, justify="left" if column == columns[0] else "right")
    for row in rows:
        table.add_row(*[str(cell) for cell in row])
    console.print(table)


def print_json(data: Any) -> None:
    """Machine-readable output on stdout."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    sys.stdout.flush()
