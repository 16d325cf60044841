"""``sciglm train``: fine-tune a causal LM on a mixture with a named recipe, HF Trainer (+
DeepSpeed); ``--dry-run`` shows what it would train on and how many steps, loading no model."""

from __future__ import annotations

import contextlib
import os
import shlex
import sys
from typing import Any

import click
from click.core import ParameterSource

from sciglm.cli.common import console, print_json, print_table
from sciglm.config import cli_fields, click_options
from sciglm.train.config import TrainCommandConfig, TrainConfig, load_config_file
from sciglm.train.launcher import LaunchConfig, launch_command
from sciglm.train.recipes import RECIPES

#: The options that are TrainConfig fields (declared once, in sciglm/train/config.py).
FIELDS = cli_fields(TrainConfig)
RECIPE_SETTINGS = {name for recipe in RECIPES.values() for name in recipe.settings}


def recipe_note(name: str) -> str:
    """``[recipe: 3e-06]`` or ``[recipe: sciglm on, chat off]``: what the recipes set."""
    values = {r.name: r.settings.get(name, getattr(TrainConfig(), name)) for r in
              RECIPES.values()}
    if name == "recipe":
        return ""
    shown = {k: ("on" if v is True else "off" if v is False else v) for k, v in values.items()}
    if len(set(map(str, shown.values()))) == 1:
        where = "recipe" if name in RECIPE_SETTINGS else "default"
        return f"[{where}: {next(iter(shown.values()))}]"
    return "[recipe: " + ", ".join(f"{k} {v}" for k, v in shown.items()) + "]"


def given_options(ctx: click.Context, options: dict[str, Any]) -> dict[str, Any]:
    """The run's options given on the command line."""
    return {name: options[name] for name in FIELDS if name in options
            and ctx.get_parameter_source(name) == ParameterSource.COMMANDLINE}


def config_from_options(ctx: click.Context, config_file: str | None,
                        options: dict[str, Any]) -> TrainConfig:
    """The recipe's values, then ``--config FILE``, then the flags given on the command line
    (flag defaults apply only to options no recipe sets)."""
    values: dict[str, Any] = load_config_file(config_file) if config_file else {}
    for name in (n for n in FIELDS if n in options):
        if name not in values and name not in RECIPE_SETTINGS and options[name] is not None:
            values[name] = options[name]
    return TrainConfig.for_recipe(values | given_options(ctx, options))


@click.command()
@click_options(TrainCommandConfig, note=recipe_note)
@click.pass_context
def train(ctx: click.Context, config_file: str | None, as_json: bool, dry_run: bool, show: int,
          **options: Any) -> None:
    """Fine-tune MODEL (default: the embedded SmolLM2-135M, offline on a CPU; the paper's base
    model is --model chatglm3-6b-base) on the mixture DATA with a recipe, saving OUTPUT/final
    as a normal HF folder. Both recipes use the paper's lr 3e-6 (linear), 2 epochs, 128/512
    tokens and 32 examples per optimizer step whatever the number of processes (4 per device,
    accumulation derived); --recipe sciglm also renders, pads and casts exactly as the
    original script.

    Prints how many optimizer steps the run takes before loading the model. Resumes from the
    last OUTPUT/checkpoint-N automatically. Writes OUTPUT/train_config.yaml (every option, git
    revision, library versions), sciglm-recipe.json (also in final/), data_card.md, curves.csv
    and curves.png. --deepspeed takes a config shipped with sciglm by name (zero2, zero3,
    zero3-offload) or a JSON file. --print-launcher prints the DeepSpeed command of a run on
    every GPU of this machine, on several nodes, or the paper's run (what training/*.sh run).
    --dry-run shows the plan and what the model trains on (token ids, which tokens carry loss)
    without training, and writes those examples as JSONL to --output (F.jsonl, or
    OUTPUT/rendered.jsonl for a folder).

    \b
    Examples:
      sciglm train --data mix/ --output runs/smoke --max-steps 20 --lr 1e-4   # embedded
      sciglm train --recipe sciglm --data mix/ --model embedded --dry-run --show 1
      deepspeed --num_gpus 4 --no_local_rank --module sciglm.cli.main train --recipe sciglm \\
          --data mix/ --model models/chatglm3-6b-base-glm --output runs/sciglm \\
          --deepspeed zero3
      sciglm train --print-launcher paper --data mix/     # the paper's run on 4 GPUs
      eval "$(sciglm train --print-launcher multi-node --hostfile hostfile --data mix/ -o runs/x)"
    """
    launch = LaunchConfig(**{name: options.pop(name) for name in cli_fields(LaunchConfig)})
    if launch.print_launcher:
        from_file = load_config_file(config_file) if config_file else {}
        line = launch_command(launch, given_options(ctx, options), from_file, config_file)
        click.echo(shlex.join(line + (["--json"] if as_json else [])))  # how rank 0 reports
        return
    config = config_from_options(ctx, config_file, options)
    if config.output:  # a bad place fails now, not after loading the model and data
        from sciglm.io.paths import check_output

        dry_file = dry_run and config.output.endswith(".jsonl")
        check_output(config.output, "file" if dry_file else "dir",
                     inputs=(config.data,) if config.data else ())
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
