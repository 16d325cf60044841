"""The public data sets sciglm knows, and where a split's file is found on this machine.

A :class:`DataSource` names a set, where it lives on the Hugging Face Hub (pinned), and the
file of each split in the *mirror layout*: the folder layout the question loaders read
(``gsm8k/test.jsonl``, ``math/test500.jsonl`` …). :func:`local_file` returns that file from a
local mirror (``--data-dir`` / ``$SCIGLM_DATA``) or, failing that, from the Hub cache.

Benchmarks registered by plugins carry their own :class:`DataSource`; :func:`sources` lists
the built-in catalogue together with those.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from sciglm.errors import SciglmError

#: The one environment variable naming a local mirror of the public sets.
DATA_ENV = "SCIGLM_DATA"


@dataclass(frozen=True)
class DataSource:
    """A public data set: its Hub home (pinned) and each split's file in the mirror layout."""

    name: str
    title: str
    #: split name → file relative to a mirror folder, in the layout the loaders read.
    splits: dict[str, str]
    hub_id: str | None = None
    revision: str | None = None
    #: split name → file (or ``config/split``) inside the Hub repository, where it differs.
    hub_files: dict[str, str] = field(default_factory=dict)
    licence: str = ""
    citation: str = ""
    homepage: str = ""


#: The built-in catalogue (filled in by the data-catalogue work; benchmarks add their own).
CATALOG: dict[str, DataSource] = {}


def data_dir_from_env() -> Path | None:
    """``$SCIGLM_DATA`` when set (a local mirror of the public sets), else ``None``."""
    value = os.environ.get(DATA_ENV)
    return Path(value).expanduser() if value else None


def get_source(name: str) -> DataSource:
    """The catalogue entry called ``name``; a clear error naming the known ones otherwise."""
    if name not in CATALOG:
        known = ", ".join(sorted(CATALOG)) or "none"
        raise SciglmError(f"unknown data set {name!r} (known: {known})")
    return CATALOG[name]


def local_file(source: DataSource, split: str, data_dir: Path | None = None) -> Path:
    """The file of ``split`` of ``source`` in the mirror layout, from ``data_dir`` (else
    ``$SCIGLM_DATA``); a one-line error naming the set and how to get it otherwise."""
    if split not in source.splits:
        raise SciglmError(
            f"{source.name}: no split {split!r} (known: {', '.join(source.splits)})"
        )
    relative = source.splits[split]
    root = data_dir or data_dir_from_env()
    if root is not None and (root / relative).is_file():
        return root / relative
    where = f"{root / relative} not found" if root is not None else "no local mirror"
    raise SciglmError(
        f"{source.name}: {where} (set --data-dir or ${DATA_ENV} to a folder holding {relative})"
    )
