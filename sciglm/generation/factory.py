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
    """An endpoint model when ``base_url`` is given, else a local model.

    ``model`` ``None``/``"embedded"`` is the embedded SmolLM2; otherwise a catalogue name, a Hub
    id or a local folder, resolved by :func:`sciglm.models.resolve.resolve_model` (original
    ChatGLM checkpoints are converted once on first use).
    """
    if base_url:
        if not model:
            raise SciglmError("--base-url needs --model NAME (the model name the endpoint serves)")
        from sciglm.generation.endpoint import EndpointModel

        key = api_key or os.environ.get("OPENAI_API_KEY") or "EMPTY"
        return EndpointModel(base_url, model, key, concurrency=concurrency)
    from sciglm.catalog.models import EMBEDDED_NAMES
    from sciglm.models.layout import read_model_type
    from sciglm.models.resolve import resolve_model

    path = Path(resolve_model(model))
    if read_model_type(path) == "chatglm":
        raise SciglmError(
            f"{path} is an original ChatGLM checkpoint (remote code) and conversion is off "
            "(--no-convert): drop --no-convert to convert it once into the cache")
    from sciglm.generation.local import LocalModel

    # A name (Hub id, catalogue name) labels results better than its cache folder's key.
    named = model and model not in EMBEDDED_NAMES and not Path(model).expanduser().exists()
    label = model if named else None
    return LocalModel(path, batch_size=batch_size, label=label)
