"""The stderr console every command and core module prints through, and its outputs: tables
(on stderr, for people), JSON (on stdout, for programs) and listings (a table on a terminal,
plain lines on stdout when piped)."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

#: Logs, progress and tables go to stderr so they never pollute parsed stdout. Piped to a file
#: or a CI log, a message stays on one line (grep finds it whole); on a terminal it wraps.
console = Console(stderr=True, soft_wrap=not sys.stderr.isatty())


def print_table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A rich table on stderr."""
    table = Table(title=title)
    for column in columns:
        table.add_column(column, justify="left" if column == columns[0] else "right")
    for row in rows:
        table.add_row(*[str(cell) for cell in row])
    console.print(table)


def print_listing(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]],
                  piped: bool | None = None) -> None:
    """What a listing command (``data list``, ``plugins``, ``models catalog`` …) prints: piped
    (``piped`` None: stdout is not a terminal), one row per line on stdout, cells separated
    by a tab (``sciglm data list | grep gsm8k``); on a terminal, a table on stderr whose first
    column (the name to type) is never cut, however narrow the terminal."""
    if piped is None:
        piped = not sys.stdout.isatty()
    cells = [[" ".join(str("" if cell is None else cell).split()) for cell in row] for row in rows]
    if piped:
        sys.stdout.write("".join("\t".join(row) + "\n" for row in cells))
        sys.stdout.flush()
        return
    table = Table(title=title)
    for number, column in enumerate(columns):
        if number == 0:
            width = max([len(column), *(len(row[0]) for row in cells)])
            table.add_column(column, no_wrap=True, min_width=width)
        else:
            table.add_column(column, overflow="fold")
    for row in cells:
        table.add_row(*row)
    console.print(table)


def print_json(data: Any) -> None:
    """Machine-readable output on stdout."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    sys.stdout.flush()
