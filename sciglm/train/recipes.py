"""Named training recipes: how examples are rendered and batched, and the hyperparameters.

``sciglm`` is the original THUDM/SciGLM run (``training/main.py`` + ``training/finetune.sh``):
the ``[Round 1]\\n\\n问：…\\n\\n答：`` prompt, the first 128 prompt tokens, at most 512 response
tokens then EOS, every row padded to 641, no packing, gradient checkpointing, lr 3e-6 linear,
2 epochs, 32 examples per optimizer step, no gradient clipping, and on a GPU DeepSpeed's fp16
engine as ``training/deepspeed.json`` sets it (ZeRO-2; half weights, fp32 master weights,
dynamic loss scale from 2^16, window 1000, hysteresis 2), whichever launcher starts it.

``sciglm-ds3`` is the other released run (``training/finetune_ds3.sh`` + ``deepspeed3.json``):
the same data and prompt, 32 per device x 2 accumulation x 4 GPUs = 256 examples per step,
ZeRO-3 with the AdamW state offloaded to the CPU, DeepSpeed's ``WarmupLR`` (which replaces
the linear schedule: a constant rate after warm-up) and clipping at 1.0 (``"auto"``).

``chat`` (the default) renders the model's chat template and concatenates the examples of each
micro-batch into one row (no padding), with the same optimisation values and the same
32 examples per optimizer step, so it takes as many optimizer steps as ``sciglm``.

A recipe only supplies defaults: any option given on the command line or in ``--config`` wins.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from typing import Any

from sciglm.errors import InputError

#: The optimisation values of the paper's run (``training/finetune.sh``), shared by the recipes.
#: ``chat`` clips at 1.0 (HF's default); the original runs did not (see ``sciglm``).
PAPER_HYPERPARAMETERS: dict[str, Any] = {
    "learning_rate": 3e-6, "lr_scheduler": "linear", "warmup_steps": 0, "epochs": 2.0,
    "max_source_length": 128, "max_target_length": 512, "per_device_batch_size": 4,
    "global_batch_size": 32, "gradient_accumulation_steps": None, "weight_decay": 0.0,
    "max_grad_norm": 1.0, "seed": 42,
}

#: DeepSpeed's fp16 engine as THUDM/SciGLM ``training/deepspeed.json`` sets it: half weights
#: with fp32 master weights, a dynamic loss scale from 2^16, window 1000, hysteresis 2.
FP16_ENGINE: dict[str, Any] = {
    "enabled": "auto", "loss_scale": 0, "initial_scale_power": 16, "loss_scale_window": 1000,
    "hysteresis": 2, "min_loss_scale": 1}

#: ``training/deepspeed.json`` (the ``finetune.sh`` run), key for key: ZeRO-2, no
#: ``gradient_clipping`` key (DeepSpeed's default 0.0: no clipping), no optimizer or scheduler
#: (HF's AdamW and linear schedule).
DEEPSPEED_ZERO2: dict[str, Any] = {
    "train_micro_batch_size_per_gpu": "auto", "zero_allow_untested_optimizer": True,
    "fp16": FP16_ENGINE,
    "zero_optimization": {
        "stage": 2, "allgather_partitions": True, "allgather_bucket_size": 5e8,
        "overlap_comm": False, "reduce_scatter": True, "reduce_bucket_size": 5e8,
        "contiguous_gradients": True}}

#: ``training/deepspeed3.json`` (the ``finetune_ds3.sh`` run), key for key but the node-local
#: checkpoint setting: ZeRO-3 with AdamW's state on the CPU, ``WarmupLR`` (constant after
#: warm-up), clipping and precision ``"auto"`` (filled from the trainer: 1.0 and fp16).
DEEPSPEED_ZERO3_OFFLOAD: dict[str, Any] = {
    "bf16": {"enabled": "auto"}, "fp16": {"enabled": "auto"},
    "optimizer": {"type": "AdamW", "params": {"lr": "auto", "betas": "auto", "eps": "auto",
                                              "weight_decay": "auto"}},
    "scheduler": {"type": "WarmupLR", "params": {"warmup_min_lr": "auto",
                                                 "warmup_max_lr": "auto",
                                                 "warmup_num_steps": "auto"}},
    "zero_optimization": {
        "stage": 3, "offload_optimizer": {"device": "cpu", "pin_memory": True},
        "overlap_comm": True, "contiguous_gradients": True, "sub_group_size": 1e9,
        "reduce_bucket_size": "auto", "stage3_prefetch_bucket_size": "auto",
        "stage3_param_persistence_threshold": "auto", "stage3_max_live_parameters": 1e9,
        "stage3_max_reuse_distance": 1e9, "stage3_gather_16bit_weights_on_model_save": True},
    "gradient_accumulation_steps": "auto", "gradient_clipping": "auto",
    "steps_per_print": 2000, "train_batch_size": "auto",
    "train_micro_batch_size_per_gpu": "auto", "wall_clock_breakdown": False}


@dataclass(frozen=True)
class Recipe:
    """A name, a one-line description and the ``TrainConfig`` values it sets."""

    name: str
    description: str
    settings: dict[str, Any] = field(default_factory=dict)
    #: The DeepSpeed config the recipe runs with on a GPU when no ``--deepspeed`` is given
    #: (``None``: plain HF Trainer).
    deepspeed: dict[str, Any] | None = None

    @property
    def prompt_format(self) -> str:
        """``"sciglm"`` or ``"chat"`` (see :mod:`sciglm.prompt_format`)."""
        return self.settings["prompt_format"]


#: What both original runs share: the preprocessing, fp16 and gradient checkpointing.
_ORIGINAL = PAPER_HYPERPARAMETERS | {
    "prompt_format": "sciglm", "packing": "none", "pad_to_max_length": True,
    "precision": "auto-fp16", "gradient_checkpointing": True, "logging_steps": 20}

RECIPES: dict[str, Recipe] = {
    "sciglm": Recipe(
        "sciglm",
        "the original SciGLM run (finetune.sh): pad to 641, DeepSpeed fp16, no clipping, "
        "batch 32",
        _ORIGINAL | {"max_grad_norm": 0.0},
        DEEPSPEED_ZERO2,
    ),
    "sciglm-ds3": Recipe(
        "sciglm-ds3",
        "the finetune_ds3.sh run: ZeRO-3 + CPU AdamW, batch 256, constant lr, clipping 1.0",
        _ORIGINAL | {"per_device_batch_size": 32, "global_batch_size": 256,
                     "lr_scheduler": "constant", "max_grad_norm": 1.0},
        DEEPSPEED_ZERO3_OFFLOAD,
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
#: The recipes of the released THUDM/SciGLM runs (their models are evaluated as the paper did).
ORIGINAL_RECIPES = ("sciglm", "sciglm-ds3")


def get_recipe(name: str) -> Recipe:
    """The recipe called ``name``; an unknown name is an error that lists the known ones."""
    try:
        return RECIPES[name]
    except KeyError:
        known = ", ".join(sorted(RECIPES))
        raise InputError(f"unknown recipe {name!r} (known recipes: {known})") from None


def recipe_deepspeed(recipe: str, precision: str) -> dict[str, Any] | None:
    """The recipe's own DeepSpeed config (a copy) for a run in ``precision``: only an fp16 run
    (a GPU) uses it, so DeepSpeed's fp16 engine, not torch autocast, holds the weights."""
    config = get_recipe(recipe).deepspeed
    return copy.deepcopy(config) if config is not None and precision == "fp16" else None


def optimisation(recipe: str, max_grad_norm: float, lr_scheduler: str,
                 deepspeed: str | None) -> dict[str, Any]:
    """How a run optimises, for ``--dry-run --json`` and the run record: clipping (``None``:
    none), the schedule, which engine runs fp16 on a GPU and with which DeepSpeed config."""
    own = get_recipe(recipe).deepspeed
    return {"gradient_clipping": max_grad_norm if max_grad_norm > 0 else None,
            "lr_scheduler": lr_scheduler,
            "fp16_engine": "deepspeed" if deepspeed or own else "torch-autocast",
            "deepspeed_on_gpu": deepspeed or own}


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
