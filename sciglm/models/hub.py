"""Fetching a model's files from the Hugging Face Hub with ``huggingface_hub.snapshot_download``
(which honours ``HF_ENDPOINT`` and token settings), into the ordinary Hub cache
(``$HF_HUB_CACHE``, else ``$HF_HOME/hub``). ``HF_HUB_OFFLINE=1`` reads the cache only.

Only the files a model needs are fetched: configs, tokenizer, remote code, and ONE weight layout
at the top of the repository (safetensors if there are any, else ``pytorch_model*.bin``); never
sub-folders such as a DeepSpeed ``global_step*/`` with its optimizer states (tens of GB).
"""

from __future__ import annotations

import os
from pathlib import Path

from sciglm.errors import SciglmError

META_PATTERNS = ["*.json", "*.model", "*.py", "*.txt", "*.md", "*.tiktoken", "latest",
                 "*LICENSE*"]
WEIGHT_PATTERNS = {"safetensors": ["*.safetensors"], "bin": ["pytorch_model*.bin"]}
TOP_LEVEL_ONLY = ["*/*"]  # ignore_patterns: nothing inside sub-folders


def hub_cache_dir() -> Path:
    """The Hub cache folder, from the environment as it is now."""
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"]).expanduser()
    if os.environ.get("HF_HOME"):
        return Path(os.environ["HF_HOME"]).expanduser() / "hub"
    from huggingface_hub import constants

    return Path(constants.HF_HUB_CACHE)


def offline() -> bool:
    """``HF_HUB_OFFLINE`` (or ``TRANSFORMERS_OFFLINE``) set to a true value, now or when
    huggingface_hub was imported."""
    from huggingface_hub import constants

    value = os.environ.get("HF_HUB_OFFLINE") or os.environ.get("TRANSFORMERS_OFFLINE") or ""
    return value.strip().lower() in ("1", "true", "yes", "on") or bool(constants.HF_HUB_OFFLINE)


def download_hint(repo_id: str, revision: str) -> str:
    return (f"`hf download {repo_id} --revision {revision} --exclude '*/*'` "
            "(with network), or pass a local folder (--model embedded for a smoke run)")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _choose_weights(repo_id: str, revision: str) -> str:
    """Which weight layout to fetch, from the repository's file list (online)."""
    from huggingface_hub import HfApi

    files = HfApi().list_repo_files(repo_id, revision=revision)
    top = [f for f in files if "/" not in f]
    for kind in ("safetensors", "bin"):
        suffix = ".safetensors" if kind == "safetensors" else ".bin"
        if any(f.endswith(suffix) and (kind == "safetensors" or f.startswith("pytorch_model"))
               for f in top):
            return kind
    nested = sorted({f.split("/", 1)[0] for f in files if f.startswith("global_step")})
    if nested:
        raise SciglmError(
            f"{repo_id}@{revision}: no *.safetensors or pytorch_model*.bin at the top of the "
            f"repository, only a DeepSpeed checkpoint {nested[-1]}/; consolidate it with "
            "DeepSpeed's zero_to_fp32.py and pass --model OUT, or pick a revision with weights")
    raise SciglmError(f"{repo_id}@{revision}: the repository holds no *.safetensors or "
                      "pytorch_model*.bin weights")


def network_errors() -> tuple[type[BaseException], ...]:
    """What huggingface_hub raises when the Hub cannot be reached (its HTTP library's base
    error, whichever library that is, and OS-level connection errors)."""
    from huggingface_hub import errors

    base = getattr(errors, "HTTPError", None)
    return (OSError, base) if isinstance(base, type) else (OSError,)


def fetch(repo_id: str, revision: str) -> Path:
    """The local snapshot folder of ``repo_id`` at ``revision``, downloaded if needed."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import (
        LocalEntryNotFoundError,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    try:  # huggingface_hub >= 1.x tells a partial snapshot apart
        from huggingface_hub.errors import IncompleteSnapshotError
    except ImportError:  # pragma: no cover - older huggingface_hub
        IncompleteSnapshotError = LocalEntryNotFoundError  # noqa: N806

    cache = hub_cache_dir()
    common = dict(repo_id=repo_id, revision=revision, cache_dir=str(cache),
                  ignore_patterns=TOP_LEVEL_ONLY)
    kinds = ["safetensors", "bin"]
    if not offline():
        try:
            kinds = [_choose_weights(repo_id, revision)]
        except (RepositoryNotFoundError, RevisionNotFoundError) as exc:
            raise SciglmError(f"{repo_id}@{revision}: not on the Hub ({_first_line(exc)})") from exc
        except network_errors():  # no network, Hub down: fall back to the cache below
            kinds = ["safetensors", "bin"]
        else:
            try:
                return Path(snapshot_download(
                    **common, allow_patterns=META_PATTERNS + WEIGHT_PATTERNS[kinds[0]]))
            except Exception as exc:  # noqa: BLE001 - any failure is one line; files kept
                raise SciglmError(
                    f"{repo_id}@{revision}: download into {cache} failed ({_first_line(exc)}); "
                    "run the command again to resume it") from exc
    last: Exception | None = None
    for kind in kinds:
        try:
            return Path(snapshot_download(**common, local_files_only=True,
                                          allow_patterns=META_PATTERNS + WEIGHT_PATTERNS[kind]))
        except IncompleteSnapshotError as exc:
            last = exc
        except LocalEntryNotFoundError as exc:
            last = exc
            break
    why = "HF_HUB_OFFLINE is set" if offline() else "the Hub cannot be reached"
    state = "incomplete" if isinstance(last, IncompleteSnapshotError) else "not"
    raise SciglmError(f"{repo_id}@{revision} is {state} in the Hugging Face cache {cache} and "
                      f"{why}: download it with {download_hint(repo_id, revision)}")
