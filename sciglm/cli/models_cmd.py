"""``sciglm models``: the model catalogue, fetching a model ahead of time, and the cache of
converted ChatGLM checkpoints (list, remove)."""

from __future__ import annotations

import contextlib
import shutil
import sys
from typing import Any

import click

from sciglm.catalog.config import ModelCatalogConfig
from sciglm.cli.common import console, print_json, print_listing
from sciglm.config import click_options, from_values
from sciglm.errors import SciglmError
from sciglm.models.config import ModelsListConfig, ModelsRmConfig


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"  # pragma: no cover


@click.group()
def models() -> None:
    """Models by name: the catalogue, fetching, and converted checkpoints in the cache.

    Any command's --model takes a catalogue name (sciglm-6b), a Hub id (THUDM/chatglm3-6b-base,
    pinned; ID@REVISION for another revision) or a local folder. Original ChatGLM2/3 checkpoints
    are converted to native GlmForCausalLM once, on first use, into
    $SCIGLM_CACHE/models/converted (default ~/.cache/sciglm); `sciglm --no-convert …` turns
    that off.

    \b
    Examples:
      sciglm models catalog
      sciglm models fetch THUDM/chatglm3-6b-base     # download + convert now (e.g. before a launch)
      sciglm models list --json
      sciglm models rm zd21/SciGLM-6B
    """


@models.command("catalog")
@click_options(ModelCatalogConfig)
def catalog_cmd(**values: Any) -> None:
    """The models sciglm knows by name: Hub id, pinned revision, layout, licence."""
    from dataclasses import asdict

    from sciglm.catalog.models import CATALOG

    if from_values(ModelCatalogConfig, values).as_json:
        print_json([asdict(s) for s in CATALOG.values()])
        return
    print_listing("sciglm model catalogue (--json for layout and citation)",
                  ["name", "hub id", "revision", "licence"],
                  [[s.name, s.hub_id, s.revision[:12], s.licence] for s in CATALOG.values()])


@models.command("fetch")
@click.argument("name")
def fetch_cmd(name: str) -> None:
    """Download NAME (and convert it if it is an original ChatGLM checkpoint); print the local
    folder that commands will load.

    \b
    Example:
      sciglm models fetch zd21/SciGLM-6B
    """
    from sciglm.models.resolve import resolve_model

    with contextlib.redirect_stdout(sys.stderr):  # libraries print; stdout is for the result
        folder = resolve_model(name)
    click.echo(folder)


@models.command("list")
@click_options(ModelsListConfig)
def list_cmd(**values: Any) -> None:
    """Converted checkpoints in the cache: source, revision, size, converter version.

    \b
    Example:
      sciglm models list
    """
    from sciglm.models import cache

    found = cache.entries()
    if from_values(ModelsListConfig, values).as_json:
        print_json(found)
        return
    if not found:
        console.print(f"no converted models in {cache.root()}")
        return
    print_listing(f"converted models in {cache.root()} (--json for keys and paths)",
                  ["source", "revision", "size", "converter", "converted"],
                  [[e.get("source"), str(e.get("revision", ""))[:12],
                    _size(int(e.get("size_bytes", 0))), e.get("converter_version"),
                    str(e.get("converted_at", ""))[:10]] for e in found])


@models.command("rm")
@click.argument("names", nargs=-1)
@click_options(ModelsRmConfig)
def rm_cmd(names: tuple[str, ...], **values: Any) -> None:
    """Remove converted checkpoints by key or source (a source removes all its revisions), and
    any conversion left unfinished by a killed process. The downloaded originals stay in the
    Hugging Face cache.

    \b
    Examples:
      sciglm models rm THUDM/chatglm3-6b-base
      sciglm models rm --all
    """
    from sciglm.models import cache

    remove_all = from_values(ModelsRmConfig, values).remove_all
    if not names and not remove_all:
        raise SciglmError("sciglm models rm: name a key or source (see `sciglm models list`), "
                          "or pass --all")
    chosen = cache.entries() if remove_all else []
    for name in names:
        found = cache.matching(name)
        if not found:
            raise SciglmError(f"sciglm models rm: no converted model {name!r} in {cache.root()} "
                              "(see `sciglm models list`)")
        chosen += [e for e in found if e not in chosen]
    for entry in chosen:
        cache.remove(entry)
        console.print(f"removed {entry['key']} ({entry.get('source')})")
    for partial in cache.stale_partials():
        shutil.rmtree(partial, ignore_errors=True)
        console.print(f"removed unfinished conversion {partial.name}")
