"""Requests to an OpenAI-compatible endpoint: a concurrency limit, retries, a token counter.

The SDK's own retries are switched off (``max_retries=0``) so that every retry is ours:
exponential backoff with jitter on 429, 5xx, timeouts, stalls, dropped connections and
malformed bodies; a server's ``Retry-After`` is honoured. Other 4xx answers are not retried:
401, 403 and 404 stop the run (nothing will work), any other is one request's failure.

Requests stream (``stream: true``) by default, so a connection that takes a request and then
sends nothing is noticed after ``idle_timeout`` seconds without a byte and retried, while a
long generation that keeps sending lives on; ``request_timeout`` stays the ceiling of one try.
"""

from __future__ import annotations

import asyncio
import email.utils
import itertools
import math
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import openai
from openai.types.chat import ChatCompletion

from sciglm.endpoint.cache import ResponseCache, request_key
from sciglm.errors import SciglmError
from sciglm.records import Message

T = TypeVar("T")

#: HTTP statuses after which a request is tried again.
RETRY_STATUSES = frozenset({408, 409, 425, 429}) | frozenset(range(500, 600))
#: HTTP statuses that mean the whole run cannot work (bad key, wrong model or URL).
FATAL_STATUSES = frozenset({401, 403, 404})
MAX_RETRY_AFTER = 300.0  # seconds: a longer Retry-After is capped
CONNECTIONS_PER_CLIENT = 8  # requests in flight per HTTP connection pool
#: Seconds without a byte on a streamed answer before the try is abandoned and retried.
DEFAULT_IDLE_TIMEOUT = 30.0
#: What a streamed request adds to its body: OpenAI-compatible servers send a stream's token
#: usage (a last chunk with no choices) only when the request asks for it.
STREAM_FIELDS: dict[str, Any] = {"stream": True, "stream_options": {"include_usage": True}}


class EndpointError(SciglmError):
    """A request that failed for good: retries exhausted, or an answer not worth retrying."""

    def __init__(self, message: str, kind: str, fatal: bool = False) -> None:
        super().__init__(message)
        self.kind = kind
        self.fatal = fatal


class MalformedResponse(Exception):
    """A 2xx answer that is not a chat completion with text in it."""


class Stalled(Exception):
    """A streamed answer that sent nothing for the idle timeout."""


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a failing request is retried."""

    max_retries: int = 6
    base_delay: float = 1.0
    max_delay: float = 60.0

    def delay(self, retry: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number ``retry`` (0-based): equal jitter, capped."""
        ceiling = min(self.max_delay, self.base_delay * (2**retry))
        backoff = ceiling / 2 + random.uniform(0, ceiling / 2)
        if retry_after is not None and retry_after > 0:
            return min(retry_after, MAX_RETRY_AFTER)
        return backoff


@dataclass
class Completion:
    """One answer of the teacher."""

    text: str
    prompt_tokens: int | None
    completion_tokens: int | None
    finish_reason: str | None
    cached: bool = False
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "finish_reason": self.finish_reason,
        }


