"""The OpenAI Batch API behind the endpoint client's interface.

``complete()`` does not send a request: it queues it. Once no new request has come for
``gather_seconds`` (every question in flight has asked its next stage), the queue goes out as
one batch: a JSONL file uploaded with ``purpose=batch``, a batch created, polled every
``poll_seconds``, its output file downloaded; each waiting caller gets its answer by
``custom_id`` (the request's cache key), and every answer goes into the response cache.

Exactly once, across crashes: before waiting, the batch id and its request keys are written to
a state file beside the output. A run started again reads it and, for each batch not yet
consumed, waits for that batch instead of sending its requests again; answers already
downloaded come from the cache.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openai

from sciglm.endpoint.cache import request_key
from sciglm.endpoint.client import (
    Completion,
    EndpointClient,
    EndpointError,
    MalformedResponse,
    bounded,
    parse_completion,
    parse_text,
)

#: Batch statuses after which no more output will come.
FINAL = frozenset({"completed", "failed", "expired", "cancelled"})
URLS = {"chat": "/v1/chat/completions", "text": "/v1/completions"}


@dataclass
class _Pending:
    body: dict[str, Any]
    kind: str
    futures: list[asyncio.Future[Completion]] = field(default_factory=list)


class BatchClient(EndpointClient):
    """An :class:`EndpointClient` whose requests go through the Batch API (resumable)."""

    def __init__(self, base_url: str, api_key: str, state_path: str | os.PathLike[str],
                 poll_seconds: float = 30.0, gather_seconds: float = 1.0,
                 completion_window: str = "24h", **options: Any) -> None:
        super().__init__(base_url, api_key, **options)
        self.state_path = Path(state_path)
        self.poll_seconds = poll_seconds
        self.gather_seconds = gather_seconds
        self.completion_window = completion_window
        self.batches_sent = 0
        self._queue: dict[str, _Pending] = {}
        self._waiting: dict[str, _Pending] = {}  # keys of batches sent, not yet answered
        # Answers of a resumed batch that came before their caller asked (it was still looking
        # in the response cache): kept for it, never asked for again.
        self._ready: dict[str, Completion] = {}
        self._flush: asyncio.TimerHandle | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._resumed = False

    # -- the client interface -----------------------------------------------------------------
    async def _fetch(self, body: dict[str, Any], kind: str) -> Completion:
        self._resume()
        key = request_key(body)
        if key in self._ready:
            return self._ready.pop(key)
        future: asyncio.Future[Completion] = asyncio.get_running_loop().create_future()
        if key in self._waiting:  # sent in a batch of an earlier run: wait for that one
            self._waiting[key].futures.append(future)
        else:
            self._queue.setdefault(key, _Pending(body, kind)).futures.append(future)
            self._arm()
        return await future

    async def close(self) -> None:
        """Stop collecting (the batches stay on the server, recorded for the next run)."""
        pending = set(self._tasks)
        while pending:  # cancelled again until it ends: no task outlives the run
            for task in pending:
                task.cancel()
            _, pending = await asyncio.wait(pending, timeout=1.0)
        await super().close()

    # -- gathering and sending ------------------------------------------------------------------
    def _arm(self) -> None:
        loop = asyncio.get_running_loop()
        if self._flush is not None:
            self._flush.cancel()
        self._flush = loop.call_later(self.gather_seconds, self._send_queue)

    def _send_queue(self) -> None:
        self._flush = None
        queued, self._queue = self._queue, {}
        for kind in ("chat", "text"):
            part = {key: item for key, item in queued.items() if item.kind == kind}
            if part:
                self._spawn(self._send(part, kind))

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send(self, items: dict[str, _Pending], kind: str) -> None:
        try:
            lines = "".join(
                json.dumps({"custom_id": key, "method": "POST", "url": URLS[kind],
                            "body": item.body}, ensure_ascii=False) + "\n"
                for key, item in items.items())
            upload = await self._retrying(lambda: self._client.files.create(
                file=("sciglm-batch.jsonl", lines.encode("utf-8")), purpose="batch"))
            batch = await self._retrying(lambda: self._client.batches.create(
                input_file_id=upload.id, endpoint=URLS[kind],  # type: ignore[arg-type]
                completion_window=self.completion_window))  # type: ignore[arg-type]
        except EndpointError as exc:
            _fail(items, exc)
            return
        self.batches_sent += 1
        self.stats.requests += len(items)
        self._record(batch.id, kind, list(items))
        self._waiting.update(items)
        await self._collect(batch.id, kind, items)

    # -- waiting and collecting -----------------------------------------------------------------
    async def _collect(self, batch_id: str, kind: str, items: dict[str, _Pending]) -> None:
        """Poll ``batch_id`` until it ends; answer every waiting caller; mark it consumed."""
        try:
            while True:
                batch = await self._retrying(lambda: self._client.batches.retrieve(batch_id))
                if batch.status in FINAL:
                    break
                await asyncio.sleep(self.poll_seconds)
            answers = await self._download(batch.output_file_id, kind)
            errors = await self._download_errors(batch.error_file_id)
        except EndpointError as exc:
            _fail(items, exc)
            return
        for key, completion in answers.items():
            if self.cache is not None:
                self.cache.put(key, completion.to_dict())
        for key, item in items.items():
            self._waiting.pop(key, None)
            if key in answers and not any(not f.done() for f in item.futures):
                self._ready[key] = answers[key]  # its caller has not asked yet
            for future in item.futures:
                if future.done():
                    continue
                if key in answers:
                    future.set_result(answers[key])
                else:
                    reason = errors.get(key) or f"batch {batch_id} ended {batch.status}"
                    future.set_exception(EndpointError(
                        f"teacher batch {batch_id}: no answer for this request ({reason})",
                        "batch"))
        self._record_consumed(batch_id)

    async def _download(self, file_id: str | None, kind: str) -> dict[str, Completion]:
        if not file_id:
            return {}
        content = await self._retrying(lambda: self._client.files.content(file_id))
        answers: dict[str, Completion] = {}
        for line in content.text.splitlines():
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                response = row.get("response") or {}
                if response.get("status_code") != 200:
                    continue
                parsed = (openai.types.chat.ChatCompletion if kind == "chat"
                          else openai.types.Completion).model_validate(response["body"])
                answers[row["custom_id"]] = (parse_completion(parsed) if kind == "chat"
                                             else parse_text(parsed))
            except (ValueError, KeyError, TypeError, MalformedResponse,
                    openai.OpenAIError, AttributeError):
                continue  # a malformed answer line: that request is reported as unanswered
        return answers

    async def _download_errors(self, file_id: str | None) -> dict[str, str]:
        if not file_id:
            return {}
        content = await self._retrying(lambda: self._client.files.content(file_id))
        reasons: dict[str, str] = {}
        for line in content.text.splitlines():
            try:
                row = json.loads(line)
                error = row.get("error") or {}
                reasons[row["custom_id"]] = f"{error.get('code')}: {error.get('message')}"
            except (ValueError, KeyError, TypeError, AttributeError):
                continue
        return reasons

    async def _retrying(self, call: Any) -> Any:
        """One Batch/Files API call with the client's retry policy."""
        retry = 0
        while True:
            try:
                return await bounded(call(), self.request_timeout)
            except Exception as exc:  # noqa: BLE001 - classified, re-raised when final
                kind, reason, retry_after = self._classify(exc)
                if kind == "fatal" or retry >= self.retry.max_retries:
                    raise EndpointError(f"teacher Batch API: {reason}", "batch",
                                        fatal=kind == "fatal") from exc
            await asyncio.sleep(self.retry.delay(retry, retry_after))
            retry += 1

    # -- the state file -------------------------------------------------------------------------
    def _state(self) -> dict[str, Any]:
        if not self.state_path.exists():
            return {"batches": []}
        try:
            return json.loads(self.state_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise EndpointError(f"{self.state_path}: unreadable batch state ({exc})",
                                "batch", fatal=True) from exc

    def _write_state(self, state: dict[str, Any]) -> None:
        tmp = self.state_path.with_name(self.state_path.name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(state, handle, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.state_path)

    def _record(self, batch_id: str, kind: str, keys: list[str]) -> None:
        state = self._state()
        state["batches"].append({"id": batch_id, "kind": kind, "keys": keys,
                                 "consumed": False, "created": time.time()})
        self._write_state(state)

    def _record_consumed(self, batch_id: str) -> None:
        state = self._state()
        for entry in state["batches"]:
            if entry["id"] == batch_id:
                entry["consumed"] = True
        self._write_state(state)

    def _resume(self) -> None:
        """Once per run: wait again for the batches an earlier run sent and never consumed."""
        if self._resumed:
            return
        self._resumed = True
        for entry in self._state()["batches"]:
            if entry.get("consumed"):
                continue
            items = {key: _Pending({}, entry["kind"]) for key in entry["keys"]}
            self._waiting.update(items)
            self._spawn(self._collect(entry["id"], entry["kind"], items))

    @property
    def unconsumed(self) -> list[str]:
        """Ids of batches sent and not yet collected (from the state file)."""
        return [e["id"] for e in self._state()["batches"] if not e.get("consumed")]


def _fail(items: dict[str, _Pending], exc: EndpointError) -> None:
    for item in items.values():
        for future in item.futures:
            if not future.done():
                future.set_exception(exc)
