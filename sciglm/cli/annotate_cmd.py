"""``sciglm annotate``: self-reflective annotation of questions with a teacher LLM."""

from __future__ import annotations

import asyncio
import contextlib
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from sciglm.annotate.config import AnnotateConfig
from sciglm.annotate.progress import AnnotateProgress
from sciglm.annotate.questions import read_questions
from sciglm.annotate.runner import Runner
from sciglm.annotate.runner import annotate as run_annotation
from sciglm.annotate.store import OutputStore, drop_errors
from sciglm.annotate.summary import COLUMNS, AnnotateSummary
from sciglm.cli.common import console, print_json, print_table
from sciglm.config import click_options, from_values
from sciglm.endpoint.client import EndpointStats
from sciglm.errors import InputError, SciglmError
from sciglm.io.paths import check_output
from sciglm.records import Question

NO_KEY = "sk-no-key"  # local servers want no key, but the client needs a non-empty one


def say(text: str, style: str | None = None) -> None:
    """One log line on stderr, never wrapped, never read as rich markup."""
    console.print(text, style=style, markup=False, highlight=False, soft_wrap=True)


def _api_key(env_name: str, explicit: bool) -> str:
    key = os.environ.get(env_name)
    if key:
        return key
    if explicit:
        raise SciglmError(f"--api-key-env {env_name}: that environment variable is not set")
    return NO_KEY


def _progress(runner: Runner, pending: int) -> AnnotateProgress:
    progress = AnnotateProgress(runner.summary, runner.client.stats, pending)
    runner.on_done = progress.update
    return progress


@click.command("annotate")
@click.argument("questions_path", metavar="QUESTIONS.jsonl", type=click.Path(dir_okay=False))
@click_options(AnnotateConfig)
@click.pass_context
def annotate(ctx: click.Context, questions_path: str, **values: Any) -> None:
    """Annotate QUESTIONS with step-by-step solutions a verifier accepts.

    Per question: a chain-of-thought answer; if the subject's verifier finds it wrong, up to
    --max-reflections critic-and-revise rounds with the verifier's feedback (the critique stays
    in the trajectory; the solution after "Corrected solution:" is verified and kept); then a
    last try with the reference answer as a hint; an optional --judge model settles undecided
    checks. Multiple-choice questions skip the reflection unless --reflect-choices.
    Records carry the stage reached ("cot", "reflect", "hint" or "failed") and the whole
    trajectory. Re-running resumes; a response cache makes the re-run repeat no API call.

    \b
    Examples:
      sciglm questions --source gsm8k:train --limit 100 --jsonl > q.jsonl
      sciglm annotate q.jsonl --output annotated.jsonl                 # embedded teacher
      OPENAI_API_KEY=... sciglm annotate q.jsonl -o out.jsonl \\
          --base-url https://api.openai.com/v1 --model gpt-4o-mini --concurrency 32
      OPENAI_API_KEY=... sciglm annotate q.jsonl -o out.jsonl --batch \\
          --base-url https://api.openai.com/v1 --model gpt-4o-mini   # Batch API, resumable
    """
    config = from_values(AnnotateConfig, values)
    output = config.output
    config.api_key = _api_key(config.api_key_env, _given(ctx, "api_key_env"))
    check_output(output, inputs=(questions_path,))  # before any (possibly paid) teacher call
    if Path(output).exists() and Path(output).stat().st_size and not config.resume:
        raise SciglmError(f"{output} exists: resume it (default), or choose another --output")
    if config.batch and not config.base_url:
        raise SciglmError("--batch needs --base-url (a server with the OpenAI Batch API)")
    if config.batch and config.no_cache:
        raise SciglmError("--batch keeps its answers in the response cache: drop --no-cache")
    if config.retry_errors:
        dropped = drop_errors(output)
        say(f"--retry-errors: {dropped} record(s) with teacher errors will run again")

    summary_invalid = 0

    def on_invalid(error: InputError) -> None:
        nonlocal summary_invalid
        summary_invalid += 1
        say(f"skipped {error}", "yellow")

    questions = read_questions(questions_path, config.subject,
                               on_invalid if config.skip_invalid else None)
    if config.limit:
        questions = questions[: config.limit]
    with OutputStore(output) as store:
        if store.repaired_bytes:
            say(f"repaired {output}: cut a torn last line ({store.repaired_bytes} bytes)")
        pending = sum(1 for q in questions if not store.is_done(q.id))
        say(f"{len(questions)} question(s), {len(questions) - pending} already in "
            f"{output}, {pending} to annotate")
        _warn_unverifiable(questions, config.judge)
        _warn_contaminated(questions, config.data_dir)
        summary, stats = AnnotateSummary(resumed=len(questions)), None
        if pending:
            with _teacher(config.base_url, config.model) as (base_url, model, embedded):
                run_config = replace(config, base_url=base_url, model=model, embedded=embedded)
                summary, client = asyncio.run(
                    run_annotation(questions, store, run_config, _progress)
                )
                stats = client.stats
        usable = sum(1 for b in store.done.values() if b.get("stage") != "failed")
    summary.invalid_lines = summary_invalid
    _report(summary, stats, config, questions_path)
    if summary.errors or summary.stopped_reason or summary.not_started:
        errors = sum(summary.errors.values())
        why = summary.stopped_reason or f"{errors} question(s) failed on teacher errors"
        say(f"Error: {why}; {summary.not_started} not started. Run again to resume; "
            "add --retry-errors to redo the failed ones.", "red")
        ctx.exit(1)
    if summary.done and not usable:  # every record of the output failed: filter keeps nothing
        say(f"Error: none of the {summary.done} question(s) got a solution the verifier accepts "
            f"(all failed); {output} has nothing for 'sciglm filter' to keep", "red")
        ctx.exit(1)


