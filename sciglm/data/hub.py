"""Download the public sets through ``datasets`` (or pinned GitHub files) into the mirror layout.

A *mirror* is a folder in the layout the loaders read (``gsm8k/test.jsonl`` …); sciglm's cache
is one at ``$HF_HOME/sciglm/data``, and ``sciglm data pull --to DIR`` writes another. A pull
writes every split to a hidden temporary file, moves them into place only when all were
converted, and records the set in ``.sciglm/NAME.json`` last: a set is *complete* in a mirror
only when that manifest is there, so a pull that breaks off never reads as complete.

Hub sets load with ``datasets.load_dataset_builder`` (so ``HF_HOME``, ``HF_DATASETS_OFFLINE``,
``HF_HUB_OFFLINE`` and ``HF_ENDPOINT`` apply as usual). ``$SCIGLM_HUB_DIR`` names a folder of
local copies of the upstream repositories (``DIR/openai/gsm8k/…`` laid out as on the Hub,
``DIR/github.com/OWNER/REPO/PATH`` for GitHub files), used instead of the network.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sciglm.answers.extract import last_boxed
from sciglm.catalog.data import CEVAL_HARD, DataSource, get_source
from sciglm.errors import InputError, SciglmError

HUB_DIR_ENV = "SCIGLM_HUB_DIR"
MANIFEST_DIR = ".sciglm"
_TRUE = {"1", "true", "yes", "on"}
Row = dict[str, Any]


def cache_root() -> Path:
    """sciglm's mirror of downloaded sets: ``$HF_HOME/sciglm/data``."""
    home = os.environ.get("HF_HOME") or Path.home() / ".cache" / "huggingface"
    return Path(home).expanduser() / "sciglm" / "data"


def hub_dir() -> Path | None:
    """``$SCIGLM_HUB_DIR``: local copies of the upstream repositories, if set."""
    value = os.environ.get(HUB_DIR_ENV)
    return Path(value).expanduser() if value else None


