"""The endpoint client against a real HTTP server on loopback: retries, stalls, limits, cache."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from sciglm.endpoint.batch import BatchClient
from sciglm.endpoint.cache import ResponseCache
from sciglm.endpoint.client import (
    EndpointClient,
    EndpointError,
    RetryPolicy,
    bounded,
    retry_after_seconds,
)
from sciglm.endpoint.loopback import (
    LoopbackServer,
    Reply,
    chat_body,
    error,
    last_user_text,
    ok,
    text_body,
)

MESSAGES = [{"role": "user", "content": "What is 1+1?"}]
PARAMS = {"temperature": 0.0, "max_tokens": 16}


def scripted(*replies: Reply):
    """A responder that plays ``replies`` in order, then answers OK."""
    queue = list(replies)

    def responder(request, number):
        return queue.pop(0) if queue else ok("The answer is \\boxed{2}.")

    return responder


async def ask(server: LoopbackServer, retries: int = 4, timeout: float = 5.0, **kw):
    client = EndpointClient(server.base_url, "sk-test", request_timeout=timeout,
                           retry=RetryPolicy(max_retries=retries, base_delay=0.01), **kw)
    try:
        return await client.complete(MESSAGES, "loopback", PARAMS), client.stats
    finally:
        await client.close()


def test_every_transient_fault_is_retried_until_an_answer():
    replies = [error(429, retry_after=0.01), error(500), error(503),
               Reply(action="drop", kind="drop"), Reply(200, b"this is not json", kind="garbage"),
               Reply(200, b'{"id": "x", "object": "chat.completion"}', kind="no_choices")]
    with LoopbackServer(scripted(*replies)) as server:
        completion, stats = asyncio.run(ask(server, retries=6))
    assert completion.text == "The answer is \\boxed{2}."
    assert completion.completion_tokens == 5
    assert stats.requests == 7
    assert stats.retries == {"429": 1, "5xx": 2, "connection": 1, "malformed": 2}
    assert server.counts == {"429": 1, "500": 1, "503": 1, "drop": 1, "garbage": 1,
                             "no_choices": 1, "ok": 1}


def test_retry_after_is_honoured():
    with LoopbackServer(scripted(error(429, retry_after=0.6))) as server:
        started = time.monotonic()
        asyncio.run(ask(server))
        assert time.monotonic() - started >= 0.6


def test_a_request_never_answered_is_retried_after_the_idle_timeout():
    """A connection that takes the request and sends nothing costs the idle timeout, not the
    (much longer) request timeout."""
    with LoopbackServer(scripted(Reply(action="stall", delay=20.0, kind="stall"))) as server:
        started = time.monotonic()
        completion, stats = asyncio.run(ask(server, timeout=60.0, idle_timeout=0.5))
        elapsed = time.monotonic() - started
    assert completion.text.endswith("\\boxed{2}.")
    assert stats.retries == {"stall": 1}
    assert elapsed < 10


def test_a_stream_that_stalls_midway_is_retried():
    stall = Reply(200, chat_body("The answer is \\boxed{3}."), action="stall_stream", delay=20.0,
                  kind="stall_midway")
    with LoopbackServer(scripted(stall)) as server:
        completion, stats = asyncio.run(ask(server, timeout=60.0, idle_timeout=0.5))
    assert completion.text == "The answer is \\boxed{2}."
    assert stats.retries == {"stall": 1}
    assert server.counts == {"stall_midway": 1, "ok": 1}


def test_a_long_generation_that_keeps_streaming_lives():
    """Pieces every 0.2 s for longer than the idle timeout in all: no retry."""
    slow = Reply(200, chat_body(" ".join(f"w{i}" for i in range(12))), piece_delay=0.2,
                 kind="slow")
    with LoopbackServer(scripted(slow)) as server:
        completion, stats = asyncio.run(ask(server, timeout=60.0, idle_timeout=0.6))
    assert completion.text == " ".join(f"w{i}" for i in range(12))
    assert completion.completion_tokens == 5 and stats.retries == {}


def test_without_streaming_a_stall_costs_the_request_timeout():
    with LoopbackServer(scripted(Reply(action="stall", delay=3.0, kind="stall"))) as server:
        started = time.monotonic()
        completion, stats = asyncio.run(ask(server, timeout=0.5, stream=False))
    assert completion.text.endswith("\\boxed{2}.")
    assert stats.retries == {"timeout": 1}
    assert time.monotonic() - started < 2.5


def test_raw_text_completions_are_sent_as_given():
    async def one(server):
        client = EndpointClient(server.base_url, "k")
        try:
            return await client.complete_text("[Round 1]\n\n问：1+1?\n\n答：", "loopback",
                                              PARAMS)
        finally:
            await client.close()

    with LoopbackServer(lambda request, n: Reply(200, text_body("2"))) as server:
        completion = asyncio.run(one(server))
    assert completion.text == "2"
    assert server.requests[0]["prompt"] == "[Round 1]\n\n问：1+1?\n\n答："


def test_retries_run_out_with_the_reason():
    with LoopbackServer(lambda request, n: error(500)) as server:
        with pytest.raises(EndpointError, match=r"after 3 attempts: HTTP 500") as caught:
            asyncio.run(ask(server, retries=2))
    assert caught.value.kind == "5xx" and not caught.value.fatal
    assert server.counts["500"] == 3


@pytest.mark.parametrize(("status", "fatal"), [(401, True), (404, True), (400, False)])
def test_client_errors_are_not_retried(status, fatal):
    with LoopbackServer(lambda request, n: error(status)) as server:
        with pytest.raises(EndpointError, match=f"HTTP {status}") as caught:
            asyncio.run(ask(server))
    assert caught.value.fatal is fatal
    assert server.counts[str(status)] == 1


def test_concurrency_limit_caps_requests_in_flight():
    async def many(server):
        client = EndpointClient(server.base_url, "k", concurrency=3)
        try:
            await asyncio.gather(*(client.complete([{"role": "user", "content": str(i)}],
                                                   "loopback", PARAMS) for i in range(12)))
        finally:
            await client.close()

    with LoopbackServer(lambda request, n: ok("x", delay=0.1)) as server:
        asyncio.run(many(server))
    assert server.counts["ok"] == 12
    assert server.peak_in_flight == 3


def test_cache_answers_a_repeated_request_without_the_server(tmp_path: Path):
    with LoopbackServer(scripted()) as server:
        async def twice():
            io = ThreadPoolExecutor(1)
            cache = ResponseCache(tmp_path / "c.sqlite", io)
            first = await ask(server, cache=cache)
            second = await ask(server, cache=cache)
            cache.close()
            return first, second

        (first, _), (second, stats) = asyncio.run(twice())
    assert server.counts["ok"] == 1
    assert second.cached and second.text == first.text
    assert stats.cache_hits == 1 and stats.requests == 0


def test_retry_after_header_forms():
    assert retry_after_seconds({"retry-after": "2"}) == 2.0
    assert retry_after_seconds({"retry-after-ms": "1500"}) == 1.5
    assert retry_after_seconds({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0
    assert retry_after_seconds({"retry-after": "soon"}) is None
    assert retry_after_seconds({}) is None


def test_backoff_grows_with_jitter_and_respects_the_cap():
    policy = RetryPolicy(max_retries=10, base_delay=1.0, max_delay=8.0)
    for retry, ceiling in [(0, 1.0), (1, 2.0), (2, 4.0), (3, 8.0), (6, 8.0)]:
        delays = {policy.delay(retry) for _ in range(50)}
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(delays) > 1  # jittered
    assert policy.delay(0, retry_after=30.0) == 30.0


def test_eval_client_holds_128_requests_in_flight_at_scale():
    """The path a GPU user takes (vLLM behind --base-url, --concurrency 128): every request
    answered once, in order, with exactly 128 in flight at the peak."""
    from sciglm.generation.base import GenParams
    from sciglm.generation.endpoint import EndpointModel

    def echo(request, number):
        return ok(last_user_text(request), delay=0.3)

    with LoopbackServer(echo) as server:
        model = EndpointModel(server.base_url, "loopback", "k", concurrency=128)
        try:
            prompts = [[{"role": "user", "content": f"q{i}"}] for i in range(384)]
            replies = model.generate(prompts, GenParams(max_tokens=8))
        finally:
            model.close()
    assert replies == [f"q{i}" for i in range(384)]
    assert server.counts["ok"] == 384
    assert server.peak_in_flight == 128


@pytest.mark.parametrize("steps", range(4))
def test_a_cancelled_call_stays_cancelled_when_its_answer_has_just_come(steps: int):
    """``asyncio.wait_for`` (before 3.12) returns the answer and drops the cancellation when both
    happen in one loop turn: a cancelled poll loop then polled on, and ``close()`` waited on it
    forever. ``bounded`` keeps it."""

    async def main() -> None:
        answer = asyncio.get_running_loop().create_future()

        async def call() -> int:
            return await answer

        task = asyncio.ensure_future(bounded(call(), 10.0))
        await asyncio.sleep(0)
        answer.set_result(1)
        for _ in range(steps):
            await asyncio.sleep(0)
        if task.cancel():
            with pytest.raises(asyncio.CancelledError):
                await task

    asyncio.run(main())


def test_batch_client_close_ends_a_task_that_survives_one_cancellation(tmp_path: Path):
    async def main() -> float:
        client = BatchClient("http://127.0.0.1:9/v1", "k", state_path=tmp_path / "s.json")

        async def stubborn() -> None:
            try:
                await asyncio.sleep(60)
            except asyncio.CancelledError:
                await asyncio.sleep(60)  # as a poll loop whose cancellation was dropped

        client._spawn(stubborn())
        await asyncio.sleep(0)
        started = time.monotonic()
        await asyncio.wait_for(client.close(), 10)
        return time.monotonic() - started

    assert asyncio.run(main()) < 5
