"""``sciglm pipeline``: the whole loop on one command, resumable stage by stage."""

from __future__ import annotations

import time
from typing import Any

import click

from sciglm.cli.common import console, print_table
from sciglm.config import click_options, from_values
from sciglm.pipeline.config import PipelineOptions, load_config
from sciglm.pipeline.runner import Pipeline, summary_rows


@click.command()
@click_options(PipelineOptions)
def pipeline(**values: Any) -> None:
    """Annotate → verify → filter → mix → eval (before) → train → eval (after).

    With no options it runs offline on the embedded defaults: the bundled sample of public
    questions, SmolLM2-135M-Instruct as teacher and student, DeepSpeed ZeRO-2 on the CPU.
    The resolved config is saved as RUN/pipeline.yaml; a finished stage is not run again
    (use --restart to redo all).

    \b
    Examples:
      sciglm pipeline
      sciglm pipeline --config my_pipeline.yaml -o runs/physics
      sciglm pipeline --base-url https://api.openai.com/v1 --teacher-model gpt-4o-mini \\
          --student /models/chatglm3-6b-base-glm --max-steps 2000
    """
    options = from_values(PipelineOptions, values)
    runner = Pipeline(load_config(options.config, options.overrides()))
    if options.restart and runner.markers.exists():
        for marker in runner.markers.glob("*.json"):
            marker.unlink()
    started = time.monotonic()
    try:
        runner.run()
    finally:
        console.rule("[bold]pipeline")
        print_table(
            f"sciglm pipeline → {runner.root}",
            ["stage", "status", "time", "result"],
            summary_rows(runner.results),
        )
    console.print(f"total {time.monotonic() - started:.0f}s")
    console.print(
        f"Annotated data: {runner.annotated}\n"
        f"Filtered data:  {runner.kept}  (rejected records beside it)\n"
        f"Mixture:        {runner.mix_dir}/train.jsonl, data card {runner.mix_dir}/data_card.md\n"
        f"Model:          {runner.model_dir}\n"
        f"Eval tables:    {runner.root}/eval_before/results.md, "
        f"{runner.root}/eval_after/results.md\n"
        f"Logs:           {runner.logs}\n"
        f"Chat with it:   sciglm chat --model {runner.model_dir}"
    )
