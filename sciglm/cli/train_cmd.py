"""``sciglm train``: fine-tune a causal LM on a mixture with HF Trainer (+ DeepSpeed)."""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Any

import click
from click.core import ParameterSource

from sciglm.cli.common import console, print_json, print_table
from sciglm.train.config import DEFAULT_MODEL, TrainConfig, load_config_file

#: Options that map one to one onto TrainConfig fields.
FIELDS = (
    "data", "output", "model", "deepspeed", "learning_rate", "lr_scheduler", "warmup_steps",
    "epochs", "max_steps", "max_source_length", "max_target_length", "per_device_batch_size",
    "gradient_accumulation_steps", "weight_decay", "max_grad_norm", "precision", "packing",
    "padding_free", "gradient_checkpointing", "seed", "logging_steps", "save_steps",
    "save_total_limit", "resume", "num_proc", "attn_implementation", "trust_remote_code",
    "check_memory",
)


@click.command()
@click.option("--data", help="Mixture folder (train.jsonl or saved datasets) or a JSONL file.")
@click.option("-o", "--output", type=click.Path(file_okay=False),
              help="Run folder (checkpoints, final/).")
@click.option("--model", default=DEFAULT_MODEL, show_default=True,
              help="HF folder or hub id; 'embedded' for the bundled SmolLM2-135M.")
@click.option("--deepspeed", type=click.Path(dir_okay=False, exists=True),
              help="DeepSpeed config, e.g. training/ds_zero2.json.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False),
              help="YAML with any of these options (a saved train_config.yaml works); flags win.")
@click.option("--learning-rate", "--lr", "learning_rate", type=float, default=3e-6,
              show_default=True)
@click.option("--lr-scheduler", default="linear", show_default=True)
@click.option("--warmup-steps", type=int, default=0, show_default=True)
@click.option("--epochs", type=float, default=2.0, show_default=True)
@click.option("--max-steps", type=int, default=-1, show_default=True,
              help="Stop after N steps (-1: run the epochs).")
@click.option("--max-source-length", type=int, default=128, show_default=True)
@click.option("--max-target-length", type=int, default=512, show_default=True)
@click.option("--per-device-batch-size", type=int, default=4, show_default=True)
@click.option("--gradient-accumulation-steps", type=int, default=2, show_default=True)
@click.option("--weight-decay", type=float, default=0.0, show_default=True)
@click.option("--max-grad-norm", type=float, default=1.0, show_default=True)
@click.option("--precision", type=click.Choice(["auto", "bf16", "fp16", "fp32"]), default="auto",
              show_default=True, help="auto: bf16 if the GPU has it, else fp16; fp32 on CPU.")
@click.option("--packing/--no-packing", default=True, show_default=True,
              help="Pack several examples per sequence (attention stays inside each).")
@click.option("--padding-free", is_flag=True,
              help="Flatten each batch into one row (no pad tokens).")
@click.option("--gradient-checkpointing", is_flag=True)
@click.option("--seed", type=int, default=42, show_default=True)
@click.option("--logging-steps", type=int, default=1, show_default=True)
@click.option("--save-steps", type=int, default=500, show_default=True)
@click.option("--save-total-limit", type=int, default=2, show_default=True)
@click.option("--resume/--no-resume", default=True, show_default=True,
              help="Continue from the last checkpoint in --output.")
@click.option("--num-proc", type=int, default=None, help="Tokenization processes (default: auto).")
@click.option("--attn-implementation", default="sdpa", show_default=True,
              help="sdpa, eager or flash_attention_2.")
@click.option("--trust-remote-code", is_flag=True, help="Allow model code from the checkpoint.")
@click.option("--check-memory/--no-check-memory", default=True, show_default=True,
              help="Refuse to start when the model clearly does not fit.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout.")
@click.pass_context
def train(ctx: click.Context, config_file: str | None, as_json: bool, **options: Any) -> None:
    """Fine-tune MODEL on the mixture DATA with the SciGLM recipe (lr 3e-6, linear, 2 epochs,
    128/512 tokens, batch 4 x 2 accumulation), saving OUTPUT/final as a normal HF folder.

    Resumes from the last OUTPUT/checkpoint-N automatically. Writes OUTPUT/train_config.yaml
    (every option, git revision, library versions), data_card.md, curves.csv and curves.png.

    \b
    Examples:
      sciglm train --data mix/ --model embedded --output runs/smoke --max-steps 20 --lr 1e-4
      deepspeed --num_gpus 8 --no_local_rank --module sciglm.cli.main train --data mix/ \\
          --model models/chatglm3-6b-base-glm --output runs/sciglm \\
          --deepspeed training/ds_zero3.json
    """
    from sciglm.train.trainer import run_training

    values: dict[str, Any] = load_config_file(config_file) if config_file else {}
    for name in FIELDS:
        explicit = ctx.get_parameter_source(name) == ParameterSource.COMMANDLINE
        if explicit or name not in values:
            values[name] = options[name]
    config = TrainConfig().updated(values)
    with contextlib.redirect_stdout(sys.stderr):  # libraries print; stdout is for results
        summary = run_training(config)
    if int(os.environ.get("RANK", "0")) != 0:
        return  # under a launcher, only rank 0 reports
    if as_json:
        print_json(summary)
    else:
        print_table("sciglm train", ["what", "value"], [(k, v) for k, v in summary.items()])
        console.print(f"final model: {summary['final']}")
