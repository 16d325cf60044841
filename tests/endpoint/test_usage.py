"""Token usage of streamed answers: the client asks for it (``stream_options.include_usage``),
counts it, and says so when a server sends none instead of printing a measured-looking 0."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from sciglm.endpoint.client import STREAM_FIELDS, EndpointClient, EndpointStats, RetryPolicy
from sciglm.endpoint.loopback import LoopbackServer, Reply, chat_body, ok

MESSAGES = [{"role": "user", "content": "What is 1+1?"}]

# A stream as OpenAI's chat completions API sends it for ``stream_options: {"include_usage":
# true}`` (API reference, "The chat completion chunk object" and "stream_options"): every chunk
# carries ``"usage": null`` but the last, which has no choices and the usage. The blank
# ``data:``-free keep-alive comment line is part of what servers send, too.
RECORDED_OPENAI_STREAM = "".join(
    f"data: {json.dumps(chunk, separators=(',', ':'))}\n\n"
    for chunk in [
        {"id": "chatcmpl-AbC", "object": "chat.completion.chunk", "created": 1733000000,
         "model": "gpt-4o-mini-2024-07-18", "system_fingerprint": "fp_0ba0d124f1",
         "choices": [{"index": 0, "delta": {"role": "assistant", "content": "", "refusal": None},
                      "logprobs": None, "finish_reason": None}], "usage": None},
        {"id": "chatcmpl-AbC", "object": "chat.completion.chunk", "created": 1733000000,
         "model": "gpt-4o-mini-2024-07-18", "system_fingerprint": "fp_0ba0d124f1",
         "choices": [{"index": 0, "delta": {"content": "The answer is "}, "logprobs": None,
                      "finish_reason": None}], "usage": None},
        {"id": "chatcmpl-AbC", "object": "chat.completion.chunk", "created": 1733000000,
         "model": "gpt-4o-mini-2024-07-18", "system_fingerprint": "fp_0ba0d124f1",
         "choices": [{"index": 0, "delta": {"content": "\\boxed{2}."}, "logprobs": None,
                      "finish_reason": None}], "usage": None},
        {"id": "chatcmpl-AbC", "object": "chat.completion.chunk", "created": 1733000000,
         "model": "gpt-4o-mini-2024-07-18", "system_fingerprint": "fp_0ba0d124f1",
         "choices": [{"index": 0, "delta": {}, "logprobs": None, "finish_reason": "stop"}],
         "usage": None},
        {"id": "chatcmpl-AbC", "object": "chat.completion.chunk", "created": 1733000000,
         "model": "gpt-4o-mini-2024-07-18", "system_fingerprint": "fp_0ba0d124f1",
         "choices": [], "usage": {"prompt_tokens": 14, "completion_tokens": 9,
                                  "total_tokens": 23,
                                  "prompt_tokens_details": {"cached_tokens": 0},
                                  "completion_tokens_details": {"reasoning_tokens": 0}}},
    ]
) + ": keep-alive\n\ndata: [DONE]\n\n"


async def _ask(server: LoopbackServer, **kw: Any):
    client = EndpointClient(server.base_url, "sk-test", request_timeout=10,
                            retry=RetryPolicy(max_retries=1, base_delay=0.01), **kw)
    try:
        return await client.complete(MESSAGES, "loopback", {"max_tokens": 16}), client.stats
    finally:
        await client.close()


def test_a_streamed_request_asks_for_usage_and_counts_it() -> None:
    with LoopbackServer(lambda request, number: ok("The answer is \\boxed{2}.")) as server:
        completion, stats = asyncio.run(_ask(server))
        request = server.requests[-1]
    assert request["stream"] is True
    assert request["stream_options"] == {"include_usage": True}  # without it: no usage sent
    assert (completion.prompt_tokens, completion.completion_tokens) == (10, 5)
    assert (stats.prompt_tokens, stats.completion_tokens, stats.usage_missing) == (10, 5, 0)
    assert stats.tokens_text() == "10 prompt + 5 completion"


def test_the_loopback_server_sends_usage_only_when_asked() -> None:
    """The test above fails if the client stops asking: the server follows OpenAI's rule."""
    with LoopbackServer(lambda request, number: ok("x")) as server:
        completion, stats = asyncio.run(_ask(server))
        assert completion.completion_tokens == 5
        original = dict(STREAM_FIELDS)
        STREAM_FIELDS.pop("stream_options")
        try:
            completion, stats = asyncio.run(_ask(server))
        finally:
            STREAM_FIELDS.update(original)
    assert completion.prompt_tokens is None and completion.completion_tokens is None
    assert stats.usage_missing == 1


def test_a_recorded_openai_stream_gives_its_usage() -> None:
    recorded = Reply(200, RECORDED_OPENAI_STREAM.encode(),
                     headers={"Content-Type": "text/event-stream"})
    with LoopbackServer(lambda request, number: recorded) as server:
        completion, stats = asyncio.run(_ask(server))
    assert completion.text == "The answer is \\boxed{2}."
    assert completion.finish_reason == "stop"
    assert (completion.prompt_tokens, completion.completion_tokens) == (14, 9)
    assert stats.usage_missing == 0


def test_a_server_that_sends_no_usage_is_named_not_counted_as_zero() -> None:
    body = json.loads(chat_body("The answer is 2."))
    del body["usage"]
    with LoopbackServer(lambda request, number: Reply(200, json.dumps(body).encode())) as server:
        completion, stats = asyncio.run(_ask(server))
        whole, whole_stats = asyncio.run(_ask(server, stream=False))
    assert completion.prompt_tokens is None and whole.prompt_tokens is None
    assert stats.tokens_text() == "usage not reported by the server"
    assert whole_stats.usage_missing == 1
    assert stats.cost(1.0, 1.0) is None  # a cost from no counts would be a made-up $0
    assert stats.to_dict()["answers_without_usage"] == 1


def test_partly_reported_usage_says_how_many_answers_lack_it() -> None:
    stats = EndpointStats()
    with_usage = type("C", (), {"prompt_tokens": 3, "completion_tokens": 4})()
    without = type("C", (), {"prompt_tokens": None, "completion_tokens": None})()
    stats.count_usage(with_usage)  # type: ignore[arg-type]
    stats.count_usage(without)  # type: ignore[arg-type]
    assert stats.tokens_text() == (
        "3 prompt + 4 completion (usage not reported by the server for 1 answers)")


def test_chat_streaming_counts_usage_too() -> None:
    async def chat(server: LoopbackServer) -> tuple[str, EndpointStats]:
        client = EndpointClient(server.base_url, "sk-test", request_timeout=10)
        try:
            text = "".join([p async for p in client.stream_chat(MESSAGES, "loopback", {})])
            return text, client.stats
        finally:
            await client.close()

    with LoopbackServer(lambda request, number: ok("two words")) as server:
        text, stats = asyncio.run(chat(server))
        assert server.requests[-1]["stream_options"] == {"include_usage": True}
    assert text == "two words"
    assert (stats.prompt_tokens, stats.completion_tokens) == (10, 5)
