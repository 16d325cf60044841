"""What every command shares: the core's stderr console and progress (``sciglm.progress``),
tables and JSON output."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

from rich.table import Table

# The console and progress live in the core; commands print through the same ones.
from sciglm.progress import console, progress_bar

__all__ = ["console", "print_json", "print_table", "progress_bar"]


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
