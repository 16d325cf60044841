"""A tiny OpenAI-compatible HTTP server on 127.0.0.1 for tests and benchmarks.

It speaks just enough HTTP/1.1 (keep-alive, ``Content-Length``) to serve ``GET /v1/models``
and ``POST /v1/chat/completions``. A ``responder`` decides each answer, so a test can make it
slow, rate limited (429 with ``Retry-After``), failing (500), stalled, dropped or garbled,
and :meth:`LoopbackServer.kill` makes it die mid-run. Not a production server.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 429: "Too Many Requests",
           500: "Internal Server Error", 503: "Service Unavailable"}


@dataclass
class Reply:
    """What the server does with one request.

    ``action``: ``"respond"`` (send ``status``/``body``), ``"drop"`` (close the connection
    without answering), ``"stall"`` (wait ``delay`` seconds, then close without answering).
    """

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    action: str = "respond"
    kind: str = "ok"  # a label counted in LoopbackServer.counts


def chat_body(text: str, model: str = "loopback", prompt_tokens: int = 10,
              completion_tokens: int = 5) -> bytes:
    """A chat completion whose one choice says ``text``."""
    return json.dumps({
        "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": text}}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    }).encode()


def ok(text: str, delay: float = 0.0, model: str = "loopback") -> Reply:
    return Reply(200, chat_body(text, model), delay=delay)


def error(status: int, retry_after: float | None = None, kind: str | None = None) -> Reply:
    headers = {"Retry-After": f"{retry_after:g}"} if retry_after is not None else {}
    body = json.dumps({"error": {"message": f"loopback {status}", "type": "loopback"}}).encode()
    return Reply(status, body, headers, kind=kind or str(status))


#: ``responder(request_json, number)`` → :class:`Reply`; ``number`` counts requests from 1.
Responder = Callable[[dict[str, Any], int], Reply]


class LoopbackServer:
    """Serve ``responder`` on 127.0.0.1 in a background thread (a context manager)."""

    def __init__(self, responder: Responder, models: tuple[str, ...] = ("loopback",),
                 port: int = 0) -> None:
        self.responder = responder
        self.models = models
        self.port = port
        self.counts: Counter[str] = Counter()
        self.requests: list[dict[str, Any]] = []
        self.in_flight = 0  # chat requests being answered right now
        self.peak_in_flight = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.base_events.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._number = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    # -- lifecycle ------------------------------------------------------------------------------
    def start(self) -> LoopbackServer:
        self._thread = threading.Thread(target=self._run, name="loopback-server", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("loopback server did not start")
        return self

    def _run(self) -> None:
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._open())
        self._ready.set()
        self._loop.run_forever()
        pending = asyncio.all_tasks(self._loop)
        for task in pending:
            task.cancel()
        if pending:
            self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        self._loop.close()

    async def _open(self) -> None:
        self._server = await asyncio.start_server(self._connection, "127.0.0.1", self.port,
                                                  backlog=1024)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _shutdown(self) -> None:
        if self._server is not None:
            for sock in self._server.sockets:
                _hard_shutdown(sock)
            self._server.close()
        for writer in list(self._writers):
            _cut(writer)
        self._writers.clear()

    def kill(self) -> None:
        """Die like a crashed server: stop listening and cut every open connection."""
        if self._loop is not None and self._loop.is_running():
            asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)

    def stop(self) -> None:
        if self._loop is None or not self._loop.is_running():
            return
        self.kill()
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- HTTP -----------------------------------------------------------------------------------
    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, path, _ = lines[0].split(" ", 2)
                headers = {k.strip().lower(): v.strip()
                           for k, _, v in (line.partition(":") for line in lines[1:] if line)}
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                reply = self._answer(method, path, body)
                self.in_flight += 1
                self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
                try:
                    if reply.delay:
                        await asyncio.sleep(reply.delay)
                finally:
                    self.in_flight -= 1
                if reply.action != "respond":
                    _cut(writer)
                    return
                reason = REASONS.get(reply.status, "Status")
                out = [f"HTTP/1.1 {reply.status} {reason}", "Content-Type: application/json",
                       f"Content-Length: {len(reply.body)}", "Connection: keep-alive"]
                out += [f"{k}: {v}" for k, v in reply.headers.items()]
                writer.write(("\r\n".join(out) + "\r\n\r\n").encode() + reply.body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            self._writers.discard(writer)
            writer.close()

    def _answer(self, method: str, path: str, body: bytes) -> Reply:
        if method == "GET" and path.rstrip("/").endswith("/models"):
            data = [{"id": m, "object": "model", "owned_by": "loopback"} for m in self.models]
            return Reply(200, json.dumps({"object": "list", "data": data}).encode())
        if method != "POST" or not path.rstrip("/").endswith("/chat/completions"):
            return error(404)
        try:
            request = json.loads(body)
        except ValueError:
            return error(400)
        self._number += 1
        self.requests.append(request)
        reply = self.responder(request, self._number)
        self.counts[reply.kind] += 1
        return reply


def _hard_shutdown(sock: Any) -> None:
    """``shutdown()`` acts on the socket itself, so a copy of its descriptor inherited by a
    forked process cannot keep a dead server listening or a dropped connection open."""
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def _cut(writer: asyncio.StreamWriter) -> None:
    """Drop a connection without an answer."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        _hard_shutdown(sock)
    writer.transport.abort()


def last_user_text(request: dict[str, Any]) -> str:
    """The text of the last user message of a chat request."""
    for message in reversed(request.get("messages", [])):
        if message.get("role") == "user":
            return str(message.get("content", ""))
    return ""


def serve_forever(latency: float, text: str, port: int, ready: Any = None) -> None:
    """Serve a fixed answer after a fixed latency until killed (for benchmark subprocesses)."""
    server = LoopbackServer(lambda request, n: ok(text, delay=latency), port=port).start()
    if ready is not None:
        ready.put(server.port)
    threading.Event().wait()
