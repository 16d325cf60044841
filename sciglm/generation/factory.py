"""Pick the backend from the command line's ``--model`` / ``--base-url``."""

from __future__ import annotations

import os
from pathlib import Path

from sciglm.errors import SciglmError
from sciglm.generation.base import ChatModel


def load_model(
    model: str | None,
    base_url: str | None = None,
    api_key: str | None = None,
    concurrency: int = 8,
    batch_size: int = 8,
) -> ChatModel:
    """An endpoint model when ``base_url`` is given, else a local Hugging Face folder.

    ``model`` ``None``/``"embedded"`` is the embedded SmolLM2; any other local value must be a
    folder with a ``config.json`` (a trainer's ``OUTPUT/final``, a converted checkpoint).
    """
    if base_url:
        if not model:
            raise SciglmError("--base-url needs --model NAME (the model name the endpoint serves)")
        from sciglm.generation.endpoint import EndpointModel

        key = api_key or os.environ.get("OPENAI_API_KEY") or "EMPTY"
        return EndpointModel(base_url, model, key, concurrency=concurrency)
    from sciglm.models.embedded import resolve_model

    path = Path(resolve_model(model))
    if not path.is_dir():
        raise SciglmError(
            f"--model {model}: no such folder (give a local Hugging Face folder, 'embedded', "
            "or --base-url URL for an OpenAI-compatible endpoint)"
        )
    if not (path / "config.json").exists():
        raise SciglmError(f"{path}: not a Hugging Face model folder (no config.json)")
    from sciglm.generation.local import LocalModel

    return LocalModel(path, batch_size=batch_size)
