"""The endpoint backend and the chat loop over real HTTP (a stand-in OpenAI-compatible server)."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console

from sciglm.chat.app import ChatApp
from sciglm.chat.session import ChatSession
from sciglm.errors import SciglmError
from sciglm.generation.base import GenParams
from sciglm.generation.endpoint import EndpointModel
from tests.eval.stub_server import StubServer

LONG = " ".join(f"w{i}" for i in range(200))


def echo(messages: list[dict[str, str]]) -> str:
    last = messages[-1]["content"]
    return LONG if "long" in last else f"You said: {last}"


def test_stream_and_generate_keep_order() -> None:
    with StubServer(echo).running() as server:
        model = EndpointModel(server.base_url, "stub", "key", concurrency=4)
        pieces = list(model.stream([{"role": "user", "content": "hi"}], GenParams(),
                                   threading.Event()))
        assert "".join(pieces).strip() == "You said: hi"
        assert len(pieces) == 3  # streamed word by word
        prompts = [[{"role": "user", "content": f"q{i}"}] for i in range(10)]
        assert model.generate(prompts, GenParams(max_tokens=7)) == [
            f"You said: q{i}" for i in range(10)
        ]
        sent = server.requests[-1]
        assert sent["max_tokens"] == 7 and sent["temperature"] == 0.0
        model.close()


def test_unknown_model_and_dead_endpoint_are_one_line_errors() -> None:
    with StubServer(echo).running() as server:
        wrong = EndpointModel(server.base_url, "nope", "key")
        with pytest.raises(SciglmError, match="model 'nope' not found"):
            wrong.generate([[{"role": "user", "content": "x"}]], GenParams())
    dead = EndpointModel(server.base_url, "stub", "key", max_retries=0)
    with pytest.raises(SciglmError, match="cannot connect"):
        list(dead.stream([{"role": "user", "content": "x"}], GenParams(), threading.Event()))


@pytest.fixture
def ctrl_c() -> Iterator[None]:
    """Ctrl-C raises KeyboardInterrupt, as in a terminal, even where the test run was started
    with SIGINT ignored (a background job of a shell without job control inherits SIG_IGN,
    and Python then installs no handler)."""
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, before)


@pytest.mark.usefixtures("ctrl_c")
def test_ctrl_c_stops_the_reply_and_keeps_the_chat() -> None:
    out = io.StringIO()
    lines = iter(["please write something long", "/params", "hello"])

    def read_line(prompt: str) -> str:
        try:
            return next(lines)
        except StopIteration:
            raise EOFError from None

    with StubServer(echo, word_delay=0.02).running() as server:
        model = EndpointModel(server.base_url, "stub", "key")
        session = ChatSession()
        app = ChatApp(model, session, Console(file=out, force_terminal=False), read_line)
        timer = threading.Timer(0.4, os.kill, (os.getpid(), signal.SIGINT))
        timer.start()
        app.run()
        timer.join()
    text = out.getvalue()
    assert "[stopped]" in text
    assert "You said: hello" in text  # the chat went on after Ctrl-C
    partial = session.history[1]["content"]
    assert session.history[0]["content"] == "please write something long"
    assert partial.startswith("w0 w1") and len(partial.split()) < 150
    assert server.streamed_words < 150  # the stream was closed early
    assert session.history[-1] == {"role": "assistant", "content": "You said: hello"}


@pytest.mark.usefixtures("ctrl_c")
def test_ctrl_c_during_concurrent_requests_returns_at_once() -> None:
    def slow(messages: list[dict[str, str]]) -> str:
        time.sleep(30)
        return "late"

    with StubServer(slow).running() as server:
        model = EndpointModel(server.base_url, "stub", "key", concurrency=4)
        timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
        began = time.monotonic()
        timer.start()
        with pytest.raises(KeyboardInterrupt):
            model.generate([[{"role": "user", "content": "q"}]] * 8, GenParams())
        assert time.monotonic() - began < 5
        assert len(server.requests) <= 4  # queued requests were never sent


def test_chat_command_with_piped_input(tmp_path: Path) -> None:
    sciglm = Path(sys.executable).with_name("sciglm")
    script = "What is 2+2?\n/system Be brief.\n/save chat.json\n/nonsense\n"
    with StubServer(echo).running() as server:
        result = subprocess.run(
            [str(sciglm), "chat", "--base-url", server.base_url, "--model", "stub"],
            input=script, capture_output=True, text=True, cwd=tmp_path, timeout=60,
        )
        sent = server.requests[0]
    assert result.returncode == 0, result.stderr  # end of input (Ctrl-D) leaves cleanly
    assert "You said: What is 2+2?" in result.stdout
    assert "unknown command /nonsense (type /help)" in result.stdout
    assert sent["stream"] is True and sent["messages"] == [
        {"role": "user", "content": "What is 2+2?"}]
    saved = json.loads((tmp_path / "chat.json").read_text())
    assert saved["system"] == "Be brief."
    assert saved["messages"][1] == {"role": "assistant", "content": "You said: What is 2+2?"}
