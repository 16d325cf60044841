"""``sciglm render``: the first examples of a mixture exactly as a recipe feeds them to the
model (text, token ids, which tokens carry loss), on the terminal or as JSONL."""

from __future__ import annotations

import os
from typing import Any

import click

from sciglm.cli.common import console
from sciglm.cli.train_cmd import config_from_options, recipe_note
from sciglm.config import click_options
from sciglm.io.jsonl import dumps, write_jsonl
from sciglm.train.config import RenderConfig


@click.command()
@click_options(RenderConfig, note=recipe_note, only=RenderConfig.OPTIONS)
@click.pass_context
def render(ctx: click.Context, config_file: str | None, show: int, examples_file: str | None,
           as_json: bool, **options: Any) -> None:
    """Show what the model trains on: the first SHOW examples of DATA rendered by RECIPE with
    MODEL's tokenizer, with the step plan of a run on $WORLD_SIZE processes (default 1).
    Loads no model weights.

    \b
    Examples:
      sciglm render --data mix/ --model embedded --recipe sciglm --show 2
      sciglm render --data mix/ --model models/chatglm3-6b-base-glm -o rendered.jsonl
      sciglm render --data mix/ --config runs/sciglm/train_config.yaml --show 1
    """
    from sciglm.train.render import describe_plan, dry_run, format_example

    config = config_from_options(ctx, config_file, options)
    if examples_file:
        from sciglm.io.paths import check_output

        check_output(examples_file, inputs=(config.data,) if config.data else ())
    if not config.data:
        raise click.UsageError("name the mixture with --data (or a --config that has one)")
    plan, examples = dry_run(config, show, int(os.environ.get("WORLD_SIZE", "1")))
    console.print(describe_plan(plan), soft_wrap=True)
    if examples_file:
        write_jsonl(examples_file, examples)
        console.print(f"wrote {len(examples)} rendered example(s) to {examples_file}")
    for example in examples:
        click.echo(dumps(example) if as_json else format_example(example))
