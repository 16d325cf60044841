"""``sciglm annotate``: self-reflective annotation of questions with a teacher LLM."""

from __future__ import annotations

import asyncio
import contextlib
import os
from pathlib import Path
from typing import Any

import click

from sciglm.annotate.cache import default_cache_path
from sciglm.annotate.client import TeacherStats
from sciglm.annotate.progress import AnnotateProgress
from sciglm.annotate.questions import read_questions
from sciglm.annotate.runner import Runner, RunOptions
from sciglm.annotate.runner import annotate as run_annotation
from sciglm.annotate.store import OutputStore, drop_errors
from sciglm.annotate.summary import COLUMNS, AnnotateSummary
from sciglm.cli.common import console, print_json, print_table
from sciglm.errors import InputError, SciglmError
from sciglm.records import Question
from sciglm.verify.pool import DEFAULT_MEMORY_MB

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


def _options(opts: dict[str, Any], base_url: str, model: str | None,
             embedded: bool) -> RunOptions:
    cache = None if opts["no_cache"] else (opts["cache"] or default_cache_path(opts["output"]))
    return RunOptions(
        base_url=base_url, model=model, api_key=opts["api_key"],
        concurrency=opts["concurrency"], max_reflections=opts["max_reflections"],
        temperature=opts["temperature"], max_tokens=opts["max_tokens"], judge=opts["judge"],
        request_timeout=opts["request_timeout"], max_retries=opts["max_retries"],
        retry_wait=opts["retry_wait"], max_consecutive_errors=opts["max_consecutive_errors"],
        cache_path=cache, workers=opts["workers"], memory_mb=opts["memory_mb"],
        embedded=embedded, reflect_choices=opts["reflect_choices"],
    )


def _progress(runner: Runner, pending: int) -> AnnotateProgress:
    progress = AnnotateProgress(runner.summary, runner.client.stats, pending, console)
    runner.on_done = progress.update
    return progress


