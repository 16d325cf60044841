"""Errors the CLI turns into one ``Error:`` line and a non-zero exit."""

from __future__ import annotations


class SciglmError(Exception):
    """A user-facing error: its message is one line that names what and where."""


class InputError(SciglmError):
    """Bad input data, located by ``path:line`` where there is one."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None) -> None:
        self.path = path
        self.line = line
        where = f"{path}:{line}: " if path and line else (f"{path}: " if path else "")
        super().__init__(f"{where}{message}")


class UnknownSubjectError(SciglmError):
    """A record or option names a subject no plugin provides."""
