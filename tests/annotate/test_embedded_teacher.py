"""Against the REAL embedded teacher (SmolLM2-135M served by ``transformers serve`` on
loopback): every stage is reached, records are complete, ``kill -9`` then resume gives
exactly one record per question, and the server never outlives sciglm."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import read_records, write_questions

# The subprocess timeouts below stay inside pytest's own (pytest-timeout would kill the run first).
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1000)]

SCIGLM = [sys.executable, "-m", "sciglm.cli.main"]
QUESTIONS = [
    {"id": "easy", "subject": "math", "question": "What is 1+1?", "reference": "2"},
    {"id": "big", "subject": "math", "question": "What is 987654 times 123457?",
     "reference": "121932483678"},
    {"id": "integral", "subject": "math",
     "question": "Compute the integral of x^7 e^{-x} from 0 to infinity, divided by 13.",
     "reference": "\\frac{5040}{13}"},
]
FAST = ["--max-tokens", "32", "--max-reflections", "1", "--temperature", "0",
        "--concurrency", "4", "--workers", "1"]


def port_closed(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def served_port(stderr: str) -> int:
    return int(re.search(r"on http://127\.0\.0\.1:(\d+)/v1", stderr).group(1))


def test_every_stage_is_reached_with_complete_records(tmp_path: Path):
    path = write_questions(tmp_path / "q.jsonl", QUESTIONS)
    out = tmp_path / "out.jsonl"
    result = subprocess.run([*SCIGLM, "annotate", str(path), "-o", str(out), *FAST],
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    records = {r["id"]: r for r in read_records(out)}
    assert set(records) == {"easy", "big", "integral"}
    assert records["easy"]["stage"] == "cot" and records["easy"]["correct"] is True
    for hard in ("big", "integral"):  # far beyond a 135M model: reflect, hint, failed
        assert records[hard]["stage"] == "failed" and records[hard]["response"] is None
        assert [s["stage"] for s in records[hard]["trajectory"]] == ["cot", "reflect", "hint"]
        assert set(records[hard]["usage"]) == {"cot", "reflect", "hint"}
        assert records[hard]["usage"]["hint"]["completion_tokens"] > 0
    for record in records.values():
        assert record["teacher"]["embedded"] is True
        assert record["teacher"]["model"].endswith("smollm2-135m-instruct")
        for step in record["trajectory"]:
            assert step["response"] and step["prompt"] and "correct" in step["verdict"]
    assert port_closed(served_port(result.stderr))  # the teacher was stopped


def test_kill_9_mid_run_then_resume_gives_one_record_per_question(tmp_path: Path):
    path = write_questions(tmp_path / "q.jsonl", QUESTIONS)
    out = tmp_path / "out.jsonl"
    log = tmp_path / "first.log"
    with open(log, "w") as stderr:
        first = subprocess.Popen([*SCIGLM, "annotate", str(path), "-o", str(out), *FAST],
                                 stdout=subprocess.DEVNULL, stderr=stderr)
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and first.poll() is None:
            if out.exists() and out.read_text().count("\n") >= 1:
                break
            time.sleep(0.2)
        assert first.poll() is None, "the run ended before it could be killed"
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
    port = served_port(log.read_text())
    for _ in range(50):  # the server dies with its parent (PR_SET_PDEATHSIG)
        if port_closed(port):
            break
        time.sleep(0.2)
    assert port_closed(port)
    done = read_records(out)
    assert 1 <= len(done) < 3
    with open(out, "a") as handle:  # a record torn by the kill
        handle.write('{"id": "integral", "subject": "math", "quest')

    second = subprocess.run([*SCIGLM, "annotate", str(path), "-o", str(out), *FAST],
                            capture_output=True, text=True, timeout=900)
    assert second.returncode == 0, second.stderr
    assert "cut a torn last line" in second.stderr
    ids = [r["id"] for r in read_records(out)]
    assert sorted(ids) == ["big", "easy", "integral"]
    assert ids[: len(done)] == [r["id"] for r in done]  # nothing done before was redone