def is_offline() -> bool:
    """Whether ``HF_HUB_OFFLINE`` or ``HF_DATASETS_OFFLINE`` forbids the network."""
    return any(os.environ.get(k, "").lower() in _TRUE
               for k in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE"))


def manifest_path(source: DataSource, root: Path) -> Path:
    return root / MANIFEST_DIR / f"{source.name}.json"


def _written_manifest(source: DataSource, root: Path) -> Path:
    """The manifest to read: under the set's name, else under an old name of it (a pull made
    before the set was renamed, e.g. ``mmlu`` → ``mmlu-stem``)."""
    from sciglm.catalog.names import old_names

    path = manifest_path(source, root)
    older = [root / MANIFEST_DIR / f"{old}.json" for old in old_names(source.name)]
    return next((p for p in older if p.is_file()), path) if not path.is_file() else path


def read_manifest(source: DataSource, root: Path) -> dict[str, Any] | None:
    """The manifest of a complete pull of ``source`` into ``root``, if every file is there."""
    path = _written_manifest(source, root)
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    files = manifest.get("splits", {}) if isinstance(manifest, dict) else {}
    if set(files) != set(source.splits):
        return None
    for split, info in files.items():
        target = root / source.splits[split]
        if not target.is_file() or target.stat().st_size != info.get("bytes"):
            return None
    return manifest


def state(source: DataSource, root: Path) -> str:
    """``complete`` (pulled, manifest present), ``files`` (the files alone, e.g. a hand-made
    mirror), ``partial`` (some files) or ``absent``."""
    if read_manifest(source, root) is not None:
        return "complete"
    present = [(root / rel).is_file() for rel in source.splits.values()]
    if all(present):
        return "files"
    return "partial" if any(present) else "absent"


def not_available(source: DataSource, looked_in: Path | None = None) -> SciglmError:
    """The one-line error for a set that is neither in a mirror (``looked_in``: the file
    looked for there) nor fetchable now."""
    where = f"{looked_in} not found, nor cached" if looked_in else "not cached"
    if source.origin == "none":
        return SciglmError(f"{source.name}: {where}, and it has no automatic download: "
                           f"{source.note}")
    return SciglmError(f"{source.name}: {where} (upstream {source.origin}); "
                       f"{offline_fix(source)}")


def offline_fix(source: DataSource) -> str:
    """Why nothing can be downloaded here and what to do instead (never "run the command you
    just ran": ``sciglm data pull`` itself fails with this)."""
    mirror = (f"on a machine with network run 'sciglm data pull {source.name} --to DIR', copy "
              "DIR here and point --data-dir / $SCIGLM_DATA at it")
    if is_offline():
        return f"offline mode is on (HF_HUB_OFFLINE / HF_DATASETS_OFFLINE): unset it, or {mirror}"
    return f"no network: {mirror}"


def cached_file(source: DataSource, split: str, download: bool = True,
                looked_in: Path | None = None) -> Path:
    """``split`` of ``source`` from the cache, pulled into it first when needed and allowed."""
    root = cache_root()
    relative = source.splits[split]
    if read_manifest(source, root) is not None:
        return root / relative
    if not download or not can_fetch(source):
        raise not_available(source, looked_in / relative if looked_in else None)
    pull(source, root)
    return root / relative


def can_fetch(source: DataSource) -> bool:
    """Whether a pull can work now: there is an origin, and network or local copies."""
    return source.origin != "none" and (not is_offline() or hub_dir() is not None)


# --- reading upstream rows ---------------------------------------------------------------


def _is_file(part: str) -> bool:
    return Path(part).suffix.lower() in (".json", ".jsonl", ".parquet", ".csv")


def _repo(source: DataSource) -> tuple[str, str | None]:
    """The ``path`` and ``revision`` for ``datasets``: a local copy when there is one."""
    local = hub_dir()
    if local is not None and source.hub_id and (local / source.hub_id).is_dir():
        return str(local / source.hub_id), None
    return str(source.hub_id), source.revision


def _download_error(source: DataSource, what: str, exc: BaseException) -> SciglmError:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if is_offline() or isinstance(exc, ConnectionError):
        return SciglmError(f"{source.name}: cannot fetch {what} ({first}); "
                           f"{offline_fix(source)}")
    return SciglmError(f"{source.name}: download of {what} failed: {first}")


def _hub_rows(source: DataSource, spec: str, resolved: dict[str, str]) -> Iterator[
        tuple[str, int, str | None, Row]]:
    """``(where, row number, subset, row)`` of one ``hub_files`` entry, subset by subset."""
    import datasets

    datasets.disable_progress_bars()
    path, revision = _repo(source)
    for subset in source.subsets if "{subset}" in spec else (None,):
        part = spec.format(subset=subset) if subset else spec
        kwargs: dict[str, Any] = {}
        if _is_file(part):
            config, split, kwargs["data_files"] = None, "train", {"train": part}
        else:
            config, _, split = part.partition("/")
            config = None if config in ("", "default") else config
        what = f"{source.hub_id}@{(revision or 'main')[:12]} {part}"
        try:
            builder, table = _prepare(path, config, split, revision, kwargs)
        except Exception as exc:  # noqa: BLE001 - datasets/hub raise many kinds
            if "script" not in str(exc).lower() or Path(path).is_dir():
                raise _download_error(source, what, exc) from exc
            # a repository that still ships a loading script (unsupported since datasets 4):
            # read the Hub's own Parquet conversion of the same data instead
            try:
                builder, table = _prepare(path, config, split, PARQUET_REVISION, kwargs)
            except Exception as again:  # noqa: BLE001
                raise _download_error(source, what, again) from again
        for name, feature in table.features.items():
            if isinstance(feature, datasets.Image):
                table = table.cast_column(name, datasets.Image(decode=False))
        files = (builder.config.data_files or {}).get(split) or []
        if len(files) == 1:
            what = f"{source.hub_id}@{(revision or 'main')[:12]}:{_tail(str(files[0]), path)}"
        resolved[part] = str(getattr(builder, "hash", "") or "")
        for number, row in enumerate(table, start=1):
            yield what, number, subset, dict(row)


#: The branch where the Hub keeps a Parquet conversion of every public dataset.
PARQUET_REVISION = "refs/convert/parquet"


def _prepare(path: str, config: str | None, split: str, revision: str | None,
             kwargs: dict[str, Any]) -> tuple[Any, Any]:
    """Download and prepare one config through ``datasets``; the builder and the split."""
    import datasets

    builder = datasets.load_dataset_builder(path, name=config, revision=revision,
                                            cache_dir=_datasets_cache(), **kwargs)
    builder.download_and_prepare()
    return builder, builder.as_dataset(split=split)


def _datasets_cache() -> str:
    """``$HF_DATASETS_CACHE``, else ``$HF_HOME/datasets``, read now (not at import time)."""
    if os.environ.get("HF_DATASETS_CACHE"):
        return os.environ["HF_DATASETS_CACHE"]
    return str(cache_root().parents[1] / "datasets")


def _tail(file: str, root: str) -> str:
    file = file.split("::")[0]
    if file.startswith(root):
        return file[len(root):].lstrip("/")
    return file.rsplit("@", 1)[-1].split("/", 1)[-1] if "@" in file else Path(file).name


def _local_copy(url: str) -> Path | None:
    local = hub_dir()
    parts = url.split("/")
    if local is None or "raw.githubusercontent.com" not in url or len(parts) < 7:
        return None
    candidate = local / "github.com" / parts[3] / parts[4] / "/".join(parts[6:])
    return candidate if candidate.is_file() else None


def fetch_url(source: DataSource, url: str, timeout: float = 60.0) -> Path:
    """A pinned upstream file: a local copy, else the download cache, else downloaded into it
    (to a temporary name first, so a broken download leaves nothing that looks complete)."""
    local = _local_copy(url)
    if local is not None:
        return local
    target = cache_root().parent / "downloads" / (
        hashlib.sha256(url.encode()).hexdigest()[:16] + "-" + url.rsplit("/", 1)[-1])
    if target.is_file():
        return target
    if is_offline():
        raise _download_error(source, url, ConnectionError("offline mode is on"))
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        request = urllib.request.Request(url, headers={"User-Agent": "sciglm"})
        with urllib.request.urlopen(request, timeout=timeout) as response, \
                open(partial, "wb") as handle:
            while chunk := response.read(1 << 20):
                handle.write(chunk)
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise _download_error(source, url, exc) from exc
    return target


def read_json_records(path: Path, where: str | None = None) -> list[Row]:
    """Records of a ``.json``/``.jsonl`` file that is a JSON array, JSON lines, or an object
    with an ``example`` list (GAOKAO-Bench; its ``keywords`` go into each record)."""
    from sciglm.io.text import read_text

    where = where or str(path)
    text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return _json_lines(text, where)
    if isinstance(data, dict) and isinstance(data.get("example"), list):
        return [{**row, "keywords": row.get("keywords", data.get("keywords"))}
                for row in data["example"] if isinstance(row, dict)]
    if isinstance(data, dict):
        return [data]
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise InputError("expected a JSON array of objects", where)
    return data


def _json_lines(text: str, where: str) -> list[Row]:
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"neither a JSON array nor JSON lines ({exc.msg})", where,
                             number) from exc
        if not isinstance(row, dict):
            raise InputError("expected a JSON object per line", where, number)
        rows.append(row)
    return rows


