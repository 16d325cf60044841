"""A small OpenAI-compatible server on loopback, for testing the endpoint client for real over
HTTP (chat, ``stream=True`` chat and raw ``/completions``) without a model."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Reply = Callable[[list[dict[str, str]]], str]


class StubServer:
    """Answers ``/v1/chat/completions`` with ``reply(messages)`` and ``/v1/completions`` with
    ``reply([{"role": "prompt", "content": PROMPT}])``; records every request."""

    def __init__(self, reply: Reply, word_delay: float = 0.0) -> None:
        self.reply = reply
        self.word_delay = word_delay
        self.requests: list[dict[str, Any]] = []
        self.streamed_words = 0
        self.lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with stub.lock:
                    stub.requests.append(body)
                if not self.path.endswith("/completions"):
                    self._json(404, {"error": {"message": "no such route"}})
                    return
                if body.get("model") != "stub":
                    self._json(404, {"error": {"message": f"model {body.get('model')} not found"}})
                    return
                if not self.path.endswith("/chat/completions"):
                    text = stub.reply([{"role": "prompt", "content": body["prompt"]}])
                    if body.get("stream"):
                        self._stream(text, chat=False)
                        return
                    self._json(200, {
                        "id": "x", "object": "text_completion", "created": 0, "model": "stub",
                        "choices": [{"index": 0, "finish_reason": "stop", "text": text,
                                     "logprobs": None}],
                    })
                    return
                text = stub.reply(body["messages"])
                if body.get("stream"):
                    self._stream(text)
                else:
                    self._json(200, {
                        "id": "x", "object": "chat.completion", "created": 0, "model": "stub",
                        "choices": [{"index": 0, "finish_reason": "stop",
                                     "message": {"role": "assistant", "content": text}}],
                    })

            def _json(self, status: int, data: dict[str, Any]) -> None:
                payload = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def _stream(self, text: str, chat: bool = True) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                try:
                    for word in text.split(" "):
                        if chat:
                            chunk = {"id": "x", "object": "chat.completion.chunk", "created": 0,
                                     "model": "stub",
                                     "choices": [{"index": 0, "delta": {"content": word + " "},
                                                  "finish_reason": None}]}
                        else:
                            chunk = {"id": "x", "object": "text_completion", "created": 0,
                                     "model": "stub",
                                     "choices": [{"index": 0, "text": word + " ",
                                                  "finish_reason": None, "logprobs": None}]}
                        self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                        self.wfile.flush()
                        with stub.lock:
                            stub.streamed_words += 1
                        time.sleep(stub.word_delay)
                    self.wfile.write(b"data: [DONE]\n\n")
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass
                self.close_connection = True

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    @contextmanager
    def running(self) -> Iterator[StubServer]:
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.server.shutdown()
            self.server.server_close()
