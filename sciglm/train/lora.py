"""LoRA (peft) for ``sciglm train --lora R`` and ``sciglm rl --lora R``: the config, and saving
the adapter beside a merged plain HF folder (what ``sciglm eval --model RUN/final`` loads)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def lora_config(rank: int) -> Any:
    """Rank ``rank`` on every linear layer, alpha ``2 * rank``."""
    from peft import LoraConfig

    return LoraConfig(r=rank, lora_alpha=2 * rank, target_modules="all-linear",
                      task_type="CAUSAL_LM")


def apply_lora(model: Any, rank: int) -> Any:
    """``model`` with trainable LoRA adapters; its own weights frozen."""
    from peft import get_peft_model

    return get_peft_model(model, lora_config(rank))


def save_merged(model: Any, final: Path, adapter: Path) -> None:
    """The adapter alone in ``adapter``; the model with the adapter merged in ``final``."""
    model.save_pretrained(adapter)
    model.merge_and_unload().save_pretrained(final)
