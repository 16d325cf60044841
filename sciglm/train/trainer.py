"""``run_training``: a named recipe on HF Trainer (+ DeepSpeed), from one CPU to many GPUs.

Reads top to bottom: environment, the global batch on this world size, model and memory check,
data, the optimizer-step plan, arguments, train (resuming from the last checkpoint), save the
final HF folder, curves and the run record (``train_config.yaml``, ``sciglm-recipe.json``).
"""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path
from typing import Any

from sciglm.errors import SciglmError
from sciglm.progress import console
from sciglm.train import curves, memory
from sciglm.train.build_locks import clear_stale_locks
from sciglm.train.config import TrainConfig, save_config, save_recipe
from sciglm.train.data import copy_data_card, read_records, tokenize_records
from sciglm.train.deepspeed_config import check_consistency, load_deepspeed_config
from sciglm.train.lora import apply_lora, save_merged
from sciglm.train.model import count_parameters, load_config, load_model, load_tokenizer
from sciglm.train.packing import PackedCollator, PaddedCollator, pack_dataset
from sciglm.train.recipes import recipe_deepspeed
from sciglm.train.render import describe_plan, step_plan


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_environment(use_deepspeed: bool) -> None:
    """Let one plain process run DeepSpeed: it needs the launcher's variables, which
    ``deepspeed``/``torchrun`` set for multi-process runs (then nothing is changed), and no
    stale op-build lock (:mod:`sciglm.train.build_locks`)."""
    import torch

    if not torch.cuda.is_available():
        os.environ.setdefault("DS_ACCELERATOR", "cpu")
    if use_deepspeed:
        clear_stale_locks()  # or a build killed earlier would hang this run's op builds
    if use_deepspeed and "RANK" not in os.environ:
        os.environ.update({"RANK": "0", "LOCAL_RANK": "0", "WORLD_SIZE": "1",
                           "MASTER_ADDR": "127.0.0.1",
                           "MASTER_PORT": os.environ.get("MASTER_PORT", str(_free_port()))})


def resolve_precision(requested: str) -> str:
    """auto → bf16 on GPUs that have it, else fp16 on GPU, fp32 on CPU; auto-fp16 (the
    original recipes, whose fp16 runs in DeepSpeed's fp16 engine: see
    :func:`sciglm.train.recipes.recipe_deepspeed`) → fp16 on GPU, fp32 on CPU."""
    import torch

    if requested == "auto-fp16":
        return "fp16" if torch.cuda.is_available() else "fp32"
    if requested != "auto":
        if requested == "fp16" and not torch.cuda.is_available():
            raise SciglmError("fp16 training needs a GPU; use --precision bf16 or fp32 on CPU")
        return requested
    if torch.cuda.is_available():
        return "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    return "fp32"


def build_dataset(config: TrainConfig, records: list[dict[str, str]], tokenizer: Any,
                  output: Path) -> tuple[Any, Any, dict]:
    """(train dataset, collator, stats) for the recipe's batches: ``batch`` concatenates each
    micro-batch's examples into one row, ``bins`` packs examples into rows of ``max_length``
    tokens first, ``none`` pads one example per row (to ``max_length`` where the recipe says)."""
    tokenized = tokenize_records(records, tokenizer, config.max_source_length,
                                 config.max_target_length, output / "cache", config.num_proc,
                                 config.prompt_format)
    tokens = sum(tokenized["length"])
    stats = {"examples": len(records), "tokens": tokens}
    pad = tokenizer.pad_token_id
    if config.packing == "bins":
        dataset = pack_dataset(tokenized, config.max_length)
        stats["packed_rows"] = len(dataset)
        return dataset, PackedCollator(pad, flatten=config.padding_free), stats
    if config.packing == "batch":
        return tokenized, PackedCollator(pad, flatten=True), stats
    length = config.max_length if config.pad_to_max_length else None
    return tokenized, PaddedCollator(pad, length=length), stats


def training_arguments(config: TrainConfig, precision: str, ds: dict | None) -> Any:
    """HF ``TrainingArguments`` from the config (gloo + ``use_cpu`` without CUDA, so HF and
    DeepSpeed agree on the world size)."""
    import torch
    from transformers import TrainingArguments

    cpu = not torch.cuda.is_available()
    distributed = ds is not None or int(os.environ.get("WORLD_SIZE", "1")) > 1
    # transformers 5 renamed gradient_checkpointing (the old name warns on every run).
    checkpointing = "activation_checkpointing" if "activation_checkpointing" in \
        TrainingArguments.__dataclass_fields__ else "gradient_checkpointing"
    return TrainingArguments(
        output_dir=config.output,
        per_device_train_batch_size=config.per_device_batch_size,
        gradient_accumulation_steps=config.gradient_accumulation_steps,
        learning_rate=config.learning_rate,
        lr_scheduler_type=config.lr_scheduler,
        warmup_steps=config.warmup_steps,
        num_train_epochs=config.epochs,
        max_steps=config.max_steps,
        weight_decay=config.weight_decay,
        max_grad_norm=config.max_grad_norm,
        bf16=precision == "bf16",
        fp16=precision == "fp16",
        logging_steps=config.logging_steps,
        save_steps=config.save_steps,
        save_total_limit=config.save_total_limit,
        seed=config.seed,
        data_seed=config.seed,
        deepspeed=ds,
        **{checkpointing: config.gradient_checkpointing},
        report_to=[],
        use_cpu=cpu,
        ddp_backend="gloo" if cpu and distributed else None,
        remove_unused_columns=False,
        disable_tqdm=True,
        dataloader_num_workers=0,
        **config.extra,  # any other TrainingArguments field, from --config YAML
    )


