"""``sciglm chat`` driven in tmux as a person would: type, watch it stream, use the commands,
press Ctrl-C during a reply, leave with Ctrl-D. Uses the embedded SmolLM2 model."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("tmux") is None, reason="tmux is not installed (apt-get install tmux)"
    ),
]
SCIGLM = Path(sys.executable).with_name("sciglm")


class Pane:
    """One tmux session on a private server socket."""

    def __init__(self, socket: str) -> None:
        self.socket = socket

    def tmux(self, *args: str) -> str:
        result = subprocess.run(["tmux", "-L", self.socket, *args], check=True,
                                capture_output=True, text=True)
        return result.stdout

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "chat", *keys)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", "chat", "-l", text)
        self.keys("Enter")

    def text(self) -> str:
        return self.tmux("capture-pane", "-p", "-J", "-S", "-", "-t", "chat")

    def wait(self, done: Callable[[str], bool], what: str, timeout: float = 120) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.text()
            if done(text):
                return text
            time.sleep(0.2)
        raise AssertionError(f"timed out waiting for {what}; the pane shows:\n{self.text()}")


def prompts(text: str) -> int:
    return sum(1 for line in text.splitlines() if line.startswith("you>"))


@pytest.fixture
def pane(tmp_path: Path) -> Iterator[Pane]:
    socket = f"sciglm-test-{os.getpid()}"
    pane = Pane(socket)
    command = f"{SCIGLM} chat --max-tokens 24; echo CHAT-EXITED $?; sleep 60"
    pane.tmux("new-session", "-d", "-s", "chat", "-x", "120", "-y", "50", "-c", str(tmp_path),
              command)
    try:
        yield pane
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True)


def test_chat_in_tmux(pane: Pane, tmp_path: Path) -> None:
    pane.wait(lambda t: prompts(t) == 1, "the first prompt (model loading)", timeout=240)

    # A question: the answer streams in, then the prompt comes back.
    pane.type("What is 7 times 6?")
    text = pane.wait(lambda t: prompts(t) == 2, "the reply to the first question")
    reply = text.split("What is 7 times 6?", 1)[1].split("you>", 1)[0].strip()
    assert reply, f"no reply shown:\n{text}"

    # /save writes the history; /verify judges the last answer with the math verifier.
    pane.type("/save first.json")
    pane.wait(lambda t: "saved 2 message(s)" in t, "/save")
    saved = json.loads((tmp_path / "first.json").read_text())
    assert [m["role"] for m in saved["messages"]] == ["user", "assistant"]
    assert saved["messages"][0]["content"] == "What is 7 times 6?"
    pane.type("/verify 2")
    text = pane.wait(lambda t: "reference 2" in t, "/verify's verdict")
    assert any(mark in text for mark in ("✓ correct [math]", "✗ incorrect [math]", "? undecided"))

    pane.type("/clear")
    pane.wait(lambda t: "conversation cleared (2 message(s) forgotten)" in t, "/clear")

    # A long reply: it visibly grows while streaming, Ctrl-C stops it, the chat stays.
    pane.type("/params max_tokens=400")
    pane.wait(lambda t: "max_tokens=400" in t, "/params")
    pane.type("Write a long story about a physicist and her experiments.")
    before = prompts(pane.text())

    def streamed(text: str) -> str:
        return text.split("her experiments.", 1)[1].strip() if "her experiments." in text else ""

    first = streamed(pane.wait(lambda t: len(streamed(t)) > 20, "the reply to start streaming"))
    later = streamed(pane.wait(lambda t: len(streamed(t)) > len(first) + 10, "more text"))
    assert later.startswith(first[:20])
    pane.keys("C-c")
    pane.wait(lambda t: "[stopped]" in t and prompts(t) == before + 1, "Ctrl-C to stop the reply")
    pane.type("/save second.json")
    pane.wait(lambda t: "saved 2 message(s)" in t.split("[stopped]", 1)[1], "/save after Ctrl-C")
    partial = json.loads((tmp_path / "second.json").read_text())["messages"][1]["content"]
    assert 0 < len(partial.split()) < 300  # cut well before 400 tokens

    pane.keys("C-d")
    text = pane.wait(lambda t: "CHAT-EXITED" in t, "Ctrl-D to leave")
    assert "CHAT-EXITED 0" in text
