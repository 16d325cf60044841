"""An OpenAI-compatible chat endpoint (vLLM, ``transformers serve``, OpenAI itself), through
the one endpoint client (:mod:`sciglm.endpoint.client`): the same retries, idle timeout and
concurrency limit as annotation.

Batches become concurrent requests (``concurrency`` at a time, input order kept); chat streams.
Connection and authentication failures stop the run with one clear error; a request the server
refuses (prompt too long, ...) becomes an empty reply with the reason. The async client runs on
an event loop in a background thread, so eval and chat call it like any other backend.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Awaitable, Callable, Iterator, Sequence
from typing import Any, TypeVar

from sciglm.endpoint.client import (
    DEFAULT_IDLE_TIMEOUT,
    Completion,
    EndpointClient,
    EndpointError,
    RetryPolicy,
)
from sciglm.errors import SciglmError
from sciglm.generation.base import GenParams, OnBatch, cut_off
from sciglm.records import Message

REQUEST_TIMEOUT = 600.0
T = TypeVar("T")
_END = object()


class EndpointModel:
    """``model`` as served at ``base_url`` (the ``/v1`` root of an OpenAI-compatible server)."""

    def __init__(self, base_url: str, model: str, api_key: str, concurrency: int = 8,
                 request_timeout: float = REQUEST_TIMEOUT,
                 idle_timeout: float = DEFAULT_IDLE_TIMEOUT, max_retries: int = 2) -> None:
        self.base_url = base_url
        self.model = model
        self.label = model
        self.concurrency = max(1, concurrency)
        self.client = EndpointClient(
            base_url, api_key, concurrency=self.concurrency, request_timeout=request_timeout,
            idle_timeout=idle_timeout, retry=RetryPolicy(max_retries=max_retries),
        )
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="sciglm-endpoint",
                                        daemon=True)
        self._thread.start()
        #: Why each of the last ``generate`` call's empty replies is empty ("" where none failed).
        self.errors: list[str] = []
        #: Which of the last call's replies the token limit cut off; the same for the last stream.
        self.truncated: list[bool] = []
        self.stream_truncated = False

    def check_model(self) -> None:
        """Stop before any work when the server lists its models and ``model`` is not one."""
        from sciglm.endpoint.served import choose_model

        try:
            self._run(choose_model(self.client, self.model))
        except EndpointError as exc:
            raise self._fail(exc) from exc

    def _options(self, params: GenParams) -> dict[str, Any]:
        options: dict[str, Any] = {"max_tokens": params.max_tokens,
                                   "temperature": params.temperature}
        if not params.greedy:
            options["top_p"] = params.top_p
        return options

    def _fail(self, exc: EndpointError) -> SciglmError:
        """The one-line error that stops the run (bad URL, key or model)."""
        text = str(exc)
        if exc.kind == "connection":
            return SciglmError(f"{self.base_url}: cannot connect to the endpoint ({text})")
        if exc.kind in ("http_401", "http_403"):
            return SciglmError(f"{self.base_url}: authentication failed (set OPENAI_API_KEY)")
        if exc.kind == "http_404":
            return SciglmError(f"{self.base_url}: model {self.model!r} not found ({text})")
        return SciglmError(f"{self.base_url}: {text}")

    def _run(self, coroutine: Awaitable[T]) -> T:
        """Run ``coroutine`` on the client's loop; Ctrl-C cancels it and returns at once."""
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)  # type: ignore[arg-type]
        try:
            return future.result()
        except BaseException:
            future.cancel()
            raise

    async def _one(self, call: Callable[[], Awaitable[Completion]]) -> tuple[str, str, bool]:
        try:
            completion = await call()
        except EndpointError as exc:
            if exc.fatal or exc.kind == "connection":
                raise self._fail(exc) from exc
            return "", f"endpoint refused the request: {exc}", False
        return completion.text.strip(), "", cut_off(completion.finish_reason)

    def _many(self, calls: list[Callable[[], Awaitable[Completion]]],
              on_batch: OnBatch | None) -> list[str]:
        async def each(call: Callable[[], Awaitable[Completion]]) -> tuple[str, str, bool]:
            result = await self._one(call)
            if on_batch is not None:
                on_batch(1)
            return result

        async def gather() -> list[tuple[str, str, bool]]:
            return list(await asyncio.gather(*(each(call) for call in calls)))

        results = self._run(gather())
        self.errors = [error for _, error, _ in results]
        self.truncated = [cut for _, _, cut in results]
        return [text for text, _, _ in results]

    def generate(self, conversations: Sequence[list[Message]], params: GenParams,
                 on_batch: OnBatch | None = None) -> list[str]:
        """Concurrent chat requests, ``concurrency`` in flight; replies in input order."""
        options = self._options(params)
        return self._many([
            (lambda m=messages: self.client.complete(m, self.model, options))
            for messages in conversations], on_batch)

    def complete_text(self, prompts: Sequence[str], params: GenParams,
                      on_batch: OnBatch | None = None) -> list[str]:
        """Concurrent raw text completions (``/completions``): each prompt sent exactly."""
        options = self._options(params)
        return self._many([
            (lambda p=prompt: self.client.complete_text(p, self.model, options))
            for prompt in prompts], on_batch)

    def stream(self, messages: list[Message], params: GenParams,
               stop: threading.Event) -> Iterator[str]:
        """Reply pieces as they arrive; closing the request early when ``stop`` is set."""
        pieces: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self.stream_truncated = False

        def finished(reason: str) -> None:
            self.stream_truncated = cut_off(reason)

        async def pump() -> None:
            stream = self.client.stream_chat(messages, self.model, self._options(params),
                                             on_finish=finished)
            try:
                async for piece in stream:
                    if stop.is_set():
                        break
                    pieces.put(piece)
            except EndpointError as exc:
                pieces.put(self._fail(exc) if exc.fatal or exc.kind == "connection"
                           else SciglmError(f"{self.base_url}: {exc}"))
            except BaseException as exc:  # noqa: BLE001 - handed to the reading thread
                pieces.put(exc)
                raise
            finally:
                await stream.aclose()
                pieces.put(_END)

        future = asyncio.run_coroutine_threadsafe(pump(), self._loop)
        try:
            while True:
                piece = pieces.get()
                if piece is _END:
                    return
                if isinstance(piece, BaseException):
                    raise piece
                yield piece
        finally:
            stop.set()
            if not future.done():
                future.cancel()

    def close(self) -> None:
        """Close the HTTP connections and stop the client's loop."""
        if self._loop.is_closed():
            return
        try:
            asyncio.run_coroutine_threadsafe(self.client.close(), self._loop).result(10)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._loop.close()
