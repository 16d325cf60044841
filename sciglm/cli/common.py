"""What every command shares, from the core: the stderr console, tables and JSON output
(:mod:`sciglm.console`) and progress (:mod:`sciglm.progress`)."""

from __future__ import annotations

from sciglm.console import console, print_json, print_listing, print_table
from sciglm.progress import progress_bar

__all__ = ["console", "print_json", "print_listing", "print_table", "progress_bar"]
