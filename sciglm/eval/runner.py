"""Run benchmarks: load questions, generate answers in chunks, judge them in the verifier pool
while the next chunk generates, append each judged item to its predictions file, then score.

Interrupting (Ctrl-C, a crash, ``kill``) loses at most the chunks in flight: run the same
command again and it continues from the items already in ``predictions/``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from concurrent.futures import Future, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sciglm import __version__, registry
from sciglm.eval import benchmarks as bm
from sciglm.eval.prompts import build_prompt
from sciglm.eval.protocols import check_prompt_format, get_protocol
from sciglm.eval.scores import BenchmarkScore, Report, score
from sciglm.eval.store import RunFolder
from sciglm.generation.base import ChatModel, GenParams, truncated_flags
from sciglm.io.jsonl import JsonlAppender, drop_errors
from sciglm.records import Question, Verdict, VerdictStatus, VerifyItem
from sciglm.verify.pool import VerifierPool

#: On Ctrl-C, how long verdicts of already generated items are waited for before saving.
SAVE_WAIT_SECONDS = 5.0


@dataclass
class EvalOptions:
    """How to run: how many items, protocol, prompt format and shots, sampling, chunking."""

    limit: int | None = None
    shots: int = 0
    protocol: str = "cot"
    prompt_format: str = "chat"
    params: GenParams = field(default_factory=lambda: GenParams(max_tokens=512))
    chunk: int = 8
    workers: int | None = None
    overwrite: bool = False
    #: Ask again for items whose request failed in an earlier run of the folder.
    retry_errors: bool = False
    #: A paper table to print beside the scores (:data:`sciglm.eval.paper.TABLES`).
    compare: str | None = None


@dataclass
class _Pending:
    question: Question
    response: str
    error: str
    future: Future[Verdict]
    truncated: bool = False  # the token limit cut the reply off


def run_eval(
    model: ChatModel,
    benchmarks: list[bm.Benchmark],
    output: str | Path,
    data_dir: Path | None,
    options: EvalOptions,
    model_id: dict[str, Any] | None = None,
    progress: Any = None,
    warn: Callable[[str], None] | None = None,
) -> Report:
    """Evaluate ``model`` on ``benchmarks``; results and predictions go under ``output``.

    ``progress(label, total)`` returns a context manager with ``advance(n=1)`` (a progress
    bar); by default nothing is shown. ``warn`` is told, before anything is generated, of
    each subject whose answers cannot be judged here (:meth:`Subject.cannot_judge`).
    """
    from sciglm.eval.paper import get_table

    protocol = get_protocol(options.protocol)
    check_prompt_format(options.prompt_format)
    table = get_table(options.compare) if options.compare else None
    folder = RunFolder(output)
    plans = [(bench, *_plan(bench, data_dir, options)) for bench in benchmarks]
    _warn_unjudgeable(plans, warn)
    check_model = getattr(model, "check_model", None)
    if check_model is not None:  # an endpoint: is --model one it serves? (as annotate checks)
        check_model()
    config = {
        "model": (model_id or {}).get("model", model.label),
        "base_url": (model_id or {}).get("base_url"),
        "protocol": protocol.name,
        "prompt_format": options.prompt_format,
        "shots": options.shots,
        **options.params.to_dict(),
        "benchmarks": [bench.name for bench in benchmarks],
        "splits": {bench.name: None if bench.mapped else bench.scored_split(_paper(options))
                   for bench in benchmarks},
        "limit": options.limit,
        "sciglm": __version__,
    }
    resumed = folder.start(config, options.overwrite)
    timing = {"generated": 0, "generate_seconds": 0.0}
    scores: list[BenchmarkScore] = []
    retried = 0
    bar_factory = progress or _NoProgress
    with VerifierPool(options.workers or 2) as pool:
        for bench, selected, exemplars in plans:
            if options.retry_errors:
                retried += drop_errors(folder.predictions_path(bench.name))
            done = folder.done(bench.name)
            todo = [q for q in selected if q.id not in done]
            with bar_factory(f"eval {bench.name}", len(selected)) as bar, folder.appender(
                bench.name
            ) as sink:
                bar.advance(len(selected) - len(todo))
                _run_benchmark(model, bench, todo, exemplars, options, pool, sink, bar, timing)
            done = folder.done(bench.name)
            records = [done[q.id] for q in selected if q.id in done]
            scores.append(score(bench.name, bench.title, records))
    keys = ("protocol", "prompt_format", "shots", "max_tokens", "temperature", "limit")
    settings = {k: config[k] for k in keys}
    report = Report(str(config["model"]), scores, settings, paper=table, resumed=resumed,
                    retried=retried, timing=_timing(timing))
    _write_results(folder, report)
    return report


def _warn_unjudgeable(plans: list[Any], warn: Callable[[str], None] | None) -> None:
    """Say before generation (not in the table after it) which subjects cannot be judged."""
    if warn is None:
        return
    known = registry.subjects()  # a set's own subject names (MMLU's abstract_algebra) are
    subjects = sorted({q.subject for _, selected, _ in plans for q in selected} & set(known))
    for name in subjects:  # judged by a benchmark scorer, never by a subject that could refuse
        reason = registry.get_subject(name).cannot_judge()
        if reason:
            warn(f"{name}: {reason}; every {name} verdict of this run will be null")


class _NoProgress:
    """A progress bar that shows nothing (the CLI passes a real one)."""

    def __init__(self, label: str, total: int) -> None:
        pass

    def __enter__(self) -> _NoProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass


def _plan(
    bench: bm.Benchmark, data_dir: Path | None, options: EvalOptions
) -> tuple[list[Question], dict[str, list[Question]]]:
    """The scored questions (first ``limit``) and the few-shot exemplars for each of them;
    the paper's split under its protocol or beside its table (:meth:`Benchmark.scored_split`)."""
    path = bm.resolve(bench, data_dir, paper=_paper(options))
    questions = bm.load(bench, path)
    exemplars: dict[str, list[Question]] = {}
    shots = options.shots
    if shots > 0 and not bench.own_prompt:
        if bench.fewshot_split:
            pool = bm.load(bench, bm.resolve(bench, data_dir, bench.fewshot_split))
        else:  # the file's last ``shots`` questions become exemplars and are not scored
            pool, questions = questions[-shots:], questions[:-shots]
        for question in questions:
            exemplars[question.id] = _pick(pool, question, shots)
    selected = questions[: options.limit] if options.limit is not None else questions
    return selected, exemplars