def _given(ctx: click.Context, name: str) -> bool:
    source = ctx.get_parameter_source(name)
    return source is not None and source.name == "COMMANDLINE"


def _warn_unverifiable(questions: list[Question], judge: str | None) -> None:
    missing = sum(1 for q in questions if q.reference is None)
    if missing and not judge:
        say(f"{missing} question(s) have no reference answer: without --judge they cannot "
            "be verified and will be recorded as failed", "yellow")


def _warn_contaminated(questions: list[Question], data_dir: str | None) -> None:
    """Warn before any teacher call when questions are in an evaluation set: filter and mix
    would drop every annotation of them as contaminated."""
    from sciglm.data.decontam import eval_set_overlap

    overlap = eval_set_overlap([q.question for q in questions], data_dir)
    for name, count in sorted(overlap.items()):
        say(f"warning: {count} of {len(questions)} question(s) are in the evaluation set "
            f"{name!r}: 'sciglm filter' and 'sciglm mix' will drop their annotations as "
            "contaminated; annotate a training split instead (e.g. sciglm questions "
            "--source gsm8k:train)", "yellow")


@contextlib.contextmanager
def _teacher(base_url: str | None, model: str | None):  # type: ignore[no-untyped-def]
    """``(base_url, model, embedded)``: the given endpoint, or the embedded teacher started here."""
    if base_url:
        yield base_url.rstrip("/"), model, False
        return
    from sciglm.teacher import EmbeddedTeacher

    teacher = EmbeddedTeacher(model)
    say(f"starting the embedded teacher ({teacher.model}) on {teacher.base_url}, "
        f"log: {teacher.log_path} …")
    with teacher:
        try:
            yield teacher.base_url, teacher.model, True
        finally:
            if teacher.died():
                say("Error: " + teacher.death_report("during the run"), "red")


def _report(summary: AnnotateSummary, stats: EndpointStats | None, config: AnnotateConfig,
            source: str) -> None:
    stats = stats or EndpointStats()
    cost = stats.cost(config.price_input, config.price_output)
    if config.as_json:
        print_json(summary.to_dict(stats, cost) | {"input": source, "output": config.output})
        return
    print_table(f"annotate {source}", COLUMNS, summary.rows())
    retries = ", ".join(f"{k} {v}" for k, v in sorted(stats.retries.items())) or "none"
    failed = summary.count("failed")
    line = (f"{summary.done - failed} annotated, {failed} failed, {summary.resumed} already done, "
            f"{summary.not_started} not started | requests {stats.requests} "
            f"(cache hits {stats.cache_hits}, retries: {retries}) | tokens "
            f"{stats.tokens_text()}")
    if cost is not None:
        line += f" | cost ${cost:.4f}"
    rate = summary.done / summary.wall_seconds if summary.wall_seconds else 0.0
    say(line + f" | {summary.wall_seconds:.1f}s, {rate:.2f} q/s")

