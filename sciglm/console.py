"""The stderr console every command and core module prints through, and its two outputs:
tables (on stderr, for people) and JSON (on stdout, for programs)."""

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


def print_json(data: Any) -> None:
    """Machine-readable output on stdout."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    sys.stdout.flush()
