"""Finding, sizing and loading the model to fine-tune, with clear errors for the usual mistakes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sciglm.errors import SciglmError
from sciglm.models.layout import read_model_type
from sciglm.models.resolve import resolve_model


def load_config(name_or_path: str, trust_remote_code: bool = False) -> tuple[str, Any]:
    """(local model folder, transformers config) for a name, Hub id or folder.

    Names and Hub ids are fetched and original ChatGLM checkpoints converted once (see
    :func:`sciglm.models.resolve.resolve_model`); with ``trust_remote_code`` they are used as
    they are. A failure names what to do instead.
    """
    from transformers import AutoConfig

    resolved = resolve_model(name_or_path, convert=False if trust_remote_code else None)
    if read_model_type(Path(resolved)) == "chatglm" and not trust_remote_code:
        raise SciglmError(
            f"{resolved} is an original ChatGLM checkpoint (remote code, breaks on transformers >= "
            "4.45) and conversion is off (--no-convert): drop --no-convert to convert it once "
            "into the cache, or pass --trust-remote-code with an old transformers")
    try:
        config = AutoConfig.from_pretrained(resolved, trust_remote_code=trust_remote_code)
    except (OSError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SciglmError(f"model {name_or_path!r}: {resolved} is not a model folder transformers "
                          f"can read ({first}); pass a local Hugging Face folder with --model "
                          "PATH, or --model embedded") from exc
    return resolved, config


def count_parameters(config: Any, trust_remote_code: bool = False) -> int:
    """Parameters of a model built from ``config`` on the meta device (no memory used)."""
    import torch
    from transformers import AutoModelForCausalLM

    with torch.device("meta"):
        model = AutoModelForCausalLM.from_config(config, trust_remote_code=trust_remote_code)
    return sum(p.numel() for p in model.parameters())


def load_tokenizer(path: str, trust_remote_code: bool = False) -> Any:
    """The model's tokenizer, with a pad token (EOS if it has none)."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(path, trust_remote_code=trust_remote_code)
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    if tokenizer.eos_token_id is None:
        raise SciglmError(f"{path}: the tokenizer has no EOS token; the model cannot learn to stop")
    return tokenizer


def load_model(path: str, attn_implementation: str, trust_remote_code: bool = False) -> Any:
    """The model in fp32 (the trainer/DeepSpeed casts for mixed precision), cache turned off.

    ``use_cache=False`` matters: with a cache, transformers skips the packed-sequence
    detection that keeps packed examples from attending to each other.
    """
    import torch
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(
        path, dtype=torch.float32, attn_implementation=attn_implementation,
        trust_remote_code=trust_remote_code)
    model.config.use_cache = False
    return model