@dataclass
class EndpointStats:
    """The run's counters: requests, retries by cause, cache hits, tokens."""

    requests: int = 0
    cache_hits: int = 0
    failures: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    #: Answers fetched from the server (not from the cache), and how many of them came
    #: without token usage: the token counts above leave those out.
    answers: int = 0
    usage_missing: int = 0
    retries: dict[str, int] = field(default_factory=dict)

    def count_retry(self, kind: str) -> None:
        self.retries[kind] = self.retries.get(kind, 0) + 1

    @property
    def total_retries(self) -> int:
        return sum(self.retries.values())

    def count_usage(self, completion: Completion) -> None:
        """Add one answer's tokens; an answer without usage is counted as such, never as 0."""
        self.answers += 1
        if completion.prompt_tokens is None or completion.completion_tokens is None:
            self.usage_missing += 1
        self.prompt_tokens += completion.prompt_tokens or 0
        self.completion_tokens += completion.completion_tokens or 0

    def tokens_text(self) -> str:
        """``"1200 prompt + 340 completion"``, saying when the server reported no usage."""
        if self.usage_missing and self.usage_missing == self.answers:
            return "usage not reported by the server"
        text = f"{self.prompt_tokens} prompt + {self.completion_tokens} completion"
        if self.usage_missing:
            text += f" (usage not reported by the server for {self.usage_missing} answers)"
        return text

    def cost(self, price_input: float | None, price_output: float | None) -> float | None:
        """US dollars at the given prices per million tokens; ``None`` without prices or when
        the server reported no usage for some answers (a cost from part of them would lie)."""
        if price_input is None and price_output is None or self.usage_missing:
            return None
        return (self.prompt_tokens * (price_input or 0.0)
                + self.completion_tokens * (price_output or 0.0)) / 1e6

    def to_dict(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "cache_hits": self.cache_hits,
            "failed_requests": self.failures,
            "retries": dict(sorted(self.retries.items())),
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "answers_without_usage": self.usage_missing,
        }


