"""The one progress abstraction, on the stderr console (:mod:`sciglm.console`).

``progress_bar(description, total)`` is a context manager giving a reporter with
``advance(n, note)`` and ``update(completed, note)``: a rich bar on a terminal, occasional plain
lines on pipes and CI logs, nothing at all from :func:`no_progress` (library use, tests).
Logs, progress and tables go to stderr so they never pollute parsed stdout.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any, Protocol

from sciglm.console import console

if TYPE_CHECKING:
    from rich.progress import Progress


class Reporter(Protocol):
    """What a progress display offers the code it reports on."""

    def advance(self, n: int = 1, note: str = "") -> None: ...

    def update(self, completed: int, note: str = "") -> None: ...


#: A factory of progress displays: ``factory(description, total)`` → context manager.
ProgressFactory = Callable[[str, "int | None"], AbstractContextManager[Any]]


class PlainProgress:
    """Progress as occasional plain log lines (every ``every`` seconds, and at the end)."""

    def __init__(self, description: str, total: int | None, every: float = 10.0) -> None:
        self.description = description
        self.total = total
        self.completed = 0
        self.every = every
        self._last = 0.0
        self._start = time.monotonic()

    def advance(self, n: int = 1, note: str = "") -> None:
        self.update(self.completed + n, note)

    def update(self, completed: int, note: str = "") -> None:
        self.completed = completed
        now = time.monotonic()
        if now - self._last >= self.every or (self.total and self.completed >= self.total):
            self._last = now
            total = f"/{self.total}" if self.total else ""
            rate = self.completed / max(now - self._start, 1e-9)
            extra = f" | {note}" if note else ""
            print(f"{self.description}: {self.completed}{total} ({rate:.1f}/s){extra}",
                  file=sys.stderr, flush=True)


class RichProgress:
    """A rich progress bar with the same interface as :class:`PlainProgress`."""

    def __init__(self, progress: Progress, task_id: Any) -> None:
        self._progress = progress
        self._task = task_id

    def advance(self, n: int = 1, note: str = "") -> None:
        self._progress.update(self._task, advance=n, note=note)

    def update(self, completed: int, note: str = "") -> None:
        self._progress.update(self._task, completed=completed, note=note)


class NullProgress:
    """A reporter that shows nothing."""

    def advance(self, n: int = 1, note: str = "") -> None:
        """Progress is not shown."""

    def update(self, completed: int, note: str = "") -> None:
        """Progress is not shown."""


@contextmanager
def progress_bar(description: str, total: int | None) -> Iterator[Reporter]:
    """A progress reporter: a rich bar on a terminal, plain lines otherwise."""
    if not console.is_terminal:
        yield PlainProgress(description, total)
        return
    from rich.progress import (  # only here: pipes and logs need none of it
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

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


@contextmanager
def no_progress(description: str, total: int | None) -> Iterator[Reporter]:
    """A progress factory that shows nothing (library use, tests)."""
    yield NullProgress()
