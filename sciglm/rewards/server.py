"""The HTTP reward service: ``/verify``, ``/reward`` (OpenRLHF's remote RM), ``/health``,
``/metrics``, on one warm :class:`~sciglm.rewards.source.RewardSource`.

``/reward`` matches OpenRLHF's ``remote_rm_fn`` (openrlhf/utils/remote_rm_utils.py): it posts
``{"query": [prompt+response], "prompts": [prompt], "labels": [reference]}`` and reads the
``"rewards"`` key of the answer. Checks run in the pool's processes; the event loop only waits.
"""

from __future__ import annotations

import hmac
import signal
import threading
import time
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from sciglm import registry
from sciglm.errors import SciglmError
from sciglm.records import VerdictStatus, VerifyItem
from sciglm.rewards.config import RewardServeConfig
from sciglm.rewards.items import make_item
from sciglm.rewards.source import RewardSettings, RewardSource, to_reward


class Overloaded(Exception):
    """The request would put more checks in flight than ``--max-queue``."""


class Admission:
    """Counts checks in flight; refuses a batch that would pass the limit (thread-safe)."""

    def __init__(self, limit: int) -> None:
        self.limit, self.in_flight, self._lock = limit, 0, threading.Lock()

    def enter(self, size: int) -> None:
        with self._lock:
            if self.in_flight + size > self.limit:
                raise Overloaded(f"{self.in_flight} checks in flight, limit {self.limit}")
            self.in_flight += size

    def leave(self, size: int) -> None:
        with self._lock:
            self.in_flight -= size


def verify_item(index: int, record: Any) -> VerifyItem:
    """A record as ``sciglm verify`` reads it; a bad one raises naming its index."""
    if not isinstance(record, dict):
        raise SciglmError(f"record {index} is not an object")
    subject = record.get("subject")
    if not isinstance(subject, str) or subject not in registry.subjects():
        raise SciglmError(f"record {index}: unknown or missing subject {subject!r}")
    if not isinstance(record.get("response"), str):
        raise SciglmError(f"record {index} has no 'response' text")
    record = dict(record)
    record.setdefault("id", str(index))
    return VerifyItem.from_record(record)


def reward_items(body: Any, subject: str) -> list[VerifyItem]:
    """OpenRLHF's ``{"query", "prompts", "labels"}``: the response is the query after its
    prompt (the whole query where it does not start with the prompt)."""
    if not isinstance(body, dict) or not isinstance(body.get("query"), list):
        raise SciglmError("body must be an object with a 'query' list")
    queries = body["query"]
    prompts = body.get("prompts") or [""] * len(queries)
    labels = body.get("labels")
    if not isinstance(labels, list) or not isinstance(prompts, list):
        raise SciglmError("'labels' (the reference answers) and 'prompts' must be lists")
    if not len(queries) == len(prompts) == len(labels):
        raise SciglmError(f"{len(queries)} queries, {len(prompts)} prompts, "
                          f"{len(labels)} labels: they must match")
    items = []
    for i, (query, prompt, label) in enumerate(zip(queries, prompts, labels, strict=True)):
        if not isinstance(query, str) or not isinstance(prompt, str):
            raise SciglmError(f"query {i} and its prompt must be text")
        response = query[len(prompt):] if prompt and query.startswith(prompt) else query
        items.append(make_item(i, subject, response, label, prompt or None))
    return items


