"""The configs of ``sciglm data list|info|pull`` and ``sciglm models catalog``: every option
with its default and help, in one place; the commands' click options are derived from them
(:func:`sciglm.config.click_options`)."""

from __future__ import annotations

from dataclasses import dataclass

from sciglm.config import option


@dataclass
class MirrorLookupConfig:
    """Where to look for a set besides the cache (``data list``, ``data info``)."""

    data_dir: str | None = option(None, "A mirror folder to check besides the cache (default: "
                                  "$SCIGLM_DATA).", path="dir")


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
                            "$HF_HOME/sciglm/data).", path="dir")
    as_json: bool = option(False, "Print what was pulled as JSON on stdout.", flag="--json")


@dataclass
class ModelCatalogConfig:
    """``sciglm models catalog``: the models sciglm knows by name."""

    as_json: bool = option(False, "Print the catalogue as JSON on stdout.", flag="--json")
