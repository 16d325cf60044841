"""``sciglm pipeline``: the whole loop on one command, resumable stage by stage."""

from __future__ import annotations

import time

import click

from sciglm.cli.common import console, print_table
from sciglm.pipeline.config import STAGES, load_config
from sciglm.pipeline.runner import Pipeline, summary_rows


@click.command()
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, exists=True),
    help="YAML with any of the settings (see docs/pipeline.md).",
)
@click.option("-o", "--output", help="Run folder (default: runs/pipeline).")
@click.option("--base-url", help="Teacher endpoint (default: the embedded teacher on loopback).")
@click.option("--teacher-model", help="Teacher model name at --base-url.")
@click.option("--student", help="Model to fine-tune (default: the embedded SmolLM2).")
@click.option("--max-steps", type=int, help="Fine-tuning steps.")
@click.option("--skip", multiple=True, type=click.Choice(STAGES), help="Leave a stage out.")
@click.option("--restart", is_flag=True, help="Forget finished stages and run all again.")
def pipeline(
    config_path: str | None,
    output: str | None,
    base_url: str | None,
    teacher_model: str | None,
    student: str | None,
    max_steps: int | None,
    skip: tuple[str, ...],
    restart: bool,
) -> None:
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
    overrides = {
        key: value
        for key, value in {
            "output": output,
            "teacher.base_url": base_url,
            "teacher.model": teacher_model,
            "student.model": student,
            "student.max_steps": max_steps,
            "skip": list(skip) or None,
        }.items()
        if value is not None
    }
    config = load_config(config_path, overrides)
    runner = Pipeline(config)
    if restart and runner.markers.exists():
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
