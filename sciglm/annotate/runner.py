"""A run: questions not yet in the output go through the stages, many at once.

``2 × concurrency`` questions are in flight so that request slots stay busy while other
questions wait for their verifier; the client caps requests at ``concurrency``. Each finished
question is written (and fsynced) on the I/O thread before it counts as done. When questions
keep ending in teacher errors (the server died), the run stops taking new ones: the ones in
flight are recorded as failed with the reason, the rest stay for a later run.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sciglm import registry
from sciglm.annotate.config import AnnotateConfig
from sciglm.annotate.stages import Check, QuestionRun, StageSettings
from sciglm.annotate.store import OutputStore, brief
from sciglm.annotate.summary import AnnotateSummary
from sciglm.endpoint.cache import ResponseCache
from sciglm.endpoint.client import EndpointClient, EndpointError, RetryPolicy
from sciglm.endpoint.served import choose_model
from sciglm.errors import SciglmError
from sciglm.records import Question, VerifyItem
from sciglm.subject import Subject
from sciglm.verify.pool import VerifierPool


def pool_check(pool: VerifierPool) -> Check:
    """Verification in the pool's worker processes, awaited without blocking the loop."""

    async def check(item):  # type: ignore[no-untyped-def]
        return await asyncio.wrap_future(pool.submit(item))

    return check


class Runner:
    """Annotates questions into an :class:`OutputStore`."""

    def __init__(
        self,
        client: EndpointClient,
        settings: StageSettings,
        check: Check,
        store: OutputStore,
        io: ThreadPoolExecutor,
        concurrency: int = 8,
        max_consecutive_errors: int = 3,
        on_done: Callable[[], None] | None = None,
    ) -> None:
        self.client = client
        self.settings = settings
        self.check = check
        self.store = store
        self.io = io
        self.concurrency = max(1, concurrency)
        self.max_consecutive_errors = max(1, max_consecutive_errors)
        self.on_done = on_done or (lambda: None)
        self.summary = AnnotateSummary()
        self._consecutive_errors = 0
        self._stop = asyncio.Event()
        self._fatal: EndpointError | None = None
        self._subjects: dict[str, Subject] = {}
        self._unwritten: list[tuple[dict[str, Any], asyncio.Future[None]]] = []
        self._flushing = False

    def _subject(self, name: str) -> Subject:
        if name not in self._subjects:
            self._subjects[name] = registry.get_subject(name)
        return self._subjects[name]

    async def _one(self, question: Question) -> None:
        run = QuestionRun(question, self._subject(question.subject), self.client, self.settings,
                          self.check)
        try:
            record = await run.run()
        except EndpointError as exc:  # fatal: bad key, unknown model, wrong URL
            if self._fatal is None:
                self._fatal = exc
            self._stop.set()
            return
        await self._persist(record)
        self.summary.add(brief(record))
        if record.get("error"):
            self._consecutive_errors += 1
            if self._consecutive_errors >= self.max_consecutive_errors and not self._stop.is_set():
                self.summary.stopped_reason = (
                    f"{self._consecutive_errors} questions in a row failed on teacher errors "
                    f"(last: {record['error']})"
                )
                self._stop.set()
        else:
            self._consecutive_errors = 0
        self.on_done()

    async def _persist(self, record: dict[str, Any]) -> None:
        """Write ``record`` durably; records finishing together share one fsync."""
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        self._unwritten.append((record, done))
        if not self._flushing:
            self._flushing = True
            try:
                while self._unwritten:
                    batch, self._unwritten = self._unwritten, []
                    try:
                        await loop.run_in_executor(
                            self.io, self.store.write_batch, [r for r, _ in batch]
                        )
                    except Exception as exc:  # noqa: BLE001 - handed to every waiting writer
                        for _, future in batch:
                            future.set_exception(exc)
                    else:
                        for _, future in batch:
                            future.set_result(None)
            finally:
                self._flushing = False
        await done

    async def _worker(self, queue: asyncio.Queue[Question]) -> None:
        while not self._stop.is_set():
            try:
                question = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            await self._one(question)

    async def run(self, questions: Iterable[Question]) -> AnnotateSummary:
        """Annotate every question without a record yet; raise a fatal :class:`EndpointError`."""
        started = time.monotonic()
        queue: asyncio.Queue[Question] = asyncio.Queue()
        for question in questions:
            if self.store.is_done(question.id):
                self.summary.resumed += 1
            else:
                queue.put_nowait(question)
        workers = min(queue.qsize(), 2 * self.concurrency)
        await asyncio.gather(*(self._worker(queue) for _ in range(workers)))
        self.summary.not_started = queue.qsize()
        self.summary.wall_seconds = time.monotonic() - started
        if self._fatal is not None:
            raise self._fatal
        return self.summary