@click.command("annotate")
@click.argument("questions_path", metavar="QUESTIONS.jsonl", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Annotated records, one JSON line per question (appended as they finish).")
@click.option("--base-url", help="OpenAI-compatible endpoint, e.g. https://api.openai.com/v1 "
              "(default: start the embedded teacher on 127.0.0.1).")
@click.option("--model", help="Model name at --base-url; without --base-url a model folder to "
              "serve (default: the embedded SmolLM2-135M-Instruct).")
@click.option("--api-key-env", default="OPENAI_API_KEY", show_default=True,
              help="Environment variable holding the API key.")
@click.option("--concurrency", type=click.IntRange(1, 1024), default=8, show_default=True,
              help="Requests in flight at once.")
@click.option("--max-reflections", type=click.IntRange(0, 20), default=2, show_default=True,
              help="Critic-and-revise rounds after a wrong answer.")
@click.option("--reflect-choices", is_flag=True,
              help="Reflect (and hint) multiple-choice questions too; the original did not.")
@click.option("--temperature", type=float, default=0.7, show_default=True)
@click.option("--max-tokens", type=click.IntRange(1), default=1024, show_default=True,
              help="Tokens per response.")
@click.option("--subject", help="Treat every question as this subject.")
@click.option("--judge", help="Model (same endpoint) that decides when the verifier cannot; "
              "'embedded' = the served teacher.")
@click.option("--resume/--no-resume", default=True, show_default=True,
              help="Skip ids already in OUTPUT; --no-resume refuses an existing OUTPUT.")
@click.option("--retry-errors", is_flag=True,
              help="Drop records that failed on teacher errors from OUTPUT and run them again.")
@click.option("--limit", type=click.IntRange(1), help="Annotate at most this many questions.")
@click.option("--skip-invalid", is_flag=True, help="Report and skip bad input lines.")
@click.option("--request-timeout", type=float, default=300.0, show_default=True,
              help="Seconds one request may take.")
@click.option("--max-retries", type=click.IntRange(0), default=6, show_default=True,
              help="Retries of a failing request (429, 5xx, timeout, dropped, malformed).")
@click.option("--retry-wait", type=float, default=1.0, show_default=True,
              help="First backoff in seconds (doubles each retry, with jitter).")
@click.option("--max-consecutive-errors", type=click.IntRange(1), default=3, show_default=True,
              help="Stop after this many questions in a row fail on teacher errors.")
@click.option("--cache", type=click.Path(dir_okay=False),
              help="Response cache file (default: OUTPUT.cache.sqlite).")
@click.option("--no-cache", is_flag=True, help="Do not cache responses.")
@click.option("--workers", type=int, default=None, help="Verifier processes (default: CPUs).")
@click.option("--memory-mb", type=int, default=DEFAULT_MEMORY_MB, show_default=True,
              help="Memory cap per verifier process.")
@click.option("--price-input", type=float, help="USD per million prompt tokens (for the cost).")
@click.option("--price-output", type=float, help="USD per million completion tokens.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout.")
@click.pass_context
def annotate(ctx: click.Context, questions_path: str, **opts: Any) -> None:
    """Annotate QUESTIONS with step-by-step solutions a verifier accepts.

    Per question: a chain-of-thought answer; if the subject's verifier finds it wrong, up to
    --max-reflections critic-and-revise rounds with the verifier's feedback (the critique stays
    in the trajectory; the solution after "Corrected solution:" is verified and kept); then a
    last try with the reference answer as a hint; an optional --judge model settles undecided
    checks. Multiple-choice questions are not reflected unless --reflect-choices.
    Records carry the stage reached ("cot", "reflect", "hint" or "failed") and the whole
    trajectory. Re-running resumes; a response cache makes the re-run repeat no API call.

    \b
    Examples:
      sciglm questions --subject math --source gsm8k:test.jsonl --limit 100 --jsonl > q.jsonl
      sciglm annotate q.jsonl --output annotated.jsonl                 # embedded teacher
      OPENAI_API_KEY=... sciglm annotate q.jsonl -o out.jsonl \\
          --base-url https://api.openai.com/v1 --model gpt-4o-mini --concurrency 32
    """
    output = opts["output"]
    opts["api_key"] = _api_key(opts["api_key_env"], _given(ctx, "api_key_env"))
    if Path(output).exists() and Path(output).stat().st_size and not opts["resume"]:
        raise SciglmError(f"{output} exists: resume it (default), or choose another --output")
    if opts["retry_errors"]:
        dropped = drop_errors(output)
        say(f"--retry-errors: {dropped} record(s) with teacher errors will run again")

    summary_invalid = 0

    def on_invalid(error: InputError) -> None:
        nonlocal summary_invalid
        summary_invalid += 1
        say(f"skipped {error}", "yellow")

    questions = read_questions(questions_path, opts["subject"],
                               on_invalid if opts["skip_invalid"] else None)
    if opts["limit"]:
        questions = questions[: opts["limit"]]
    with OutputStore(output) as store:
        if store.repaired_bytes:
            say(f"repaired {output}: cut a torn last line ({store.repaired_bytes} bytes)")
        pending = sum(1 for q in questions if not store.is_done(q.id))
        say(f"{len(questions)} question(s), {len(questions) - pending} already in "
            f"{output}, {pending} to annotate")
        _warn_unverifiable(questions, opts["judge"])
        summary, stats = AnnotateSummary(resumed=len(questions)), None
        if pending:
            with _teacher(opts["base_url"], opts["model"]) as (base_url, model, embedded):
                options = _options(opts, base_url, model, embedded)
                summary, client = asyncio.run(
                    run_annotation(questions, store, options, _progress)
                )
                stats = client.stats
    summary.invalid_lines = summary_invalid
    _report(summary, stats, opts, questions_path)
    if summary.errors or summary.stopped_reason or summary.not_started:
        errors = sum(summary.errors.values())
        why = summary.stopped_reason or f"{errors} question(s) failed on teacher errors"
        say(f"Error: {why}; {summary.not_started} not started. Run again to resume; "
            "add --retry-errors to redo the failed ones.", "red")
        ctx.exit(1)


def _given(ctx: click.Context, name: str) -> bool:
    source = ctx.get_parameter_source(name)
    return source is not None and source.name == "COMMANDLINE"


def _warn_unverifiable(questions: list[Question], judge: str | None) -> None:
    missing = sum(1 for q in questions if q.reference is None)
    if missing and not judge:
        say(f"{missing} question(s) have no reference answer: without --judge they cannot "
            "be verified and will be recorded as failed", "yellow")


@contextlib.contextmanager
def _teacher(base_url: str | None, model: str | None):  # type: ignore[no-untyped-def]
    """``(base_url, model, embedded)``: the given endpoint, or the embedded teacher started here."""
    if base_url:
        yield base_url.rstrip("/"), model, False
        return
    from sciglm.teacher import EmbeddedTeacher

    teacher = EmbeddedTeacher(model)
    say(f"starting the embedded teacher ({teacher.model}) on {teacher.base_url} …")
    with teacher:
        yield teacher.base_url, teacher.model, True


def _report(summary: AnnotateSummary, stats: TeacherStats | None, opts: dict[str, Any],
            source: str) -> None:
    stats = stats or TeacherStats()
    cost = stats.cost(opts["price_input"], opts["price_output"])
    if opts["as_json"]:
        print_json(summary.to_dict(stats, cost) | {"input": source, "output": opts["output"]})
        return
    print_table(f"annotate {source}", COLUMNS, summary.rows())
    retries = ", ".join(f"{k} {v}" for k, v in sorted(stats.retries.items())) or "none"
    line = (f"{summary.done} annotated, {summary.resumed} already done, "
            f"{summary.not_started} not started | requests {stats.requests} "
            f"(cache hits {stats.cache_hits}, retries: {retries}) | tokens "
            f"{stats.prompt_tokens} prompt + {stats.completion_tokens} completion")
    if cost is not None:
        line += f" | cost ${cost:.4f}"
    rate = summary.done / summary.wall_seconds if summary.wall_seconds else 0.0
    say(line + f" | {summary.wall_seconds:.1f}s, {rate:.2f} q/s")

