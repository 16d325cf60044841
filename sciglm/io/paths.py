"""Checking where a command will write, before it does any work: a bad output path is one
``Error:`` line at the start, never a traceback after minutes (or paid teacher calls)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from sciglm.errors import InputError


def check_output(
    path: str | os.PathLike[str],
    kind: Literal["file", "dir"] = "file",
    inputs: tuple[str | os.PathLike[str], ...] = (),
) -> Path:
    """``path`` if a command can create or replace it as a ``kind``; else an :class:`InputError`.

    Refused: a file path that is a folder (or a folder path that is a file), a path under a
    file, a place this user cannot write, and any of ``inputs`` (writing over what is read).
    Missing parent folders are fine: commands create them.
    """
    target = Path(path).expanduser()
    where = str(path)
    if target.is_dir() and kind == "file":
        raise InputError("is a folder; name a file to write", where)
    if target.exists() and not target.is_dir() and kind == "dir":
        raise InputError("is a file; name a folder to write into", where)
    for source in inputs:
        if str(source) != "-" and _same(target, Path(source)):
            raise InputError("is also an input: writing it would replace what is read; "
                             "choose another output", where)
    if target.exists() and not os.access(target, os.W_OK):
        raise InputError("not writable (permission denied)", where)
    parent = target.absolute().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise InputError(f"cannot be created: {parent} is a file, not a folder", where)
    if not target.exists() and not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(f"cannot be created: no permission to write in {parent}", where)
    return target


def _same(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and a.samefile(b)
    except OSError:
        return False
