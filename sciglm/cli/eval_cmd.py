"""``sciglm eval``: score a model on the paper's benchmarks with the subject verifiers."""

from __future__ import annotations

import re
from pathlib import Path

import click

from sciglm.cli.common import console, print_json, print_table, progress_bar
from sciglm.errors import SciglmError
from sciglm.generation.base import GenParams


def _default_output(model: str | None, base_url: str | None) -> Path:
    label = (model or "embedded").rstrip("/")
    label = label.split("/")[-1] if base_url else Path(label).name or "model"
    if label == "final":
        label = Path((model or "").rstrip("/")).parent.name or "model"
    return Path("eval-runs") / re.sub(r"[^A-Za-z0-9._-]+", "-", label)


@click.command()
@click.option("--model", "model_name", default=None,
              help="Local Hugging Face folder, 'embedded' (default), or the endpoint's model name.")
@click.option("--base-url", default=None,
              help="OpenAI-compatible endpoint (key: $OPENAI_API_KEY); requests run concurrently.")
@click.option("--benchmark", "benchmark_specs", multiple=True, required=True,
              metavar="NAME[,NAME…]",
              help="gsm8k, math, scibench, theoremqa, scieval, gaokao, ceval, ceval-hard, "
                   "mmlu-sci, sat-math, aqua, mathematics, minif2f (and any a plugin registers); "
                   "NAME=PATH for another file of a known benchmark; NAME=PATH:SUBJECT for your "
                   "own JSONL.")
@click.option("--protocol", default=None, metavar="NAME",
              help="cot (step by step, boxed answer, subject verifiers), direct (boxed answer "
                   "only) or sciglm (the paper's: zero-shot, greedy, 512 tokens, the original "
                   "scorers). Default: sciglm for a model trained with the sciglm recipe, else "
                   "cot.")
@click.option("--prompt-format", default=None, metavar="NAME",
              help="chat (chat template / chat API) or sciglm ('[Round 1]\\n\\n问：…\\n\\n答：' "
                   "completed as plain text). Default: the model's recipe, else the protocol's.")
@click.option("--compare", default=None, metavar="TABLE",
              help="Print the paper's rows beside the scores: sciglm-paper (Tables 3-4) or "
                   "sciglm-paper-v1 (v1, Tables 5-6).")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="Score only the first N items of each benchmark.")
@click.option("--shots", type=click.IntRange(min=0), default=0, show_default=True,
              help="Worked exemplars before each question (few-shot; the dev split where the "
                   "benchmark has one).")
@click.option("--max-tokens", type=click.IntRange(min=1), default=512, show_default=True,
              help="Longest answer, in tokens.")
@click.option("--temperature", type=click.FloatRange(min=0), default=0.0, show_default=True,
              help="0 is greedy (repeatable scores).")
@click.option("--batch-size", type=click.IntRange(min=1), default=8, show_default=True,
              help="Questions per batch on a local model.")
@click.option("--concurrency", type=click.IntRange(min=1), default=8, show_default=True,
              help="Requests in flight to an endpoint.")
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True,
              help="Verifier processes.")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of the public sets in the mirror layout (default: $SCIGLM_DATA).")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Run folder (default: eval-runs/MODEL). Re-running resumes it.")
@click.option("--overwrite", is_flag=True, help="Discard the predictions already in --output.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON on stdout.")
def eval_cmd(model_name: str | None, base_url: str | None, benchmark_specs: tuple[str, ...],
             protocol: str | None, prompt_format: str | None, compare: str | None,
             limit: int | None, shots: int, max_tokens: int, temperature: float,
             batch_size: int, concurrency: int, workers: int, data_dir: Path | None,
             output: Path | None, overwrite: bool, as_json: bool) -> None:
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

    recipe = {} if base_url else read_recipe(model_name)
    chosen, fmt = choose(protocol, prompt_format, recipe)
    if compare:
        get_table(compare)
    benches = parse_benchmarks(benchmark_specs)
    if data_dir is not None and not data_dir.is_dir():
        raise SciglmError(f"--data-dir {data_dir}: no such folder")
    data_dir = data_dir or data_dir_from_env()
    for bench in benches:  # a missing file stops the run before the model loads
        resolve(bench, data_dir)
    params = GenParams(max_tokens=max_tokens, temperature=temperature)
    output = output or _default_output(model_name, base_url)
    # Items generated per step: one local batch (judged while the next one generates), or
    # enough requests to keep an endpoint busy.
    chunk = concurrency * 4 if base_url else batch_size
    options = EvalOptions(limit=limit, shots=shots, protocol=chosen.name, prompt_format=fmt,
                          params=params, workers=workers, chunk=chunk, overwrite=overwrite,
                          compare=compare)
    if recipe and not as_json:
        console.print(f"model trained with the {recipe.get('recipe', '?')!r} recipe: protocol "
                      f"{chosen.name}, prompt format {fmt}", markup=False)
    with console.status("loading model…"):
        model = load_model(model_name, base_url, concurrency=concurrency, batch_size=batch_size)
    model_id = {"model": model_name or "embedded", "base_url": base_url}
    try:
        report = run_eval(model, benches, output, data_dir, options, model_id,
                          progress=progress_bar)
    finally:
        model.close()
    if report.resumed:
        console.print(f"resumed the run in {output}: items already judged were not asked again",
                      markup=False)
    if as_json:
        print_json(report.to_dict())
        return
    title = f"sciglm eval: accuracy (%), protocol {chosen.name}, {fmt} format, {shots}-shot"
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
