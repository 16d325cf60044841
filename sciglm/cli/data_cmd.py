"""``sciglm data list|info|pull``: the public sets sciglm knows, and local mirrors of them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from sciglm.catalog.config import DataInfoConfig, DataListConfig, DataPullConfig
from sciglm.cli.common import console, print_json, print_listing
from sciglm.config import click_options, from_values
from sciglm.errors import SciglmError


def _mirrors(data_dir: str | None) -> list[tuple[str, Path]]:
    """The folders to look in, in order: ``--data-dir`` / ``$SCIGLM_DATA``, then the cache."""
    from sciglm.catalog.data import data_dir_from_env
    from sciglm.data.hub import cache_root

    found = []
    user = Path(data_dir) if data_dir else data_dir_from_env()
    if user is not None:
        found.append(("mirror", user))
    found.append(("cache", cache_root()))
    return found


def _status(source, data_dir: str | None) -> dict:  # type: ignore[no-untyped-def]
    from sciglm.data.hub import count_rows, read_manifest, state

    for kind, root in _mirrors(data_dir):
        where = state(source, root)
        if where == "complete" or (where == "files" and kind == "mirror"):
            manifest = read_manifest(source, root)
            rows = ({s: i["rows"] for s, i in manifest["splits"].items()} if manifest else
                    {s: count_rows(root / rel) for s, rel in source.splits.items()})
            return {"cached": kind, "where": str(root), "rows": rows}
        if where == "partial":
            rows = {s: count_rows(root / rel) for s, rel in source.splits.items()
                    if (root / rel).is_file()}
            return {"cached": f"{kind} (some splits)" if kind == "mirror" else "partial",
                    "where": str(root), "rows": rows}
    return {"cached": "no", "where": None, "rows": {}}


def _rows_text(rows: dict[str, int], expected: dict[str, int]) -> str:
    if rows:
        return ", ".join(f"{s} {n}" for s, n in rows.items())
    return ", ".join(f"{s} ~{n}" for s, n in expected.items()) or "?"


@click.group()
def data() -> None:
    """The public data sets: where they come from, and local mirrors of them.

    \b
    A set is read from --data-dir / $SCIGLM_DATA (a mirror folder) when it is there, else
    from the cache ($HF_HOME/sciglm/data), else downloaded into the cache. Offline
    (HF_HUB_OFFLINE=1 / HF_DATASETS_OFFLINE=1) nothing is downloaded.
    $SCIGLM_HUB_DIR names local copies of the upstream repositories (DIR/openai/gsm8k
    laid out as on the Hub, DIR/github.com/OWNER/REPO/PATH) to use instead of the network.

    \b
    Examples:
      sciglm data list
      sciglm data info sciinstruct
      sciglm data pull gsm8k math500
      sciglm data pull --all --to /data/sciglm-mirror   # then SCIGLM_DATA=/data/sciglm-mirror
    """


@data.command("list")
@click_options(DataListConfig)
def list_cmd(**values: Any) -> None:
    """Every set: name, upstream (Hub id), licence, cached or not, rows.

    \b
    Example:
      sciglm data list --json
    """
    from sciglm.catalog.data import CATALOG

    config = from_values(DataListConfig, values)
    entries = []
    for source in CATALOG.values():
        status = _status(source, config.data_dir)
        entries.append({"name": source.name, "upstream": source.origin,
                        "revision": source.revision, "licence": source.licence,
                        "cached": status["cached"], "where": status["where"],
                        "rows": status["rows"] or None, "expected_rows": source.rows})
    if config.as_json:
        print_json(entries)
        return
    print_listing("data sets", ["name", "upstream", "licence", "cached", "rows"],
                  [[e["name"], e["upstream"], e["licence"], e["cached"],
                    _rows_text(e["rows"] or {}, e["expected_rows"])] for e in entries])
    console.print("rows with ~ are the upstream counts (not cached here); "
                  "'sciglm data pull NAME' downloads a set")


@data.command()
@click.argument("name")
@click_options(DataInfoConfig)
def info(name: str, **values: Any) -> None:
    """Everything the catalogue knows about one set: upstream, revision, files, licence.

    \b
    Example:
      sciglm data info mmlu
    """
    from sciglm.catalog.data import get_source

    config = from_values(DataInfoConfig, values)
    source = get_source(name)
    status = _status(source, config.data_dir)
    entry = {
        "name": source.name, "title": source.title, "upstream": source.origin,
        "hub_id": source.hub_id, "revision": source.revision,
        "hub_files": source.hub_files or None, "subsets": list(source.subsets) or None,
        "urls": {s: list(u) for s, u in source.urls.items()} or None,
        "splits": source.splits, "loader": source.loader, "licence": source.licence,
        "citation": source.citation, "homepage": source.homepage, "note": source.note or None,
        "cached": status["cached"], "where": status["where"], "rows": status["rows"] or None,
        "expected_rows": source.rows or None,
    }
    if config.as_json:
        print_json(entry)
        return
    rows = [[key, _show(value)] for key, value in entry.items() if value not in (None, "")]
    print_listing(source.name, ["field", "value"], rows)


def _show(value: object) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_show(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


@data.command()
@click.argument("names", nargs=-1)
@click_options(DataPullConfig)
def pull(names: tuple[str, ...], **values: Any) -> None:
    """Download sets and write them as a mirror (the layout --data-dir / $SCIGLM_DATA read).

    Each set is converted completely before its files replace anything, and is marked
    complete (TO/.sciglm/NAME.json) last: a pull that breaks off never leaves a set that reads
    as complete. Sets already complete there are skipped.

    \b
    Examples:
      sciglm data pull gsm8k
      sciglm data pull --all --to mirror/ && SCIGLM_DATA=mirror/ sciglm eval ...
    """
    from sciglm.catalog.data import CATALOG, get_source
    from sciglm.data.hub import cache_root, read_manifest
    from sciglm.data.hub import pull as do_pull

    config = from_values(DataPullConfig, values)
    pull_all = config.pull_all
    if bool(names) == pull_all:
        raise SciglmError("name the sets to pull, or pass --all (not both)")
    chosen = list(CATALOG.values()) if pull_all else [get_source(n) for n in names]
    root = Path(config.to) if config.to else cache_root()
    done: list[dict] = []
    skipped: list[str] = []
    failed: list[str] = []
    for source in chosen:
        if pull_all and source.origin == "none":
            skipped.append(f"{source.name} (no automatic download)")
            continue
        manifest = read_manifest(source, root)
        if manifest is None:
            try:
                manifest = do_pull(source, root, progress=lambda line: console.print(line))
            except SciglmError as exc:
                if len(chosen) == 1:
                    raise
                failed.append(str(exc))
                console.print(f"[red]failed:[/] {exc}")
                continue
        done.append({"name": source.name, "rows": {s: i["rows"] for s, i in
                                                   manifest["splits"].items()}})
    if config.as_json:
        print_json({"mirror": str(root), "pulled": done, "skipped": skipped, "failed": failed})
    else:
        for entry in done:
            counts = ", ".join(f"{s} {n}" for s, n in entry["rows"].items())
            console.print(f"{entry['name']}: {counts}")
        for line in skipped:
            console.print(f"[yellow]skipped:[/] {line}")
        console.print(f"mirror: {root}")
    if failed:
        names = ", ".join(line.split(":", 1)[0] for line in failed)
        raise SciglmError(f"{len(failed)} of {len(chosen)} set(s) not pulled ({names}); the "
                          f"others are complete in {root}")