def _paper(options: EvalOptions) -> bool:
    """Whether the run is the paper's: its protocol, or its table printed beside."""
    return options.protocol == "sciglm" or options.compare is not None


def _pick(pool: list[Question], question: Question, shots: int) -> list[Question]:
    """Exemplars of the same subject and question type first, in file order."""
    kind = question.meta.get("type")
    ranked = sorted(pool, key=lambda q: (q.subject != question.subject, q.meta.get("type") != kind))
    return ranked[:shots]


def _run_benchmark(
    model: ChatModel,
    bench: bm.Benchmark,
    todo: list[Question],
    exemplars: dict[str, list[Question]],
    options: EvalOptions,
    pool: VerifierPool,
    sink: JsonlAppender,
    bar: Any,
    timing: dict[str, Any],
) -> None:
    unwritten: list[_Pending] = []  # judged or being judged, not yet in the predictions file
    protocol = get_protocol(options.protocol)
    try:
        for start in range(0, len(todo), options.chunk):
            chunk = todo[start : start + options.chunk]
            prompts = [build_prompt(bench, protocol, q, exemplars.get(q.id, []),
                                    options.prompt_format) for q in chunk]
            began = time.perf_counter()
            alone = options.protocol in bench.one_at_a_time
            batches = [[p] for p in prompts] if alone else [prompts]
            responses, errors, cuts = [], [], []
            for batch in batches:  # a backend's errors and cut-offs are those of its last call
                answers = _generate(model, batch, options)
                responses += answers
                errors += list(getattr(model, "errors", None) or [""] * len(answers))
                cuts += truncated_flags(model, len(answers))
            timing["generate_seconds"] += time.perf_counter() - began
            timing["generated"] += len(chunk)
            previous = len(unwritten)
            for question, response, error, cut in zip(chunk, responses, errors, cuts,
                                                      strict=True):
                future = (_not_judged(error) if error else
                          pool.submit(_verify_item(bench, question, response, options.protocol)))
                unwritten.append(_Pending(question, response, error, future, cut))
            _write(bench, unwritten, previous, sink, bar)  # the previous chunk, judged meanwhile
        _write(bench, unwritten, len(unwritten), sink, bar)
    except BaseException:
        _save_judged(bench, unwritten, sink)
        raise