def create_app(config: RewardServeConfig, source: RewardSource | None = None) -> FastAPI:
    """The service; its source (pool) starts with the app and closes when it stops."""
    if config.subject not in registry.subjects():
        raise SciglmError(f"unknown subject {config.subject!r} "
                          f"(known: {', '.join(sorted(registry.subjects()))})")
    source = source or RewardSource(RewardSettings(config.workers, config.timeout,
                                                   config.memory_mb, config.deadline))
    admission = Admission(config.max_queue)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        source.pool  # noqa: B018 - start the workers now, not on the first request
        try:
            yield
        finally:
            source.close()

    app = FastAPI(title="sciglm reward", lifespan=lifespan)

    @app.middleware("http")
    async def authorize(request: Request, call_next: Any) -> Any:
        if config.api_key and request.url.path != "/health":
            given = request.headers.get("authorization", "")
            if not hmac.compare_digest(given.encode(), f"Bearer {config.api_key}".encode()):
                return JSONResponse({"error": "missing or wrong API key"}, status_code=401)
        return await call_next(request)

    async def judge(items: list[VerifyItem]) -> list[Any]:
        admission.enter(len(items))
        try:
            return await run_in_threadpool(source.verdicts, items, config.deadline)
        finally:
            admission.leave(len(items))

    async def handle(request: Request, build: Any, answer: Any) -> JSONResponse:
        try:
            body = await request.json()
        except ValueError as exc:
            return JSONResponse({"error": f"body is not JSON: {exc}"}, status_code=400)
        try:
            items = build(body)
            verdicts = await judge(items)
        except SciglmError as exc:
            return JSONResponse({"error": str(exc)}, status_code=422)
        except Overloaded as exc:
            return JSONResponse({"error": f"busy: {exc}"}, status_code=429,
                                headers={"Retry-After": "1"})
        except RuntimeError as exc:  # the source closed under us (shutting down)
            return JSONResponse({"error": f"shutting down: {exc}"}, status_code=503)
        return JSONResponse(answer(items, verdicts))

    def records(body: Any) -> list[VerifyItem]:
        rows = body.get("records") if isinstance(body, dict) else body
        if not isinstance(rows, list):
            raise SciglmError("body must be a list of records or {'records': [...]}")
        return [verify_item(i, r) for i, r in enumerate(rows)]

    @app.post("/verify")
    async def verify(request: Request) -> JSONResponse:
        return await handle(request, records, lambda items, verdicts: {"verdicts": [
            v.to_record(item) | {"details": v.details, "seconds": v.seconds}
            for item, v in zip(items, verdicts, strict=True)]})

    @app.post("/reward")
    async def reward(request: Request) -> JSONResponse:
        def answer(items: list[VerifyItem], verdicts: list[Any]) -> dict[str, Any]:
            rewards = [to_reward(v, config.null_reward) for v in verdicts]
            return {"rewards": rewards, "scores": rewards,
                    "statuses": [v.status.value for v in verdicts]}

        return await handle(request, lambda body: reward_items(body, config.subject), answer)

    @app.get("/health")
    async def health() -> dict[str, Any]:
        return {"status": "ok", "subjects": sorted(registry.subjects())}

    @app.get("/metrics")
    async def metrics() -> dict[str, Any]:
        stats = source.stats
        uptime = max(time.monotonic() - stats.started, 1e-9)
        return {"verdicts": stats.verdicts, "verdicts_per_s": stats.verdicts / uptime,
                "cached": stats.cached,
                "statuses": stats.statuses,
                "timeouts": stats.statuses.get(VerdictStatus.TIMED_OUT.value, 0),
                "deadline_misses": stats.deadline_misses, "restarts": source.restarts,
                "queue_depth": admission.in_flight, "max_queue": config.max_queue,
                "uptime_s": uptime}

    return app


def serve(config: RewardServeConfig, on_ready: Any = None) -> None:
    """Run the service until SIGTERM or Ctrl-C; in-flight requests finish (each is bounded by
    the deadline) before the pool closes."""
    import uvicorn

    app = create_app(config)
    server = uvicorn.Server(uvicorn.Config(
        app, host=config.host, port=config.port, log_level="warning",
        timeout_graceful_shutdown=int(config.deadline) + 5,
    ))
    if on_ready is not None:
        original = server.startup

        async def startup(sockets: Any = None) -> None:
            await original(sockets)
            if server.started:
                bound = server.servers[0].sockets[0].getsockname()
                on_ready(f"http://{bound[0]}:{bound[1]}")

        server.startup = startup  # type: ignore[method-assign]
    # uvicorn finishes in-flight requests on SIGTERM, then raises the signal again: that second
    # SIGTERM lands here, so the command ends normally (its pool closed) instead of by a signal.
    previous = signal.signal(signal.SIGTERM, lambda *_: None)
    try:
        server.run()
    finally:
        signal.signal(signal.SIGTERM, previous)
    if not server.started:
        raise SciglmError(f"cannot serve on {config.host}:{config.port} (see the log above)")