def _url_rows(source: DataSource, split: str) -> Iterator[tuple[str, int, str | None, Row]]:
    for url in source.urls[split]:
        path = fetch_url(source, url)
        where = "/".join(url.split("/")[3:5]) + "@" + url.split("/")[5][:12] + ":" + \
            "/".join(url.split("/")[6:]) if "githubusercontent" in url else url
        for number, row in enumerate(read_json_records(path, where), start=1):
            yield where, number, None, row


def upstream_rows(source: DataSource, split: str, resolved: dict[str, str] | None = None
                  ) -> Iterator[Row]:
    """Mirror rows of ``split``, converted from upstream by the source's adapter."""
    resolved = {} if resolved is None else resolved
    spec = source.hub_files.get(split, "")
    if ":" in spec and not _is_file(spec):
        other, _, other_split = spec.partition(":")
        yield from upstream_rows(get_source(other), other_split, resolved)
        return
    if split in source.urls:
        rows = _url_rows(source, split)
    elif source.hub_id:
        rows = _hub_rows(source, spec or f"default/{split}", resolved)
    else:
        raise not_available(source)
    adapter = ADAPTERS[source.adapter]
    for where, number, subset, row in rows:
        yield adapter(source, row, where, number, subset)


# --- the mirror ---------------------------------------------------------------------------


