"""Requests to an OpenAI-compatible teacher: a concurrency limit, retries, a token counter.

The SDK's own retries are switched off (``max_retries=0``) so that every retry is ours:
exponential backoff with jitter on 429, 5xx, timeouts, dropped connections and malformed
bodies; a server's ``Retry-After`` is honoured. Other 4xx answers are not retried: 401, 403
and 404 stop the run (nothing will work), any other is one question's failure.
"""

from __future__ import annotations

import asyncio
import email.utils
import itertools
import math
import random
import time
from dataclasses import dataclass, field
from typing import Any

import openai
from openai.types.chat import ChatCompletion

from sciglm.annotate.cache import ResponseCache, request_key
from sciglm.errors import SciglmError
from sciglm.records import Message

#: HTTP statuses after which a request is tried again.
RETRY_STATUSES = frozenset({408, 409, 425, 429}) | frozenset(range(500, 600))
#: HTTP statuses that mean the whole run cannot work (bad key, wrong model or URL).
FATAL_STATUSES = frozenset({401, 403, 404})
MAX_RETRY_AFTER = 300.0  # seconds: a longer Retry-After is capped
CONNECTIONS_PER_CLIENT = 8  # requests in flight per HTTP connection pool


class TeacherError(SciglmError):
    """A request that failed for good: retries exhausted, or an answer not worth retrying."""

    def __init__(self, message: str, kind: str, fatal: bool = False) -> None:
        super().__init__(message)
        self.kind = kind
        self.fatal = fatal


class MalformedResponse(Exception):
    """A 2xx answer that is not a chat completion with text in it."""


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
class TeacherStats:
    """The run's counters: requests, retries by cause, cache hits, tokens."""

    requests: int = 0
    cache_hits: int = 0
    failures: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    retries: dict[str, int] = field(default_factory=dict)

    def count_retry(self, kind: str) -> None:
        self.retries[kind] = self.retries.get(kind, 0) + 1

    @property
    def total_retries(self) -> int:
        return sum(self.retries.values())

    def cost(self, price_input: float | None, price_output: float | None) -> float | None:
        """US dollars at the given prices per million tokens, or ``None`` without prices."""
        if price_input is None and price_output is None:
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
    choices = getattr(response, "choices", None)
    if not isinstance(choices, list) or not choices:
        raise MalformedResponse(f"no choices in the response ({type(response).__name__})")
    message = getattr(choices[0], "message", None)
    text = getattr(message, "content", None)
    if not isinstance(text, str):
        raise MalformedResponse("the response's first choice has no message text")
    usage = getattr(response, "usage", None)
    prompt = getattr(usage, "prompt_tokens", None)
    completion = getattr(usage, "completion_tokens", None)
    return Completion(
        text=text,
        prompt_tokens=prompt if isinstance(prompt, int) else None,
        completion_tokens=completion if isinstance(completion, int) else None,
        finish_reason=getattr(choices[0], "finish_reason", None),
    )


class TeacherClient:
    """Chat completions from one base URL, at most ``concurrency`` requests in flight."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        concurrency: int = 8,
        request_timeout: float = 300.0,
        retry: RetryPolicy | None = None,
        cache: ResponseCache | None = None,
    ) -> None:
        self.base_url = base_url
        self.retry = retry or RetryPolicy()
        self.cache = cache
        self.stats = TeacherStats()
        self.request_timeout = request_timeout
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

        Raises :class:`TeacherError` when the server cannot be reached or refuses the key, so
        a run fails before any work is done.
        """
        try:
            page = await self._client.models.list(timeout=min(self.request_timeout, 30.0))
        except openai.APIConnectionError as exc:
            raise TeacherError(
                f"teacher at {self.base_url} is not reachable ({_describe(exc)})", "connection"
            ) from exc
        except openai.APIStatusError as exc:
            if exc.status_code in (401, 403):
                raise TeacherError(
                    f"teacher at {self.base_url} refused the API key (HTTP {exc.status_code})",
                    "auth", fatal=True,
                ) from exc
            if exc.status_code >= 500:
                raise TeacherError(
                    f"teacher at {self.base_url} answers HTTP {exc.status_code}", "server"
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
        body = {"model": model, "messages": messages, **params}
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
        async with self._slots:
            completion = await self._with_retries(body)
        self.stats.prompt_tokens += completion.prompt_tokens or 0
        self.stats.completion_tokens += completion.completion_tokens or 0
        if self.cache is not None:
            self.cache.put(key, completion.to_dict())
        return completion

    async def _with_retries(self, body: dict[str, Any]) -> Completion:
        retry = 0
        while True:
            started = time.monotonic()
            self.stats.requests += 1
            retry_after: float | None = None
            try:
                # ``post`` skips the SDK's per-request TypedDict transform (~1 ms of CPU):
                # our body is plain JSON already.
                response = await next(self._turn).post(
                    "/chat/completions", body=body, cast_to=ChatCompletion
                )
                completion = parse_completion(response)
                completion.seconds = time.monotonic() - started
                return completion
            except openai.APIStatusError as exc:
                status = exc.status_code
                if status not in RETRY_STATUSES:
                    self.stats.failures += 1
                    raise TeacherError(
                        f"HTTP {status} from the teacher: {_short(exc.message)}",
                        f"http_{status}", fatal=status in FATAL_STATUSES,
                    ) from exc
                kind = "429" if status == 429 else ("5xx" if status >= 500 else f"http_{status}")
                retry_after = retry_after_seconds(exc.response.headers)
                reason = f"HTTP {status}"
            except openai.APITimeoutError:
                kind, reason = "timeout", f"no answer within {self.request_timeout:g}s"
            except openai.APIConnectionError as exc:
                kind, reason = "connection", _describe(exc)
            except (MalformedResponse, openai.APIResponseValidationError, ValueError) as exc:
                kind, reason = "malformed", f"malformed response: {_short(str(exc))}"
            if retry >= self.retry.max_retries:
                self.stats.failures += 1
                raise TeacherError(
                    f"teacher failed after {retry + 1} attempts: {reason}", kind
                )
            self.stats.count_retry(kind)
            await asyncio.sleep(self.retry.delay(retry, retry_after))
            retry += 1


def _describe(exc: BaseException) -> str:
    cause = exc.__cause__ or exc.__context__
    text = str(cause) if cause is not None and str(cause) else str(exc)
    return _short(text or type(exc).__name__)


def _short(text: str, width: int = 200) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"
