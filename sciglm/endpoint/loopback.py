"""A tiny OpenAI-compatible HTTP server on 127.0.0.1 for tests and benchmarks.

It speaks just enough HTTP/1.1 (keep-alive, ``Content-Length``, chunked server-sent events
for ``stream: true``) to serve ``GET /v1/models``, ``POST /v1/chat/completions`` and
``/v1/completions``, and the Batch API (``POST /v1/files``, ``POST /v1/batches``,
``GET /v1/batches/ID``, ``GET /v1/files/ID/content``). A ``responder`` decides each answer, so
a test can make it slow, rate limited (429 with ``Retry-After``), failing (500), stalled
(before or in the middle of a streamed answer), dropped or garbled, and
:meth:`LoopbackServer.kill` makes it die mid-run. Not a production server.
"""

from __future__ import annotations

import asyncio
import json
import re
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
    without answering), ``"stall"`` (wait ``delay`` seconds, then close without answering),
    ``"stall_stream"`` (a streamed request: send the first piece, then nothing for ``delay``
    seconds, then close). ``piece_delay``: seconds between the pieces of a streamed answer.
    """

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    action: str = "respond"
    kind: str = "ok"  # a label counted in LoopbackServer.counts
    piece_delay: float = 0.0


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
        self.batches = BatchStore(self)

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
                reply, streamed, usage = self._answer(method, path, body, headers)
                self.in_flight += 1
                self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
                try:
                    if reply.delay and reply.action != "stall_stream":
                        await asyncio.sleep(reply.delay)
                    if reply.action not in ("respond", "stall_stream"):
                        _cut(writer)
                        return
                    recorded = reply.headers.get("Content-Type") == "text/event-stream"
                    if streamed and reply.status == 200 and not recorded:
                        if not await self._stream(writer, reply, usage):
                            return
                        continue
                finally:
                    self.in_flight -= 1
                reason = REASONS.get(reply.status, "Status")
                content_type = reply.headers.pop("Content-Type", "application/json")
                out = [f"HTTP/1.1 {reply.status} {reason}", f"Content-Type: {content_type}",
                       f"Content-Length: {len(reply.body)}", "Connection: keep-alive"]
                out += [f"{k}: {v}" for k, v in reply.headers.items()]
                writer.write(("\r\n".join(out) + "\r\n\r\n").encode() + reply.body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            self._writers.discard(writer)
            writer.close()

    async def _stream(self, writer: asyncio.StreamWriter, reply: Reply, usage: bool) -> bool:
        """Send ``reply`` as server-sent events, chunked (with a last usage chunk when
        ``usage``); ``False`` when the connection was cut."""
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                     b"Transfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n")
        for number, event in enumerate(sse_events(reply.body, usage)):
            data = f"data: {event}\n\n".encode()
            writer.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            await writer.drain()
            if reply.action == "stall_stream" and number == 0:
                await asyncio.sleep(reply.delay)
                _cut(writer)
                return False
            if reply.piece_delay:
                await asyncio.sleep(reply.piece_delay)
        done = b"data: [DONE]\n\n"
        writer.write(f"{len(done):x}\r\n".encode() + done + b"\r\n0\r\n\r\n")
        await writer.drain()
        return True

    def _answer(self, method: str, path: str, body: bytes,
                headers: dict[str, str]) -> tuple[Reply, bool, bool]:
        """The reply to one request, whether it goes out as a stream, and whether that stream
        ends with a usage chunk (only when the request asks, as OpenAI's API does)."""
        route = path.split("?")[0].rstrip("/")
        if method == "GET" and route.endswith("/models"):
            data = [{"id": m, "object": "model", "owned_by": "loopback"} for m in self.models]
            return Reply(200, json.dumps({"object": "list", "data": data}).encode()), False, False
        if "/files" in route or "/batches" in route:
            return self.batches.answer(method, route, body, headers), False, False
        if method != "POST" or not route.endswith(("/chat/completions", "/completions")):
            return error(404), False, False
        try:
            request = json.loads(body)
        except ValueError:
            return error(400), False, False
        options = request.get("stream_options")
        usage = isinstance(options, dict) and options.get("include_usage") is True
        return self.respond(request), bool(request.get("stream")), usage

    def respond(self, request: dict[str, Any]) -> Reply:
        """The responder's answer to one completion request (counted)."""
        self._number += 1
        self.requests.append(request)
        reply = self.responder(request, self._number)
        self.counts[reply.kind] += 1
        return reply


def sse_events(body: bytes, usage: bool = True) -> list[str]:
    """A whole chat/text completion body as streamed chunks: one per word, then (``usage``)
    a chunk with no choices and the usage, as OpenAI sends it for ``stream_options:
    {"include_usage": true}``. A body that is not a completion goes out as one event as it
    is (garbage stays garbage)."""
    try:
        whole = json.loads(body)
        choice = whole["choices"][0]
    except (ValueError, KeyError, IndexError, TypeError):
        return [body.decode("utf-8", "replace")]
    chat = "message" in choice
    text = choice["message"].get("content") or "" if chat else choice.get("text") or ""
    pieces = re.findall(r"\S*\s*", text)[:-1] or [""]
    obj = "chat.completion.chunk" if chat else "text_completion"
    events = []
    for number, piece in enumerate(pieces):
        last = number == len(pieces) - 1
        part: dict[str, Any] = ({"index": 0, "delta": {"content": piece},
                                 "finish_reason": choice.get("finish_reason") if last else None}
                                if chat else
                                {"index": 0, "text": piece,
                                 "finish_reason": choice.get("finish_reason") if last else None})
        events.append(json.dumps({"id": whole.get("id", "x"), "object": obj,
                                  "created": whole.get("created", 0),
                                  "model": whole.get("model", "loopback"), "choices": [part]}))
    if usage and whole.get("usage"):
        events.append(json.dumps({"id": whole.get("id", "x"), "object": obj,
                                  "created": whole.get("created", 0),
                                  "model": whole.get("model", "loopback"), "choices": [],
                                  "usage": whole["usage"]}))
    return events


class BatchStore:
    """The Batch API of the loopback server: uploaded files and batches, kept in memory.

    A batch runs (every line through the server's responder) the first time it is looked at
    after creation, unless ``hold`` is set: then it stays ``in_progress`` (a test can stop a
    client mid-wait and resume it). ``created`` counts the batches created.
    """

    def __init__(self, server: LoopbackServer) -> None:
        self.server = server
        self.files: dict[str, tuple[str, bytes]] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self.hold = False
        self.created = 0

    def answer(self, method: str, route: str, body: bytes, headers: dict[str, str]) -> Reply:
        parts = route.split("/")
        if method == "POST" and route.endswith("/files"):
            name, content = _multipart_file(body, headers.get("content-type", ""))
            return self._json(self._new_file(name, content))
        if method == "POST" and route.endswith("/batches"):
            request = json.loads(body)
            if request.get("input_file_id") not in self.files:
                return error(404)
            self.created += 1
            batch = {
                "id": f"batch_{uuid.uuid4().hex[:12]}", "object": "batch",
                "endpoint": request.get("endpoint", "/v1/chat/completions"),
                "input_file_id": request["input_file_id"],
                "completion_window": request.get("completion_window", "24h"),
                "status": "in_progress", "created_at": int(time.time()),
                "output_file_id": None, "error_file_id": None,
                "request_counts": {"total": 0, "completed": 0, "failed": 0},
            }
            self.batches[batch["id"]] = batch
            return self._json(batch)
        if method == "GET" and len(parts) >= 2 and parts[-2] == "batches":
            batch = self.batches.get(parts[-1])
            if batch is None:
                return error(404)
            if batch["status"] == "in_progress" and not self.hold:
                self._run(batch)
            return self._json(batch)
        if method == "GET" and route.endswith("/content") and parts[-2] in self.files:
            return Reply(200, self.files[parts[-2]][1],
                         {"Content-Type": "application/octet-stream"})
        return error(404)

    def _new_file(self, name: str, content: bytes) -> dict[str, Any]:
        ident = f"file-{uuid.uuid4().hex[:12]}"
        self.files[ident] = (name, content)
        return {"id": ident, "object": "file", "bytes": len(content), "filename": name,
                "created_at": int(time.time()), "purpose": "batch", "status": "processed"}

    def _run(self, batch: dict[str, Any]) -> None:
        out, failed = [], []
        lines = self.files[batch["input_file_id"]][1].decode("utf-8").splitlines()
        for line in filter(None, lines):
            item = json.loads(line)
            reply = self.server.respond(item["body"])
            if reply.status == 200 and reply.action == "respond":
                try:
                    response_body = json.loads(reply.body)
                except ValueError:
                    response_body = reply.body.decode("utf-8", "replace")
                out.append({"id": f"batch_req_{uuid.uuid4().hex[:8]}",
                            "custom_id": item["custom_id"],
                            "response": {"status_code": 200, "request_id": "r",
                                         "body": response_body}, "error": None})
            else:
                failed.append({"id": f"batch_req_{uuid.uuid4().hex[:8]}",
                               "custom_id": item["custom_id"], "response": None,
                               "error": {"code": str(reply.status),
                                         "message": f"loopback {reply.kind}"}})
        encode = "".join(json.dumps(row) + "\n" for row in out).encode()
        batch["output_file_id"] = self._new_file("output.jsonl", encode)["id"]
        if failed:
            errors = "".join(json.dumps(row) + "\n" for row in failed).encode()
            batch["error_file_id"] = self._new_file("errors.jsonl", errors)["id"]
        batch["status"] = "completed"
        batch["request_counts"] = {"total": len(out) + len(failed), "completed": len(out),
                                   "failed": len(failed)}

    @staticmethod
    def _json(data: dict[str, Any]) -> Reply:
        return Reply(200, json.dumps(data).encode())


def _multipart_file(body: bytes, content_type: str) -> tuple[str, bytes]:
    """The ``file`` part of a multipart/form-data upload: ``(filename, content)``."""
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if not match:
        raise ValueError("multipart upload without a boundary")
    for part in body.split(b"--" + match.group(1).encode()):
        head, _, content = part.partition(b"\r\n\r\n")
        if b'name="file"' in head:
            name = re.search(rb'filename="([^"]*)"', head)
            return (name.group(1).decode() if name else "upload.jsonl"), content[:-2]
    raise ValueError("multipart upload without a file part")


def text_body(text: str, model: str = "loopback") -> bytes:
    """A text completion (``/completions``) whose one choice says ``text``."""
    return json.dumps({
        "id": f"cmpl-{uuid.uuid4().hex[:12]}", "object": "text_completion",
        "created": int(time.time()), "model": model,
        "choices": [{"index": 0, "finish_reason": "stop", "text": text, "logprobs": None}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
    }).encode()


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