def _json_default(value: Any) -> Any:
    if isinstance(value, bytes):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def pull(source: DataSource, root: Path, progress: Callable[[str], None] | None = None
         ) -> dict[str, Any]:
    """Download ``source`` and write it into the mirror ``root``; returns the manifest.

    Every split is converted to a hidden temporary file first; only when all are written are
    they moved into place, then the manifest is written. An interruption leaves the old files
    (or none) and no manifest, so the set never reads as complete.
    """
    if not can_fetch(source):
        raise not_available(source)
    manifest_file = manifest_path(source, root)
    manifest_file.unlink(missing_ok=True)
    staged: list[tuple[Path, Path]] = []
    splits: dict[str, Any] = {}
    resolved: dict[str, str] = {}
    try:
        for split, relative in source.splits.items():
            if progress:
                progress(f"{source.name}: {split} → {root / relative}")
            target = root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.partial-{os.getpid()}")
            staged.append((temporary, target))
            digest, count = hashlib.sha256(), 0
            with open(temporary, "w", encoding="utf-8") as handle:
                for row in upstream_rows(source, split, resolved):
                    line = json.dumps(row, ensure_ascii=False, default=_json_default) + "\n"
                    handle.write(line)
                    digest.update(line.encode("utf-8"))
                    count += 1
            if count == 0:
                raise SciglmError(f"{source.name}: split {split!r} came back empty from "
                                  f"{source.origin}")
            splits[split] = {"file": relative, "rows": count, "sha256": digest.hexdigest(),
                             "bytes": temporary.stat().st_size}
        for temporary, target in staged:
            os.replace(temporary, target)
    finally:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
    manifest = {
        "name": source.name, "origin": source.origin, "hub_id": source.hub_id,
        "revision": source.revision, "resolved": resolved or None,
        "local_copy": str(hub_dir()) if hub_dir() else None, "licence": source.licence,
        "pulled_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "splits": splits,
    }
    manifest_file.parent.mkdir(parents=True, exist_ok=True)
    temporary = manifest_file.with_name(f".{manifest_file.name}.partial-{os.getpid()}")
    temporary.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    os.replace(temporary, manifest_file)
    return manifest


def count_rows(path: Path) -> int:
    """Non-blank lines of a mirror file (one record each)."""
    with open(path, "rb") as handle:
        return sum(1 for line in handle if line.strip())


# --- adapters: upstream row → mirror row ----------------------------------------------------


def _need(row: Row, fields: tuple[str, ...], where: str, number: int) -> None:
    for name in fields:
        if name not in row or row[name] is None:
            raise InputError(f"row {number}: missing field {name!r}", where)


#: Fields a mirror row must have, for sets whose rows are taken as they are.
REQUIRED: dict[str, tuple[str, ...]] = {
    "gsm8k": ("question", "answer"), "math500": ("problem", "solution", "answer"),
    "scieval": ("question", "answer", "category"),
    "sat-math": ("question", "options", "label"),
    "aqua": ("question", "options", "label")}
SCIBENCH_SUBJECTS = {"atkins": "chemistry", "chemmc": "chemistry", "matter": "chemistry",
                     "quan": "chemistry", "fund": "physics", "class": "physics",
                     "thermo": "physics", "calculus": "math", "diff": "math", "stat": "math"}