def _generate(model: ChatModel, prompts: list[Any], options: EvalOptions) -> list[str]:
    """The model's answers to ``prompts``: raw completions for the ``sciglm`` prompt format,
    else chat turns."""
    if options.prompt_format == "sciglm":
        return model.complete_text([p.text or "" for p in prompts], options.params)
    return model.generate([p.messages for p in prompts], options.params)


def _not_judged(error: str) -> Future[Verdict]:
    """The verdict of an item whose request failed: no answer, so nothing is judged."""
    future: Future[Verdict] = Future()
    future.set_result(Verdict(None, None, f"not judged: {error}", status=VerdictStatus.NOT_RUN))
    return future


def _verify_item(
    bench: bm.Benchmark, question: Question, response: str, protocol: str
) -> VerifyItem:
    scorer = bench.scorer(protocol)
    return VerifyItem(
        id=question.id,
        subject=question.subject,
        response=response,
        reference=question.reference,
        question=question.question,
        choices=question.choices,
        extra={k: v for k, v in question.meta.items() if v is not None},
        scorer=None if scorer == bm.SUBJECT_SCORER else scorer,
        benchmark=bench.name,
    )


def _record(bench: bm.Benchmark, item: _Pending, verdict: Verdict) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": item.question.id,
        "benchmark": bench.name,
        "subject": item.question.subject,
        "cells": list(bench.cells(item.question)),
        "question": item.question.question,
        "reference": item.question.reference,
        "response": item.response,
        "predicted": verdict.predicted,
        "correct": verdict.correct,
        "reason": verdict.reason,
        "status": verdict.status.value,
        "verify_seconds": round(verdict.seconds, 3),
    }
    if verdict.details:
        record["details"] = verdict.details
    if item.error:
        record["error"] = item.error
    if item.truncated:
        record["truncated"] = True  # cut off by --max-tokens: the answer may be missing
    return record


def _write(
    bench: bm.Benchmark, items: list[_Pending], count: int, sink: JsonlAppender, bar: Any
) -> None:
    """Append the first ``count`` items once judged, in order, and drop them from ``items``."""
    for _ in range(count):
        item = items[0]
        sink.write(_record(bench, item, item.future.result()))
        items.pop(0)
        bar.advance()


def _save_judged(bench: bm.Benchmark, items: list[_Pending], sink: JsonlAppender) -> None:
    """On interruption keep what is judged within a few seconds (a resume redoes the rest)."""
    wait([item.future for item in items], timeout=SAVE_WAIT_SECONDS)
    for item in items:
        if item.future.done() and item.future.result().status is not VerdictStatus.NOT_RUN:
            sink.write(_record(bench, item, item.future.result()))


def _timing(timing: dict[str, Any]) -> dict[str, Any] | None:
    """The ``timing`` block of ``results.json`` and ``--json`` (``None``: nothing generated)."""
    if not timing["generated"]:
        return None
    return {"generated_items": timing["generated"],
            "generate_seconds": round(timing["generate_seconds"], 1),
            "seconds_per_item": round(timing["generate_seconds"] / timing["generated"], 2)}


def _write_results(folder: RunFolder, report: Report) -> None:
    data = report.to_dict()
    (folder.root / "results.json").write_text(
        json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8"
    )
    (folder.root / "results.md").write_text(report.to_markdown(), "utf-8")