def retry_after_seconds(headers: Any) -> float | None:
    """``Retry-After`` (seconds or an HTTP date) or ``retry-after-ms``, as seconds."""
    if headers is None:
        return None
    value = headers.get("retry-after-ms")
    if value:
        try:
            return max(0.0, float(value) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def parse_completion(response: Any) -> Completion:
    """Check that ``response`` is a chat completion with text; :class:`MalformedResponse` if not."""
    choice = _first_choice(response)
    text = getattr(getattr(choice, "message", None), "content", None)
    if not isinstance(text, str):
        raise MalformedResponse("the response's first choice has no message text")
    return _completion(text, response, choice)


def parse_text(response: Any) -> Completion:
    """Check that ``response`` is a text completion with text; :class:`MalformedResponse` if not."""
    choice = _first_choice(response)
    text = getattr(choice, "text", None)
    if not isinstance(text, str):
        raise MalformedResponse("the response's first choice has no text")
    return _completion(text, response, choice)


def _first_choice(response: Any) -> Any:
    choices = getattr(response, "choices", None)
    if not isinstance(choices, list) or not choices:
        raise MalformedResponse(f"no choices in the response ({type(response).__name__})")
    return choices[0]


def _completion(text: str, response: Any, choice: Any) -> Completion:
    """A whole answer's :class:`Completion` (usage read as a streamed answer's is)."""
    usage = getattr(response, "usage", None)
    counts = {key: getattr(usage, key, None) for key in ("prompt_tokens", "completion_tokens")}
    return _usage_completion(text, counts, getattr(choice, "finish_reason", None))


class EndpointClient:
    """Chat completions from one base URL, at most ``concurrency`` requests in flight.

    ``label`` names the server in messages ("teacher", "endpoint"); ``stream=False`` asks for
    whole answers (no idle timeout then: only ``request_timeout``).
    """

    def __init__(
        self,
        base_url: str,
        api_key: str,
        concurrency: int = 8,
        request_timeout: float = 300.0,
        retry: RetryPolicy | None = None,
        cache: ResponseCache | None = None,
        idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
        stream: bool = True,
        label: str = "endpoint",
    ) -> None:
        self.base_url = base_url
        self.retry = retry or RetryPolicy()
        self.cache = cache
        self.stats = EndpointStats()
        self.request_timeout = request_timeout
        self.idle_timeout = idle_timeout
        self.stream = stream
        self.label = label
        self._slots = asyncio.Semaphore(max(1, concurrency))
        # httpx's pool checks every one of its connections on each request, so a pool of 64
        # costs O(64) per request; small pools in turn keep that cost flat at any concurrency.
        shards = max(1, math.ceil(concurrency / CONNECTIONS_PER_CLIENT))
        self._clients = [
            openai.AsyncOpenAI(
                base_url=base_url, api_key=api_key, max_retries=0, timeout=request_timeout
            )
            for _ in range(shards)
        ]
        self._client = self._clients[0]
        self._turn = itertools.cycle(self._clients)

    async def close(self) -> None:
        for client in self._clients:
            await client.close()

    async def served_models(self) -> list[str] | None:
        """The model ids the server lists; ``None`` where it has no model list.

        Raises :class:`EndpointError` when the server cannot be reached or refuses the key, so
        a run fails before any work is done.
        """
        try:
            page = await self._client.models.list(timeout=min(self.request_timeout, 30.0))
        except openai.APIConnectionError as exc:
            raise EndpointError(
                f"{self.label} at {self.base_url} is not reachable ({_describe(exc)})",
                "connection",
            ) from exc
        except openai.APIStatusError as exc:
            if exc.status_code in (401, 403):
                raise EndpointError(
                    f"{self.label} at {self.base_url} refused the API key "
                    f"(HTTP {exc.status_code})", "auth", fatal=True,
                ) from exc
            if exc.status_code >= 500 and exc.status_code != 501:  # 501: no GET at all
                raise EndpointError(
                    f"{self.label} at {self.base_url} answers HTTP {exc.status_code}", "server"
                ) from exc
            return None  # no /models endpoint: nothing to check
        except (openai.OpenAIError, ValueError):
            return None  # an odd model list is no reason to stop
        data = getattr(page, "data", None) or []
        return [str(getattr(m, "id", "")) for m in data if getattr(m, "id", None)]

    async def complete(
        self, messages: list[Message], model: str, params: dict[str, Any]
    ) -> Completion:
        """One chat completion (from the cache when the same request was answered before)."""
        return await self._cached({"model": model, "messages": messages, **params}, "chat")

    async def complete_text(self, prompt: str, model: str, params: dict[str, Any]) -> Completion:
        """One raw text completion (``/completions``): the prompt is sent exactly as given."""
        return await self._cached({"model": model, "prompt": prompt, **params}, "text")

    async def _cached(self, body: dict[str, Any], kind: str) -> Completion:
        key = request_key(body) if self.cache is not None else ""
        if self.cache is not None:
            hit = await self.cache.get(key)
            if hit is not None:
                self.stats.cache_hits += 1
                return Completion(
                    text=hit["text"],
                    prompt_tokens=hit.get("prompt_tokens"),
                    completion_tokens=hit.get("completion_tokens"),
                    finish_reason=hit.get("finish_reason"),
                    cached=True,
                )
        completion = await self._fetch(body, kind)
        self.stats.count_usage(completion)
        if self.cache is not None:
            self.cache.put(key, completion.to_dict())
        return completion

    async def _fetch(self, body: dict[str, Any], kind: str) -> Completion:
        """The answer from the server (one request, with retries, within the concurrency)."""
        async with self._slots:
            return await self._with_retries(body, kind)

    async def stream_chat(
        self, messages: list[Message], model: str, params: dict[str, Any],
        on_finish: Callable[[str], None] | None = None,
    ) -> AsyncIterator[str]:
        """Reply text pieces as they arrive (chat). A try that fails or stalls before its first
        piece is retried; once text has been shown, a failure ends the reply with an error.
        ``on_finish`` is given the server's ``finish_reason`` ("stop", "length", …)."""
        body = {"model": model, "messages": messages, **params, **STREAM_FIELDS}
        retry = 0
        while True:
            shown = False
            try:
                async with self._slots:
                    self.stats.requests += 1
                    stream = await _idle_bounded_call(next(self._turn).post(
                        "/chat/completions", body=body, cast_to=ChatCompletion, stream=True,
                        stream_cls=RawChunks,
                    ), self.idle_timeout)
                    usage: Any = None
                    try:
                        async for chunk in _idle_bounded(stream, self.idle_timeout):
                            usage = _chunk_usage(chunk) or usage
                            piece = _chunk_text(chunk, "chat")
                            first = _chunk_choice(chunk)
                            reason = first.get("finish_reason") if first else None
                            if on_finish is not None and isinstance(reason, str):
                                on_finish(reason)
                            if piece:
                                shown = True
                                yield piece
                    finally:
                        await stream.close()
                self.stats.count_usage(_usage_completion("", usage, None))
                return
            except Exception as exc:  # noqa: BLE001 - classified below, re-raised when final
                kind, reason, retry_after = self._classify(exc)
                if shown or kind == "fatal" or retry >= self.retry.max_retries:
                    self.stats.failures += 1
                    raise _final(exc, kind, reason, retry, self.label) from exc
            self.stats.count_retry(kind)
            await asyncio.sleep(self.retry.delay(retry, retry_after))
            retry += 1

    async def _attempt(self, body: dict[str, Any], kind: str) -> Completion:
        """One try: a streamed answer read with the idle timeout, or a whole one."""
        path = "/chat/completions" if kind == "chat" else "/completions"
        client = next(self._turn)
        if not self.stream:
            # ``post`` skips the SDK's per-request TypedDict transform (~1 ms of CPU):
            # our body is plain JSON already.
            response = await client.post(path, body=body, cast_to=_whole_type(kind))
            return parse_completion(response) if kind == "chat" else parse_text(response)
        stream = await _idle_bounded_call(client.post(
            path, body={**body, **STREAM_FIELDS}, cast_to=_whole_type(kind), stream=True,
            stream_cls=RawChunks,
        ), self.idle_timeout)
        pieces: list[str] = []
        finish: str | None = None
        usage: Any = None
        with_choices = 0
        try:
            async for chunk in _idle_bounded(stream, self.idle_timeout):
                first = _chunk_choice(chunk)
                if first is not None:
                    with_choices += 1
                    pieces.append(_chunk_text(chunk, kind))
                    if isinstance(first.get("finish_reason"), str):
                        finish = first["finish_reason"]
                usage = _chunk_usage(chunk) or usage
        finally:
            await stream.close()
        if not with_choices:
            raise MalformedResponse("no choices in the streamed answer")
        return _usage_completion("".join(pieces), usage, finish)

    def _classify(self, exc: BaseException) -> tuple[str, str, float | None]:
        """``(kind, reason, retry_after)``; kind ``"fatal"`` is not retried."""
        if isinstance(exc, openai.APIStatusError):
            status = exc.status_code
            if status not in RETRY_STATUSES:
                return "fatal", f"HTTP {status} from the {self.label}: {_short(exc.message)}", None
            kind = "429" if status == 429 else ("5xx" if status >= 500 else f"http_{status}")
            return kind, f"HTTP {status}", retry_after_seconds(exc.response.headers)
        if isinstance(exc, (openai.APITimeoutError, asyncio.TimeoutError)):
            return "timeout", f"no answer within {self.request_timeout:g}s", None
        if isinstance(exc, Stalled):
            return "stall", str(exc), None
        if isinstance(exc, openai.APIConnectionError):
            return "connection", _describe(exc), None
        if isinstance(exc, (MalformedResponse, openai.APIResponseValidationError, ValueError,
                            openai.APIError)):
            return "malformed", f"malformed response: {_short(str(exc))}", None
        raise exc

    async def _with_retries(self, body: dict[str, Any], kind: str = "chat") -> Completion:
        retry = 0
        while True:
            started = time.monotonic()
            self.stats.requests += 1
            try:
                completion = await bounded(self._attempt(body, kind), self.request_timeout)
                completion.seconds = time.monotonic() - started
                return completion
            except Exception as exc:  # noqa: BLE001 - classified, re-raised when final
                error_kind, reason, retry_after = self._classify(exc)
                if error_kind == "fatal" or retry >= self.retry.max_retries:
                    self.stats.failures += 1
                    raise _final(exc, error_kind, reason, retry, self.label) from exc
            self.stats.count_retry(error_kind)
            await asyncio.sleep(self.retry.delay(retry, retry_after))
            retry += 1


def _chunk_usage(chunk: Any) -> dict[str, Any] | None:
    """A streamed chunk's ``usage`` (the last chunk, asked for by ``include_usage``)."""
    usage = chunk.get("usage") if isinstance(chunk, dict) else None
    return usage if isinstance(usage, dict) else None


def _usage_completion(text: str, usage: dict[str, Any] | None, finish: str | None) -> Completion:
    """A streamed answer's :class:`Completion`; token counts ``None`` where usage is absent."""
    prompt = (usage or {}).get("prompt_tokens")
    completion = (usage or {}).get("completion_tokens")
    return Completion(
        text=text,
        prompt_tokens=prompt if isinstance(prompt, int) else None,
        completion_tokens=completion if isinstance(completion, int) else None,
        finish_reason=finish,
    )


async def bounded(awaitable: Awaitable[T], seconds: float) -> T:
    """``await awaitable`` within ``seconds`` (:class:`TimeoutError` after).

    Not ``asyncio.wait_for``: before Python 3.12 it returns the result, and swallows the
    cancellation, when the task is cancelled just as the awaited call finishes, so a cancelled
    poll loop polled on and a run's ``close()`` waited for it forever. ``asyncio.timeout``
    (3.11+) keeps the cancellation; 3.10 has only ``wait_for``.
    """
    if _timeout is None:  # Python 3.10
        return await asyncio.wait_for(awaitable, seconds)
    async with _timeout(seconds):
        return await awaitable


async def _idle_bounded_call(call: Awaitable[T], idle: float) -> T:
    """``await call``; :class:`Stalled` when the server sends no answer head for ``idle`` s."""
    try:
        return await bounded(call, idle)
    except asyncio.TimeoutError:
        raise Stalled(f"no answer started within {idle:g}s (stalled connection)") from None


async def _idle_bounded(stream: Any, idle: float) -> AsyncIterator[Any]:
    """The stream's chunks; :class:`Stalled` when none comes for ``idle`` seconds."""
    iterator = stream.__aiter__()
    while True:
        try:
            chunk = await bounded(iterator.__anext__(), idle)
        except StopAsyncIteration:
            return
        except asyncio.TimeoutError:
            raise Stalled(f"no data for {idle:g}s (stalled connection)") from None
        yield chunk


_timeout = getattr(asyncio, "timeout", None)


#: Streamed chunks as the server's JSON (dicts): the SDK's pydantic model per chunk cost most of
#: the client's CPU (about 5 ms per 10-chunk answer), which capped a run at half its limit.
RawChunks = openai.AsyncStream[object]


def _chunk_choice(chunk: Any) -> dict[str, Any] | None:
    """A streamed chunk's first choice (``None`` where it has none, or not as a mapping)."""
    choices = chunk.get("choices") if isinstance(chunk, dict) else None
    if isinstance(choices, list) and choices and isinstance(choices[0], dict):
        return choices[0]
    return None


def _chunk_text(chunk: Any, kind: str) -> str:
    first = _chunk_choice(chunk)
    if first is None:
        return ""
    if kind == "chat":
        delta = first.get("delta")
        text = delta.get("content") if isinstance(delta, dict) else None
    else:
        text = first.get("text")
    return text if isinstance(text, str) else ""


def _whole_type(kind: str) -> Any:
    from openai.types import Completion as TextCompletion

    return ChatCompletion if kind == "chat" else TextCompletion


def _final(exc: BaseException, kind: str, reason: str, retry: int, label: str) -> EndpointError:
    """The error that ends a request for good."""
    if kind == "fatal":
        status = getattr(exc, "status_code", 0)
        return EndpointError(reason, f"http_{status}", fatal=status in FATAL_STATUSES)
    return EndpointError(f"{label} failed after {retry + 1} attempts: {reason}", kind)


def _describe(exc: BaseException) -> str:
    cause = exc.__cause__ or exc.__context__
    text = str(cause) if cause is not None and str(cause) else str(exc)
    return _short(text or type(exc).__name__)


def _short(text: str, width: int = 200) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"
