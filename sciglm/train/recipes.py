"""Named training recipes: how examples are rendered and batched, and the hyperparameters.

``sciglm`` is the original THUDM/SciGLM run (``training/main.py`` + ``training/finetune.sh``):
the ``[Round 1]\\n\\n问：…\\n\\n答：`` prompt, the first 128 prompt tokens, at most 512 response
tokens then EOS, every row padded to 641, no packing, fp16 mixed precision with gradient
checkpointing, lr 3e-6 linear, 2 epochs, 32 examples per optimizer step.

``chat`` (the default) renders the model's chat template and concatenates the examples of each
micro-batch into one row (no padding), with the same optimisation values and the same
32 examples per optimizer step, so it takes as many optimizer steps as ``sciglm``.

A recipe only supplies defaults: any option given on the command line or in ``--config`` wins.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from sciglm.errors import InputError

#: The optimisation values of the paper's run (``training/finetune.sh``), shared by both recipes.
PAPER_HYPERPARAMETERS: dict[str, Any] = {
    "learning_rate": 3e-6, "lr_scheduler": "linear", "warmup_steps": 0, "epochs": 2.0,
    "max_source_length": 128, "max_target_length": 512, "per_device_batch_size": 4,
    "global_batch_size": 32, "gradient_accumulation_steps": None, "weight_decay": 0.0,
    "max_grad_norm": 1.0, "seed": 42,
}


@dataclass(frozen=True)
class Recipe:
    """A name, a one-line description and the ``TrainConfig`` values it sets."""

    name: str
    description: str
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def prompt_format(self) -> str:
        """``"sciglm"`` or ``"chat"`` (see :mod:`sciglm.prompt_format`)."""
        return self.settings["prompt_format"]


RECIPES: dict[str, Recipe] = {
    "sciglm": Recipe(
        "sciglm",
        "the original SciGLM preprocessing and hyperparameters (pad to 641, fp16, no packing)",
        PAPER_HYPERPARAMETERS | {
            "prompt_format": "sciglm", "packing": "none", "pad_to_max_length": True,
            "precision": "auto-fp16", "gradient_checkpointing": True, "logging_steps": 20,
        },
    ),
    "chat": Recipe(
        "chat",
        "chat template, each micro-batch packed into one row, the paper's optimisation values",
        PAPER_HYPERPARAMETERS | {
            "prompt_format": "chat", "packing": "batch", "pad_to_max_length": False,
            "precision": "auto", "gradient_checkpointing": False, "logging_steps": 1,
        },
    ),
}
DEFAULT_RECIPE = "chat"


def get_recipe(name: str) -> Recipe:
    """The recipe called ``name``; an unknown name is an error that lists the known ones."""
    try:
        return RECIPES[name]
    except KeyError:
        known = ", ".join(sorted(RECIPES))
        raise InputError(f"unknown recipe {name!r} (known recipes: {known})") from None


def gradient_accumulation(global_batch: int, world_size: int, per_device: int) -> int:
    """Accumulation steps that make ``world_size × per_device × steps == global_batch``.

    Raises naming the numbers and what would work when no whole number of steps does.
    """
    per_step = world_size * per_device
    if global_batch % per_step == 0:
        return global_batch // per_step
    fits = [b for b in range(1, global_batch + 1) if global_batch % (b * world_size) == 0]
    hint = (f"use --per-device-batch-size {' or '.join(map(str, fits[-3:]))}" if fits else
            f"no per-device batch works on {world_size} processes: change --global-batch-size "
            "or the number of processes")
    raise InputError(
        f"the global batch of {global_batch} examples cannot be held by {world_size} "
        f"process(es) x {per_device} per device ({global_batch} is not a multiple of "
        f"{per_step}); {hint}, or pass --gradient-accumulation-steps to fix the accumulation "
        "instead")


def optimizer_steps(items: int, per_device: int, accumulation: int, world_size: int,
                    epochs: float, max_steps: int = -1) -> int:
    """Optimizer steps of a run, as HF Trainer counts them (each process reads
    ``ceil(items / world)`` items in micro-batches of ``per_device``)."""
    if max_steps > 0:
        return max_steps
    micro_batches = math.ceil(math.ceil(items / world_size) / per_device)
    per_epoch = max(math.ceil(micro_batches / accumulation), 1)
    return math.ceil(epochs * per_epoch)
