"""``sciglm train``: fine-tune a causal LM on a mixture with a named recipe, HF Trainer (+
DeepSpeed); ``--dry-run`` shows what it would train on and how many steps, loading no model."""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Any

import click
from click.core import ParameterSource

from sciglm.cli.common import console, print_json, print_table
from sciglm.train.config import DEFAULT_MODEL, PACKINGS, PRECISIONS, TrainConfig, load_config_file
from sciglm.train.recipes import RECIPES

#: Options that map one to one onto TrainConfig fields.
FIELDS = (
    "data", "output", "model", "recipe", "deepspeed", "learning_rate", "lr_scheduler",
    "warmup_steps", "epochs", "max_steps", "max_source_length", "max_target_length",
    "per_device_batch_size", "global_batch_size", "gradient_accumulation_steps", "weight_decay",
    "max_grad_norm", "precision", "packing", "padding_free", "gradient_checkpointing", "seed",
    "logging_steps", "save_steps", "save_total_limit", "resume", "num_proc",
    "attn_implementation", "trust_remote_code", "check_memory",
)
RECIPE_SETTINGS = {name for recipe in RECIPES.values() for name in recipe.settings}
RECIPE_HELP = "; ".join(f"{r.name}: {r.description}" for r in RECIPES.values())


def config_from_options(ctx: click.Context, config_file: str | None,
                        options: dict[str, Any]) -> TrainConfig:
    """The recipe's values, then ``--config FILE``, then the flags given on the command line
    (flag defaults apply only to options no recipe sets)."""
    values: dict[str, Any] = load_config_file(config_file) if config_file else {}
    for name in (n for n in FIELDS if n in options):
        if ctx.get_parameter_source(name) == ParameterSource.COMMANDLINE:
            values[name] = options[name]
        elif name not in values and name not in RECIPE_SETTINGS and options[name] is not None:
            values[name] = options[name]
    return TrainConfig.for_recipe(values)


@click.command()
@click.option("--data", help="Mixture folder (train.jsonl or saved datasets) or a JSONL file.")
@click.option("-o", "--output", type=click.Path(),
              help="Run folder (checkpoints, final/); with --dry-run, where the rendered "
                   "examples go (F.jsonl or OUTPUT/rendered.jsonl).")
@click.option("--model", default=DEFAULT_MODEL, show_default=True,
              help="HF folder or hub id; 'embedded' for the bundled SmolLM2-135M.")
@click.option("--deepspeed", type=click.Path(dir_okay=False, exists=True),
              help="DeepSpeed config, e.g. training/ds_zero2.json.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False),
              help="YAML with any of these options (a saved train_config.yaml works); flags win.")
@click.option("--recipe", type=click.Choice(sorted(RECIPES)), default=None,
              help=f"Defaults for everything below [default: chat]. {RECIPE_HELP}.")
@click.option("--learning-rate", "--lr", "learning_rate", type=float,
              help="[recipe: 3e-6]")
@click.option("--lr-scheduler", help="[recipe: linear]")
@click.option("--warmup-steps", type=int, help="[recipe: 0]")
@click.option("--epochs", type=float, help="[recipe: 2]")
@click.option("--max-steps", type=int,
              help="Stop after N optimizer steps [recipe: -1, run the epochs].")
@click.option("--max-source-length", type=int, help="Prompt tokens kept [recipe: 128].")
@click.option("--max-target-length", type=int, help="Response tokens kept [recipe: 512].")
@click.option("--per-device-batch-size", type=int,
              help="Examples (packed rows with --packing bins) per process and micro-batch "
                   "[recipe: 4].")
@click.option("--global-batch-size", type=int,
              help="Examples (rows) per optimizer step over all processes; the accumulation is "
                   "derived from it and the world size [recipe: 32].")
@click.option("--gradient-accumulation-steps", type=int,
              help="Fix the accumulation instead; the global batch then follows the world size.")
@click.option("--weight-decay", type=float, help="[recipe: 0]")
@click.option("--max-grad-norm", type=float, help="[recipe: 1.0]")
@click.option("--precision", type=click.Choice(PRECISIONS),
              help="auto: bf16 if the GPU has it, else fp16, fp32 on CPU; auto-fp16: fp16 on GPU "
                   "(the paper), fp32 on CPU [recipe: sciglm auto-fp16, chat auto].")
@click.option("--packing", type=click.Choice(PACKINGS),
              help="batch: each micro-batch's examples in one row, no padding, same steps as "
                   "unpacked; bins: many examples per row, fewer optimizer steps; none: one "
                   "example per row [recipe: sciglm none, chat batch].")
