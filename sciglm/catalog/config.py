"""The configs of ``sciglm data list|info|pull`` and ``sciglm models catalog``: every option
with its default and help, in one place; the commands' click options are derived from them
(:func:`sciglm.config.click_options`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sciglm.config import option


def data_dir_option(what: str) -> Any:
    """The ``--data-dir`` field of every command that reads the public sets (``what``: what it
    reads there), found as :func:`sciglm.catalog.data.data_roots` says."""
    return option(None, f"Mirror of the public sets to read {what} from first (default: "
                  "$SCIGLM_DATA), then the cache 'sciglm data pull' fills.", path="dir",
                  exists=True)


@dataclass
class MirrorLookupConfig:
    """Where to look for a set besides the cache (``data list``, ``data info``)."""

    data_dir: str | None = data_dir_option("the sets")


@dataclass
class DataListConfig(MirrorLookupConfig):
    """``sciglm data list``: every set in the catalogue and whether it is here."""

    as_json: bool = option(False, "Print the list as JSON on stdout.", flag="--json")


@dataclass
class DataInfoConfig(MirrorLookupConfig):
    """``sciglm data info``: one set's catalogue entry and whether it is here."""

    as_json: bool = option(False, "Print the entry as JSON on stdout.", flag="--json")


@dataclass
class DataPullConfig:
    """``sciglm data pull``: which sets to download, and where the mirror goes."""

    pull_all: bool = option(False, "Pull every set that can be downloaded.", flag="--all")
    to: str | None = option(None, "Write the mirror here (default: the cache, "
                            "$HF_HOME/sciglm/data); the folder --data-dir / $SCIGLM_DATA "
                            "then names.", path="dir", aliases=("--data-dir",))
    as_json: bool = option(False, "Print what was pulled as JSON on stdout.", flag="--json")


@dataclass
class ModelCatalogConfig:
    """``sciglm models catalog``: the models sciglm knows by name."""

    as_json: bool = option(False, "Print the catalogue as JSON on stdout.", flag="--json")
