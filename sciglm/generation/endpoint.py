"""An OpenAI-compatible chat endpoint (vLLM, ``transformers serve``, OpenAI itself).

Batches become concurrent requests (``concurrency`` at a time, input order kept); chat streams
with ``stream=True``. Connection and authentication failures stop the run with one clear error;
a request the server refuses (prompt too long, ...) becomes an empty reply with the reason.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from typing import Any

from sciglm.errors import SciglmError
from sciglm.generation.base import GenParams, OnBatch
from sciglm.records import Message

REQUEST_TIMEOUT = 600.0


class EndpointModel:
    """``model`` as served at ``base_url`` (the ``/v1`` root of an OpenAI-compatible server)."""

    def __init__(self, base_url: str, model: str, api_key: str, concurrency: int = 8) -> None:
        import openai

        self.base_url = base_url
        self.model = model
        self.label = model
        self.concurrency = max(1, concurrency)
        self.client = openai.OpenAI(
            base_url=base_url, api_key=api_key, timeout=REQUEST_TIMEOUT, max_retries=2
        )
        #: Why each of the last ``generate`` call's empty replies is empty ("" where none failed).
        self.errors: list[str] = []

    def _options(self, params: GenParams) -> dict[str, Any]:
        options: dict[str, Any] = {
            "max_tokens": params.max_tokens,
            "temperature": params.temperature,
        }
        if not params.greedy:
            options["top_p"] = params.top_p
        return options

    def _fail(self, exc: Exception) -> SciglmError:
        import openai

        if isinstance(exc, openai.APIConnectionError):
            return SciglmError(f"{self.base_url}: cannot connect to the endpoint ({exc})")
        if isinstance(exc, openai.AuthenticationError):
            return SciglmError(f"{self.base_url}: authentication failed (set OPENAI_API_KEY)")
        if isinstance(exc, openai.NotFoundError):
            return SciglmError(f"{self.base_url}: model {self.model!r} not found ({exc.message})")
        return SciglmError(f"{self.base_url}: {type(exc).__name__}: {exc}")

    def _one(self, messages: list[Message], params: GenParams) -> tuple[str, str]:
        import openai

        try:
            reply = self.client.chat.completions.create(
                model=self.model, messages=messages, **self._options(params)  # type: ignore[arg-type]
            )
        except openai.BadRequestError as exc:
            return "", f"endpoint refused the request: {exc.message}"
        except openai.OpenAIError as exc:
            raise self._fail(exc) from exc
        if not reply.choices:
            return "", "endpoint returned no choices"
        return (reply.choices[0].message.content or "").strip(), ""

    def _complete_one(self, prompt: str, params: GenParams) -> tuple[str, str]:
        import openai

        try:
            reply = self.client.completions.create(
                model=self.model, prompt=prompt, **self._options(params)
            )
        except openai.BadRequestError as exc:
            return "", f"endpoint refused the request: {exc.message}"
        except openai.OpenAIError as exc:
            raise self._fail(exc) from exc
        if not reply.choices:
            return "", "endpoint returned no choices"
        return (reply.choices[0].text or "").strip(), ""

    def complete(self, prompts: Sequence[str], params: GenParams) -> list[str]:
        """Raw completions from ``/v1/completions`` (no chat template), ``concurrency`` in
        flight, in input order; :attr:`errors` says why a reply is empty."""
        return self._run([lambda p=p: self._complete_one(p, params) for p in prompts])

    def generate(
        self,
        conversations: Sequence[list[Message]],
        params: GenParams,
        on_batch: OnBatch | None = None,
    ) -> list[str]:
        """Concurrent requests, ``concurrency`` in flight; replies in input order."""
        return self._run(
            [lambda m=m: self._one(m, params) for m in conversations], on_batch
        )

    def _run(
        self, calls: Sequence[Callable[[], tuple[str, str]]], on_batch: OnBatch | None = None
    ) -> list[str]:
        """Run ``calls`` on ``concurrency`` threads; texts in input order, reasons in errors."""
        jobs: queue.SimpleQueue[int] = queue.SimpleQueue()
        futures: list[Future[tuple[str, str]]] = []
        for index in range(len(calls)):
            jobs.put(index)
            futures.append(Future())

        def work() -> None:
            while True:
                try:
                    index = jobs.get_nowait()
                except queue.Empty:
                    return
                future = futures[index]
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    future.set_result(calls[index]())
                except BaseException as exc:  # noqa: BLE001 - handed to the caller
                    future.set_exception(exc)
                if on_batch is not None:
                    on_batch(1)

        # Daemon threads: on Ctrl-C the queued requests are cancelled and leaving does not
        # wait for the answers still in flight.
        for _ in range(min(self.concurrency, len(calls))):
            threading.Thread(target=work, name="sciglm-request", daemon=True).start()
        try:
            results = [future.result() for future in futures]
        except BaseException:
            for future in futures:
                future.cancel()
            raise
        self.errors = [error for _, error in results]
        return [text for text, _ in results]

    def stream(
        self, messages: list[Message], params: GenParams, stop: threading.Event
    ) -> Iterator[str]:
        """Reply pieces from a ``stream=True`` request; closing early when ``stop`` is set."""
        import openai

        try:
            response = self.client.chat.completions.create(
                model=self.model, messages=messages, stream=True, **self._options(params)  # type: ignore[arg-type]
            )
        except openai.OpenAIError as exc:
            raise self._fail(exc) from exc
        try:
            for chunk in response:
                if stop.is_set():
                    break
                if chunk.choices and chunk.choices[0].delta.content:
                    yield chunk.choices[0].delta.content
        except openai.OpenAIError as exc:
            raise self._fail(exc) from exc
        finally:
            response.close()

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self.client.close()