def run_training(config: TrainConfig, callbacks: list[Any] | None = None) -> dict[str, Any]:
    """Train as configured; returns a summary (final folder, steps, loss, seconds, data).

    Afterwards models load normally again in this process (the global ZeRO-3 setting that
    transformers keeps during a DeepSpeed run is cleared), so a pipeline can evaluate next.
    """
    from transformers.integrations.deepspeed import unset_hf_deepspeed_config

    try:
        return _run(config, callbacks)
    finally:
        unset_hf_deepspeed_config()


def _run(config: TrainConfig, callbacks: list[Any] | None) -> dict[str, Any]:
    config.validate()
    output = Path(config.output)
    precision = resolve_precision(config.precision)
    # the recipe's own DeepSpeed config on a GPU (sciglm: DeepSpeed's fp16 engine, whichever
    # launcher started the run), unless --deepspeed names one
    ds = load_deepspeed_config(config.deepspeed) if config.deepspeed else \
        recipe_deepspeed(config.recipe, precision)
    prepare_environment(ds is not None)
    world = int(os.environ.get("WORLD_SIZE", "1"))
    requested = config  # saved as asked (accumulation derived per world size on a rerun)
    config = config.with_world_size(world)  # the global batch, before any model is loaded
    if ds is not None:
        check_consistency(ds, config, precision, world, config.deepspeed or config.recipe)

    records = read_records(config.data)  # bad data fails before any model is loaded
    model_path, model_config = load_config(config.model, config.trust_remote_code)
    if config.check_memory:
        params = count_parameters(model_config, config.trust_remote_code)
        weight_bytes = 4 if precision == "fp32" else 2
        memory.check_fits(params, model_config.hidden_size, model_config.num_hidden_layers,
                          config.per_device_batch_size * config.max_length, weight_bytes,
                          config.gradient_checkpointing, world, ds, config.model)

    args = training_arguments(config, precision, ds)  # before the model: ZeRO-3 init needs it
    if ds is not None:
        import deepspeed
        import torch

        # On CPU, accelerate starts plain torch.distributed; DeepSpeed's own comm layer must
        # know the world size too, or ZeRO-3 init sees one process and rejects the batch size.
        deepspeed.init_distributed(dist_backend="nccl" if torch.cuda.is_available() else "gloo")
    tokenizer = load_tokenizer(model_path, config.trust_remote_code)
    with args.main_process_first(desc="tokenize"):
        dataset, collator, stats = build_dataset(config, records, tokenizer, output)
    plan = step_plan(config, stats["examples"], stats.get("packed_rows"), world)
    stats["optimizer_steps"] = plan["optimizer_steps"]
    run_record = {"model_path": model_path, "precision": precision, "world_size": world,
                  "gradient_accumulation_steps": config.gradient_accumulation_steps,
                  "global_batch_size": config.global_batch_size, "data": stats,
                  "optimisation": plan["optimisation"] | {"deepspeed": ds}}
    if args.process_index == 0:
        console.print(describe_plan(plan), soft_wrap=True)
        save_config(requested, output, run_record)
        save_recipe(config, output, world)
        copy_data_card(config.data, output)
    model = load_model(model_path, config.attn_implementation, config.trust_remote_code)
    if model.config.pad_token_id is None:
        model.config.pad_token_id = tokenizer.pad_token_id
    if config.lora:
        model = apply_lora(model, config.lora)

    from transformers import Trainer
    from transformers.trainer_callback import PrinterCallback, ProgressCallback
    from transformers.trainer_utils import get_last_checkpoint

    from sciglm.train.callbacks import CurveCallback, RichProgressCallback

    trainer = Trainer(model=model, args=args, train_dataset=dataset, data_collator=collator,
                      processing_class=tokenizer,
                      callbacks=[CurveCallback(output / "curves.csv"), RichProgressCallback(),
                                 *(callbacks or [])])
    trainer.remove_callback(PrinterCallback)
    trainer.remove_callback(ProgressCallback)
    last = get_last_checkpoint(str(output)) if config.resume and output.is_dir() else None
    if last and args.process_index == 0:
        console.print(f"resuming from {last}")
    started = time.monotonic()
    result = trainer.train(resume_from_checkpoint=last)
    seconds = time.monotonic() - started

    final = output / "final"
    if config.lora:
        if args.process_index == 0:
            save_merged(trainer.model, final, output / "adapter")
    else:
        trainer.save_model(str(final))  # every rank: ZeRO-3 gathers the weights here
    if args.process_index == 0:
        tokenizer.save_pretrained(str(final))
        save_config(requested, final, run_record)
        save_recipe(config, final, world)
        copy_data_card(config.data, final)
        curves.plot(output / "curves.csv", output / "curves.png")
    return {
        "final": str(final), "recipe": config.recipe, "steps": trainer.state.global_step,
        "resumed_from": last, "global_batch_size": config.global_batch_size,
        "gradient_accumulation_steps": config.gradient_accumulation_steps,
        "train_loss": result.training_loss, "seconds": round(seconds, 2),
        "precision": precision, "world_size": world, **stats,
    }