def make_client(config: AnnotateConfig) -> EndpointClient:
    """The endpoint client the config asks for (the Batch API one with ``--batch``)."""
    assert config.base_url is not None
    common = {
        "concurrency": config.concurrency, "request_timeout": config.request_timeout,
        "retry": RetryPolicy(max_retries=config.max_retries, base_delay=config.retry_wait),
        "idle_timeout": config.idle_timeout, "stream": config.stream, "label": "teacher",
    }
    if config.batch:
        from sciglm.endpoint.batch import BatchClient

        state = Path(config.output).with_name(Path(config.output).name + ".batches.json")
        return BatchClient(config.base_url, config.api_key, state_path=state,
                           poll_seconds=config.batch_poll, **common)
    return EndpointClient(config.base_url, config.api_key, **common)


async def _warm_up(pool: VerifierPool, questions: list[Question]) -> None:
    """Wait until every verifier worker has started (loaded its plugins) and checked once,
    so the run's clock and its first questions do not pay for process start-up."""
    subjects = sorted({q.subject for q in questions})[:1]
    probes = [VerifyItem(id="warm-up", subject=s, response="") for s in subjects]
    await asyncio.gather(*(asyncio.wrap_future(pool.submit(probe))
                           for probe in probes * pool.workers))


async def annotate(
    questions: list[Question],
    store: OutputStore,
    config: AnnotateConfig,
    on_start: Callable[[Runner, int], Any] | None = None,
) -> tuple[AnnotateSummary, EndpointClient]:
    """One whole run: check the teacher, start the verifier pool, annotate what is pending.

    ``on_start(runner, pending)`` may return a context manager (the progress display) that
    is held for the run. Raises :class:`SciglmError` before any work when the teacher is
    unreachable or does not serve the model.
    """
    if config.base_url is None:
        raise SciglmError("annotate: no endpoint (--base-url) to annotate with")
    io = ThreadPoolExecutor(max_workers=1, thread_name_prefix="annotate-io")
    cache = None
    client = make_client(config)
    try:
        model = await choose_model(client, config.model)
        cache_path = config.cache_path()
        if cache_path is not None:
            cache = client.cache = ResponseCache(cache_path, io)
        judge = model if config.judge in ("embedded", "teacher") else config.judge
        params = {"temperature": config.temperature, "max_tokens": config.max_tokens}
        settings = StageSettings(
            model=model, params=params, max_reflections=config.max_reflections,
            judge_model=judge, reflect_choices=config.reflect_choices,
            original_prompts=config.original_prompts,
            teacher={"base_url": config.base_url, "model": model, "parameters": params,
                     "judge": judge, "embedded": config.embedded,
                     "batch": config.batch},
        )
        pool = VerifierPool(config.workers, None, config.memory_mb,
                            start_method=config.start_method)
        with pool:
            await _warm_up(pool, questions)
            if config.batch:  # every question in flight, so each stage fills one batch
                concurrency = max(1, len(questions))
            else:
                concurrency = config.concurrency
            runner = Runner(client, settings, pool_check(pool), store, io,
                            concurrency=concurrency,
                            max_consecutive_errors=config.max_consecutive_errors)
            pending = sum(1 for q in questions if not store.is_done(q.id))
            display = on_start(runner, pending) if on_start else None
            if display is None:
                await runner.run(questions)
            else:
                with display:
                    await runner.run(questions)
        return runner.summary, client
    finally:
        await client.close()
        io.shutdown(wait=True)
        if cache is not None:
            cache.close()
