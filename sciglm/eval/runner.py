"""Run benchmarks: load questions, generate answers in chunks, judge them in the verifier pool
while the next chunk generates, append each judged item to its predictions file, then score.

Interrupting (Ctrl-C, a crash, ``kill``) loses at most the chunks in flight: run the same
command again and it continues from the items already in ``predictions/``.
"""

from __future__ import annotations

import json
import time
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
from sciglm.generation.base import ChatModel, GenParams
from sciglm.io.jsonl import JsonlAppender
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
    #: A paper table to print beside the scores (:data:`sciglm.eval.paper.TABLES`).
    compare: str | None = None


@dataclass
class _Pending:
    question: Question
    response: str
    error: str
    future: Future[Verdict]


def run_eval(
    model: ChatModel,
    benchmarks: list[bm.Benchmark],
    output: str | Path,
    data_dir: Path | None,
    options: EvalOptions,
    model_id: dict[str, Any] | None = None,
    progress: Any = None,
) -> Report:
    """Evaluate ``model`` on ``benchmarks``; results and predictions go under ``output``.

    ``progress(label, total)`` returns a context manager with ``advance(n=1)`` (a progress
    bar); by default nothing is shown.
    """
    from sciglm.eval.paper import get_table

    protocol = get_protocol(options.protocol)
    check_prompt_format(options.prompt_format)
    table = get_table(options.compare) if options.compare else None
    folder = RunFolder(output)
    plans = [(bench, *_plan(bench, data_dir, options)) for bench in benchmarks]
    for bench, selected, _ in plans:
        warn_unjudgeable(bench.title, [q.subject for q in selected])
    config = {
        "model": (model_id or {}).get("model", model.label),
        "base_url": (model_id or {}).get("base_url"),
        "protocol": protocol.name,
        "prompt_format": options.prompt_format,
        "shots": options.shots,
        **options.params.to_dict(),
        "benchmarks": [bench.name for bench in benchmarks],
        "limit": options.limit,
        "sciglm": __version__,
    }
    resumed = folder.start(config, options.overwrite)
    timing = {"generated": 0, "generate_seconds": 0.0}
    scores: list[BenchmarkScore] = []
    bar_factory = progress or _NoProgress
    with VerifierPool(options.workers or 2) as pool:
        for bench, selected, exemplars in plans:
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
                    timing=_timing(timing))
    _write_results(folder, report)
    return report


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
    """The scored questions (first ``limit``) and the few-shot exemplars for each of them."""
    path = bm.resolve(bench, data_dir)
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
            if options.prompt_format == "sciglm":
                responses = model.complete_text([p.text or "" for p in prompts], options.params)
            else:
                responses = model.generate([p.messages for p in prompts], options.params)
            timing["generate_seconds"] += time.perf_counter() - began
            timing["generated"] += len(chunk)
            errors = list(getattr(model, "errors", None) or [""] * len(chunk))
            previous = len(unwritten)
            for question, response, error in zip(chunk, responses, errors, strict=True):
                future = pool.submit(_verify_item(bench, question, response, options.protocol))
                unwritten.append(_Pending(question, response, error, future))
            _write(bench, unwritten, previous, sink, bar)  # the previous chunk, judged meanwhile
        _write(bench, unwritten, len(unwritten), sink, bar)
    except BaseException:
        _save_judged(bench, unwritten, sink)
        raise


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


def warn_unjudgeable(title: str, subjects: list[str]) -> None:
    """Before any generation: warn when a subject of these items can judge nothing here (its
    items would be generated, then all come back undecided)."""
    from sciglm.console import console

    for name in sorted(set(subjects)):
        reason = registry.get_subject(name).unavailable()
        if reason:
            count = subjects.count(name)
            console.print(f"warning: {title}: the {name} subject cannot judge here ({reason}); "
                          f"its {count} item(s) will be generated and come back undecided",
                          style="yellow", markup=False)


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
