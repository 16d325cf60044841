"""``resolve_model``: the one place that turns ``--model`` into a local folder transformers can
load natively. Every command (train, eval, chat, classifier, teacher serve) goes through it.

``--model`` may be ``embedded`` (the default SmolLM2), a catalogue name (``sciglm-6b``), a Hub id
(``THUDM/chatglm3-6b-base``, pinned by the catalogue; ``ID@REVISION`` picks a revision), or a
local folder. An original ChatGLM2/3 checkpoint (remote code) is converted to transformers'
``GlmForCausalLM`` once, on first use, into the conversion cache (:mod:`sciglm.models.cache`);
later uses are instant. ``SCIGLM_NO_CONVERT=1`` (``sciglm --no-convert …``) turns that off.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from pathlib import Path

from sciglm.catalog.models import CATALOG, EMBEDDED_NAMES, find_model
from sciglm.errors import SciglmError
from sciglm.models import cache, hub
from sciglm.models.config import NO_CONVERT_ENV
from sciglm.models.layout import Layout, inspect, require_weights

_HUB_ID = re.compile(r"[A-Za-z0-9][\w.-]*/[\w.-]+")


def convert_enabled() -> bool:
    """False when ``$SCIGLM_NO_CONVERT`` is set to a true value."""
    return os.environ.get(NO_CONVERT_ENV, "").strip().lower() not in ("1", "true", "yes", "on")


def split_revision(name: str) -> tuple[str, str | None]:
    """``"org/name@rev"`` → ``("org/name", "rev")``; no ``@`` → revision ``None``."""
    base, sep, revision = name.partition("@")
    return base, (revision or None) if sep else None


def _local_key(layout: Layout) -> str:
    """A key for a local folder: its path and its weight files' sizes and times."""
    digest = hashlib.sha256(str(layout.folder.resolve()).encode())
    for path in [*layout.files, layout.folder / "config.json", layout.folder / "tokenizer.model"]:
        if path.exists():
            stat = path.stat()
            digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    safe = re.sub(r"[^\w.-]", "_", layout.folder.resolve().name)[:40]
    return f"local--{safe}--{digest.hexdigest()[:12]}"


def _convert(layout: Layout, source: str, revision: str, key: str) -> Path:
    """The converted entry for ``layout`` (converting now, under the cache lock, if needed)."""
    version = cache.converter_version()
    key = f"{key}--c{version}"
    entry = cache.root() / key
    if cache.is_complete(entry):
        return entry

    def build(tmp: Path) -> None:
        from sciglm.train import convert_chatglm3

        cache.say(f"converting {source}@{revision[:12]} (original ChatGLM) to native "
                  f"GlmForCausalLM once, into {entry}; later uses are instant")
        start = time.monotonic()
        with _Spinner(f"converting {source}"):
            convert_chatglm3.convert(layout.folder, tmp)
        cache.say(f"converted {source} in {time.monotonic() - start:.1f} s")

    meta = {"source": source, "revision": revision, "converter_version": version,
            "source_folder": str(layout.folder), "weights": layout.weights}
    return cache.ensure(key, meta, build)


class _Spinner:
    """A rich spinner with elapsed time on a terminal; nothing when piped."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.status = None

    def __enter__(self) -> _Spinner:
        from rich.console import Console

        console = Console(stderr=True)
        if console.is_terminal:
            self.status = console.status(f"{self.text}…")
            self.status.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.status is not None:
            self.status.__exit__(*exc)


def _hub_folder(name: str) -> tuple[Path, str, str]:
    """(snapshot folder, repo id, commit) of a catalogue name or Hub id."""
    base, revision = split_revision(name)
    source = find_model(base)
    repo_id = source.hub_id if source else base
    revision = revision or (source.revision if source else "main")
    folder = hub.fetch(repo_id, revision)
    return folder, repo_id, folder.name


def resolve_model(name_or_path: str | None, *, convert: bool | None = None) -> str:
    """A local folder transformers can load natively for ``name_or_path``.

    ``convert`` ``None`` follows ``$SCIGLM_NO_CONVERT``; ``False`` returns an original ChatGLM
    folder unconverted (the caller then needs remote code). Errors are one line naming what is
    missing and what to pass instead.
    """
    name = (name_or_path or "").strip()
    if name in ("", *EMBEDDED_NAMES):
        from sciglm.models.embedded import embedded_model_dir

        return str(embedded_model_dir())
    convert = convert_enabled() if convert is None else convert
    path = Path(name).expanduser()
    if path.exists():
        if not path.is_dir():
            raise SciglmError(f"--model {name}: a file, not a model folder")
        layout = inspect(path)
        source, revision, key = str(path.resolve()), "local", _local_key(layout)
    elif find_model(split_revision(name)[0]) or _HUB_ID.fullmatch(split_revision(name)[0]):
        try:
            folder, repo_id, commit = _hub_folder(name)
        except SciglmError as exc:
            if find_model(split_revision(name)[0]):
                raise
            raise SciglmError(f"--model {name}: no such local folder; as a Hub id: {exc}") from exc
        layout = inspect(folder)
        source, revision = repo_id, commit
        key = f"{repo_id.replace('/', '--')}--{commit[:12]}"
    else:
        known = ", ".join(sorted(CATALOG))
        raise SciglmError(f"--model {name}: no such folder, and not a Hub id ORG/NAME or a "
                          f"catalogue name ({known}, embedded)")
    require_weights(layout, f"--model {name}")
    if not layout.is_chatglm or not convert:
        return str(layout.folder)
    return str(_convert(layout, source, revision, key))