@click.option("--padding-free", is_flag=True, default=None,
              help="With --packing bins: flatten each micro-batch of rows into one row.")
@click.option("--gradient-checkpointing/--no-gradient-checkpointing", default=None,
              help="[recipe: sciglm on, chat off]")
@click.option("--seed", type=int, help="[recipe: 42]")
@click.option("--logging-steps", type=int, help="[recipe: sciglm 20, chat 1]")
@click.option("--save-steps", type=int, default=500, show_default=True)
@click.option("--save-total-limit", type=int, default=2, show_default=True)
@click.option("--resume/--no-resume", default=True, show_default=True,
              help="Continue from the last checkpoint in --output.")
@click.option("--num-proc", type=int, default=None, help="Tokenization processes (default: auto).")
@click.option("--attn-implementation", help="sdpa, eager or flash_attention_2 [default: sdpa].")
@click.option("--trust-remote-code", is_flag=True, default=None,
              help="Allow model code from the checkpoint.")
@click.option("--check-memory/--no-check-memory", default=True, show_default=True,
              help="Refuse to start when the model clearly does not fit.")
@click.option("--dry-run", is_flag=True,
              help="Load only the tokenizer: print the step plan and the first --show examples.")
@click.option("--show", type=click.IntRange(0), default=2, show_default=True,
              help="With --dry-run: how many rendered examples to print.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout.")
@click.pass_context
def train(ctx: click.Context, config_file: str | None, as_json: bool, dry_run: bool, show: int,
          **options: Any) -> None:
    """Fine-tune MODEL on the mixture DATA with a recipe, saving OUTPUT/final as a normal HF
    folder. Both recipes use the paper's lr 3e-6 (linear), 2 epochs, 128/512 tokens and 32
    examples per optimizer step whatever the number of processes (4 per device, accumulation
    derived); --recipe sciglm also renders, pads and casts exactly as the original script.

    Prints how many optimizer steps the run takes before loading the model. Resumes from the
    last OUTPUT/checkpoint-N automatically. Writes OUTPUT/train_config.yaml (every option, git
    revision, library versions), sciglm-recipe.json (also in final/), data_card.md, curves.csv
    and curves.png. --dry-run shows the plan and what the model trains on (token ids, which
    tokens carry loss) without training, and writes those examples as JSONL to --output
    (F.jsonl, or OUTPUT/rendered.jsonl for a folder).

    \b
    Examples:
      sciglm train --data mix/ --model embedded --output runs/smoke --max-steps 20 --lr 1e-4
      sciglm train --recipe sciglm --data mix/ --model embedded --dry-run --show 1
      deepspeed --num_gpus 4 --no_local_rank --module sciglm.cli.main train --recipe sciglm \\
          --data mix/ --model models/chatglm3-6b-base-glm --output runs/sciglm \\
          --deepspeed training/ds_zero3.json
    """
    config = config_from_options(ctx, config_file, options)
    if dry_run:
        _dry_run(config, show, as_json)
        return
    from sciglm.train.trainer import run_training

    with contextlib.redirect_stdout(sys.stderr):  # libraries print; stdout is for results
        summary = run_training(config)
    if int(os.environ.get("RANK", "0")) != 0:
        return  # under a launcher, only rank 0 reports
    if as_json:
        print_json(summary)
    else:
        print_table("sciglm train", ["what", "value"], [(k, v) for k, v in summary.items()])
        console.print(f"final model: {summary['final']}")


def _dry_run(config: TrainConfig, show: int, as_json: bool) -> None:
    """The step plan (stderr, or JSON on stdout) and the first ``show`` rendered examples,
    also written as JSONL to ``--output`` (a ``.jsonl`` file, else ``OUTPUT/rendered.jsonl``)."""
    from pathlib import Path

    from sciglm.io.jsonl import write_jsonl
    from sciglm.train.render import describe_plan, dry_run, format_example

    if not config.data:
        raise click.UsageError("--dry-run needs --data")
    plan, examples = dry_run(config, show, int(os.environ.get("WORLD_SIZE", "1")))
    if config.output:
        target = Path(config.output)
        target = target if target.suffix == ".jsonl" else target / "rendered.jsonl"
        write_jsonl(target, examples)
        console.print(f"wrote {len(examples)} rendered example(s) to {target}")
    if as_json:
        print_json({"plan": plan, "examples": examples})
        return
    console.print(describe_plan(plan), soft_wrap=True)
    for example in examples:
        click.echo(format_example(example))