def _identity(source: DataSource, row: Row, where: str, number: int, _: str | None) -> Row:
    _need(row, REQUIRED.get(source.name, ()), where, number)
    return row


def _math(source: DataSource, row: Row, where: str, number: int, _: str | None) -> Row:
    _need(row, ("problem", "solution"), where, number)
    answer = row.get("answer") or last_boxed(str(row["solution"]))
    if answer is None:
        raise InputError(f"row {number}: no field 'answer' and no \\boxed{{}} in 'solution'",
                         where)
    return {**row, "answer": answer}


def _scibench(source: DataSource, row: Row, where: str, number: int, _: str | None) -> Row:
    _need(row, ("problem_text", "answer_number", "source"), where, number)
    textbook = str(row["source"]).strip()
    if textbook not in SCIBENCH_SUBJECTS:
        raise InputError(f"row {number}: unknown SciBench textbook {textbook!r} in 'source'",
                         where)
    return {**row, "textbook": textbook, "subject": SCIBENCH_SUBJECTS[textbook]}


def _theoremqa(source: DataSource, row: Row, where: str, number: int, _: str | None) -> Row:
    _need(row, ("Question", "Answer"), where, number)
    picture = row.get("Picture")
    if isinstance(picture, dict):
        picture = picture.get("path") or ("image" if picture.get("bytes") else None)
    return {**row, "Picture": picture or None}


def _ceval(source: DataSource, row: Row, where: str, number: int, subset: str | None) -> Row:
    _need(row, ("question", "A", "B", "C", "D", "answer"), where, number)
    out = {"id": row.get("id", number - 1), "subject": subset, "hard": subset in CEVAL_HARD,
           "question": row["question"], "choices": [row[k] for k in "ABCD"],
           "answer": row["answer"]}
    if row.get("explanation"):
        out["explanation"] = row["explanation"]
    return out


def _mmlu(source: DataSource, row: Row, where: str, number: int, subset: str | None) -> Row:
    _need(row, ("question", "choices", "answer"), where, number)
    answer = row["answer"]
    if isinstance(answer, int) and 0 <= answer < 4:
        answer = "ABCD"[answer]
    if answer not in ("A", "B", "C", "D"):
        raise InputError(f"row {number}: 'answer' is {row['answer']!r}, not 0-3 or A-D", where)
    return {"id": number - 1, "subject": row.get("subject") or subset,
            "question": row["question"], "choices": list(row["choices"]), "answer": answer}


def _mathematics(source: DataSource, row: Row, where: str, number: int, _: str | None) -> Row:
    _need(row, ("question", "answer"), where, number)
    return {"question": row["question"], "answer": str(row["answer"])}


def _gaokao(source: DataSource, row: Row, where: str, number: int, _: str | None) -> Row:
    _need(row, ("question", "answer", "keywords"), where, number)
    keywords = str(row["keywords"])
    if "Physics_MCQs" in keywords:
        kind = "multi_choice"
    elif "MCQs" in keywords:
        kind = "single_choice"
    elif "Fill-in-the-Blank" in keywords:
        kind = "cloze"
    else:
        kind = "subjective"
    return {**row, "type": row.get("type") or kind}


def _sciinstruct(source: DataSource, row: Row, where: str, number: int, _: str | None) -> Row:
    _need(row, ("content", "summary"), where, number)
    return row


def _quality(source: DataSource, row: Row, where: str, number: int, _: str | None) -> Row:
    _need(row, ("prompt_answer", "label"), where, number)
    return row


Adapter = Callable[[DataSource, Row, str, int, "str | None"], Row]
ADAPTERS: dict[str, Adapter] = {
    "identity": _identity, "math": _math, "scibench": _scibench, "theoremqa": _theoremqa,
    "ceval": _ceval, "mmlu": _mmlu, "mathematics": _mathematics, "gaokao": _gaokao,
    "sciinstruct": _sciinstruct, "quality": _quality}

