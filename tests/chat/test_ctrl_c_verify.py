"""Ctrl-C in a terminal during a reply reaches the whole process group, verifier worker too;
``/verify`` must still work afterwards (issue #24.6: main makes workers ignore SIGINT)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from tests.eval.stub_server import StubServer

LONG = " ".join(f"w{i}" for i in range(400))


def reply(messages: list[dict[str, str]]) -> str:
    return LONG if "long" in messages[-1]["content"] else "So the answer is \\boxed{4}."


def test_verify_works_after_ctrl_c_during_a_reply() -> None:
    with StubServer(reply, word_delay=0.02).running() as server:
        chat = subprocess.Popen(
            [sys.executable, "-m", "sciglm.cli.main", "chat", "--base-url", server.base_url,
             "--model", "stub"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            start_new_session=True,  # its own process group, as a terminal's foreground job
        )
        assert chat.stdin is not None
        chat.stdin.write("What is 2+2?\n/verify 4\nsomething long please\n")
        chat.stdin.flush()
        deadline = time.monotonic() + 60
        while server.streamed_words < 20:  # the worker is up and the long reply streams
            assert time.monotonic() < deadline and chat.poll() is None
            time.sleep(0.05)
        os.killpg(chat.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
        time.sleep(0.5)
        out, err = chat.communicate("What is 2+2 again?\n/verify 4\n", timeout=60)
    assert chat.returncode == 0, err
    assert "[stopped]" in out
    assert out.count("✓ correct [math]: predicted 4") == 2, out + err  # before and after
    assert "Broken pipe" not in out + err
    assert "Traceback" not in err, err
