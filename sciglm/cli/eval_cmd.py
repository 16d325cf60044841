"""``sciglm eval``: score a model on the paper's benchmarks with the subject verifiers."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from sciglm.cli.common import console, print_json, print_table, progress_bar
from sciglm.config import click_options, from_values
from sciglm.errors import SciglmError
from sciglm.eval.config import EvalConfig
from sciglm.generation.base import GenParams
from sciglm.io.paths import check_output

if TYPE_CHECKING:
    from sciglm.eval.scores import Report


def _default_output(model: str | None, base_url: str | None) -> Path:
    label = (model or "embedded").rstrip("/")
    label = label.split("/")[-1] if base_url else Path(label).name or "model"
    if label == "final":
        label = Path((model or "").rstrip("/")).parent.name or "model"
    return Path("eval-runs") / re.sub(r"[^A-Za-z0-9._-]+", "-", label)


@click.command()
@click_options(EvalConfig)
def eval_cmd(**values: Any) -> None:
    """Evaluate a model on benchmarks; answers are judged by the same subject verifiers as
    `sciglm verify` (multiple choice by the option letter).

    Writes OUTPUT/predictions/NAME.jsonl (every item with the response, the predicted answer,
    the verdict and the scorer's reason), OUTPUT/results.json and OUTPUT/results.md (tables
    per benchmark and subject, and the paper's rows with --compare). Interrupt it and run the
    same command again to resume.

    \b
    Examples:
      sciglm eval --benchmark gsm8k --limit 50
      sciglm eval --model run/final --benchmark ceval-hard,mmlu-sci,scieval \\
          --protocol sciglm --compare sciglm-paper
      sciglm eval --base-url http://localhost:8000/v1 --model qwen --benchmark sat-math,aqua
      sciglm eval --benchmark mine=my_questions.jsonl:physics
    """
    from sciglm.catalog.data import data_dir_from_env
    from sciglm.eval.benchmarks import parse_benchmarks, resolve
    from sciglm.eval.paper import get_table
    from sciglm.eval.protocols import choose, read_recipe
    from sciglm.eval.runner import EvalOptions, run_eval
    from sciglm.generation.factory import load_model

    config = from_values(EvalConfig, values)
    model_name, base_url, compare = config.model, config.base_url, config.compare
    concurrency, batch_size, as_json = config.concurrency, config.batch_size, config.as_json
    recipe = {} if base_url else read_recipe(model_name)
    chosen, fmt = choose(config.protocol, config.prompt_format, recipe)
    if compare:
        get_table(compare)
    benches = parse_benchmarks(config.benchmark)
    data_dir = Path(config.data_dir) if config.data_dir else None
    if data_dir is not None and not data_dir.is_dir():
        raise SciglmError(f"--data-dir {data_dir}: no such folder")
    data_dir = data_dir or data_dir_from_env()
    for bench in benches:  # a missing file stops the run before the model loads
        resolve(bench, data_dir)
    params = GenParams(max_tokens=config.max_tokens, temperature=config.temperature)
    output = Path(config.output) if config.output else _default_output(model_name, base_url)
    check_output(output, "dir")  # before the model loads
    # Items generated per step: one local batch (judged while the next one generates), or
    # enough requests to keep an endpoint busy.
    chunk = concurrency * 4 if base_url else batch_size
    options = EvalOptions(limit=config.limit, shots=config.shots, protocol=chosen.name,
                          prompt_format=fmt, params=params, workers=config.workers, chunk=chunk,
                          overwrite=config.overwrite, compare=compare,
                          retry_errors=config.retry_errors)
    if recipe and not as_json:
        console.print(f"model trained with the {recipe.get('recipe', '?')!r} recipe: protocol "
                      f"{chosen.name}, prompt format {fmt}", markup=False)
    with console.status("loading model…"):
        model = load_model(model_name, base_url, concurrency=concurrency, batch_size=batch_size)
    model_id = {"model": model_name or "embedded", "base_url": base_url}
    try:
        report = run_eval(model, benches, output, data_dir, options, model_id,
                          progress=progress_bar, warn=lambda line: console.print(
                              f"warning: {line}", style="yellow", markup=False))
    finally:
        model.close()
    if report.resumed:
        console.print(f"resumed the run in {output}: items already judged were not asked again",
                      markup=False)
    if report.retried:
        console.print(f"--retry-errors: asked again for {report.retried} item(s) whose request "
                      "had failed", markup=False)
    if as_json:
        print_json(report.to_dict())
    else:
        _show(report, config, chosen.name, fmt, output)
    if report.errors:
        what = (f"every one of the {report.errors} item(s) failed on endpoint errors: nothing "
                "was scored" if not report.scored else
                f"{report.errors} item(s) failed on endpoint errors and are not scored")
        hint = (f"reasons in {output}/predictions/; run again with --retry-errors to ask for "
                "them again")
        if not report.scored:
            raise SciglmError(f"{what}; {hint}")
        console.print(f"warning: {what}; {hint}", style="yellow", markup=False)


def _show(report: Report, config: EvalConfig, protocol: str, fmt: str, output: Path) -> None:
    """The tables and notes on stderr."""
    compare = config.compare
    title = (f"sciglm eval: accuracy (%), protocol {protocol}, {fmt} format, "
             f"{config.shots}-shot")
    print_table(title, *(report.compare_table() if compare else report.summary_table()))
    for line in report.paper_notes():
        console.print(line, markup=False)
    print_table("per benchmark and subject", *report.detail_table())
    for bench in report.benchmarks:
        if bench.undecided_reasons:
            reason, count = bench.undecided_reasons.most_common(1)[0]
            console.print(f"{bench.title}: {bench.total.undecided} undecided verdict(s) count as "
                          f"wrong; most often ({count}×): {reason}", style="yellow", markup=False)
    console.print(f"predictions: {output}/predictions/  results: {output}/results.md, "
                  f"{output}/results.json")
