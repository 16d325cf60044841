"""What a model folder holds: its architecture (native or ChatGLM remote code) and which weight
layout (safetensors, sharded ``.bin``, a DeepSpeed ``global_step*`` folder) — or why it cannot
be used, said in one line."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sciglm.errors import SciglmError

INDEXES = {"safetensors": "model.safetensors.index.json", "bin": "pytorch_model.bin.index.json"}
PATTERNS = {"safetensors": "*.safetensors", "bin": "pytorch_model*.bin"}


@dataclass(frozen=True)
class Layout:
    """The parts of a model folder that decide how it is loaded."""

    folder: Path
    model_type: str | None
    #: ``safetensors`` | ``bin`` | ``None`` (no weights at the top of the folder).
    weights: str | None
    #: Weight files at the top of the folder, in name order.
    files: tuple[Path, ...]
    #: A DeepSpeed checkpoint tag (``global_step992``) found in the folder, if any.
    deepspeed_tag: str | None

    @property
    def is_chatglm(self) -> bool:
        return self.model_type == "chatglm"


def read_model_type(folder: Path) -> str | None:
    """``model_type`` of ``folder/config.json``; a one-line error if it is missing or broken."""
    path = folder / "config.json"
    if not path.is_file():
        raise SciglmError(f"{folder}: not a Hugging Face model folder (no config.json)")
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SciglmError(f"{path}: cannot read the model config ({exc})") from exc
    if not isinstance(config, dict):
        raise SciglmError(f"{path}: the model config is not a JSON object")
    kind = config.get("model_type")
    return kind if isinstance(kind, str) else None


def _deepspeed_tag(folder: Path) -> str | None:
    latest = folder / "latest"
    if latest.is_file():
        tag = latest.read_text(encoding="utf-8", errors="replace").strip()
        if tag and (folder / tag).is_dir():
            return tag
    tags = sorted(p.name for p in folder.glob("global_step*") if p.is_dir())
    return tags[-1] if tags else None


def _check_index(folder: Path, kind: str, files: list[Path]) -> None:
    """Every shard a weight index names must be present (a half-finished download is not)."""
    index = folder / INDEXES[kind]
    if not index.is_file():
        return
    try:
        names = set(json.loads(index.read_text(encoding="utf-8"))["weight_map"].values())
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SciglmError(f"{index}: not a valid weight index ({exc})") from exc
    missing = sorted(names - {f.name for f in files})
    if missing:
        raise SciglmError(f"{folder}: {len(missing)} weight shard(s) named in {index.name} are "
                          f"missing, e.g. {missing[0]} (an interrupted download? fetch it again)")


def inspect(folder: Path) -> Layout:
    """The :class:`Layout` of ``folder`` (safetensors preferred over ``.bin`` when both exist)."""
    model_type = read_model_type(folder)
    for kind in ("safetensors", "bin"):
        files = sorted(p for p in folder.glob(PATTERNS[kind]) if p.is_file())
        if files:
            _check_index(folder, kind, files)
            return Layout(folder, model_type, kind, tuple(files), _deepspeed_tag(folder))
    return Layout(folder, model_type, None, (), _deepspeed_tag(folder))


def require_weights(layout: Layout, what: str) -> None:
    """Raise a one-line error naming the missing weight layout and what to pass instead."""
    if layout.weights is not None:
        return
    folder = layout.folder
    looked = "no *.safetensors or pytorch_model*.bin at the top of the folder"
    if layout.deepspeed_tag:
        raise SciglmError(
            f"{what}: {looked}, only a DeepSpeed checkpoint {layout.deepspeed_tag}/ in {folder}; "
            f"consolidate it with DeepSpeed's `python zero_to_fp32.py {folder} OUT` and pass "
            "--model OUT, or pick a revision with weights (ID@REVISION)")
    raise SciglmError(f"{what}: {looked} ({folder}); pass a folder holding the model's weights")
