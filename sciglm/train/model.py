"""Finding, sizing and loading the model to fine-tune, with clear errors for the usual mistakes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sciglm.errors import SciglmError
from sciglm.models.embedded import resolve_model

CONVERT_HINT = (
    "download THUDM/chatglm3-6b-base, convert it with `sciglm convert chatglm3 SRC DST` and pass "
    "--model DST; for a smoke run use --model embedded"
)


def load_config(name_or_path: str, trust_remote_code: bool = False) -> tuple[str, Any]:
    """(resolved path or hub id, transformers config); a failure names what to do instead."""
    from transformers import AutoConfig

    resolved = resolve_model(name_or_path)
    try:
        config = AutoConfig.from_pretrained(resolved, trust_remote_code=trust_remote_code)
    except (OSError, ValueError) as exc:
        local = Path(resolved).exists()
        why = "is not a model folder" if local else "is not a local folder and cannot be downloaded"
        hint = CONVERT_HINT if "chatglm" in resolved.lower() else \
            "pass a local Hugging Face folder with --model PATH, or --model embedded"
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SciglmError(f"model {name_or_path!r} {why} ({first}); {hint}") from exc
    if config.model_type == "chatglm" and not trust_remote_code:
        raise SciglmError(
            f"{resolved} is an original ChatGLM checkpoint (remote code, breaks on transformers >= "
            "4.45): convert it with `sciglm convert chatglm3 SRC DST` and train DST, or pass "
            "--trust-remote-code with an old transformers")
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
