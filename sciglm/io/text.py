"""Reading text input as UTF-8: a byte-order mark (Excel, Notepad) is accepted, and bytes that
are not UTF-8 (a binary file, Latin-1) are one :class:`InputError` naming ``file:line``."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import BinaryIO

from sciglm.errors import InputError


def open_input(path: str) -> contextlib.AbstractContextManager[BinaryIO]:
    """``path`` opened for reading bytes (``-`` is stdin), or an :class:`InputError` saying why."""
    if path == "-":
        return contextlib.nullcontext(sys.stdin.buffer)
    try:
        return open(path, "rb")
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path) from exc


def display_name(path: str) -> str:
    """How errors name ``path`` (``-`` is ``<stdin>``)."""
    return "<stdin>" if path == "-" else path


def decode_line(raw: bytes, number: int) -> str:
    """Line ``number`` (from 1) of a text file as UTF-8; the first may start with a BOM."""
    return raw.decode("utf-8-sig" if number == 1 else "utf-8")


def not_utf8(exc: UnicodeDecodeError, path: str, number: int) -> InputError:
    """The one error for a line that is not UTF-8."""
    return InputError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", path, number)


def iter_text_lines(path: str | os.PathLike[str]) -> Iterator[str]:
    """The lines of a text file (BOM dropped); the first that is not UTF-8 stops with its number."""
    with open_input(str(path)) as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                yield decode_line(raw, number)
            except UnicodeDecodeError as exc:
                raise not_utf8(exc, display_name(str(path)), number) from exc


def read_text(path: str | os.PathLike[str]) -> str:
    """A whole text file (see :func:`iter_text_lines`)."""
    return "".join(iter_text_lines(path))
