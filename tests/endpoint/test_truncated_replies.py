"""A reply the token limit cut off (``finish_reason: "length"``) is marked in chat, eval and
annotate output (issue #24): an answer may be missing from it, and a reader must know."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from sciglm.endpoint.loopback import LoopbackServer, Reply, chat_body

SCIGLM = [sys.executable, "-m", "sciglm.cli.main"]


def cut_off_when(word: str) -> Any:
    """Replies that stop at the token limit when the question contains ``word``."""
    def respond(request: dict[str, Any], number: int) -> Reply:
        body = json.loads(chat_body("The answer is \\boxed{2}."))
        if word in json.dumps(request["messages"][-1]):
            body["choices"][0]["finish_reason"] = "length"
        return Reply(200, json.dumps(body).encode())
    return respond


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*SCIGLM, *args], capture_output=True, text=True, input=stdin,
                          timeout=300)


def test_chat_marks_a_cut_off_reply() -> None:
    with LoopbackServer(cut_off_when("long")) as server:
        result = run("chat", "--base-url", server.base_url, "--model", "loopback",
                     stdin="a long one please\nshort\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("[cut off at max_tokens=") == 1, result.stdout


def test_eval_and_annotate_records_say_truncated(tmp_path: Path) -> None:
    questions = tmp_path / "q.jsonl"
    questions.write_text("".join(json.dumps({"id": i, "subject": "math", "question": q,
                                             "reference": "2"}) + "\n"
                                 for i, q in [("a", "1+1, long?"), ("b", "1+1?")]))
    with LoopbackServer(cut_off_when("long")) as server:
        done = run("eval", "--base-url", server.base_url, "--model", "loopback",
                   "--benchmark", f"mine={questions}:math", "-o", str(tmp_path / "eval"))
        assert done.returncode == 0, done.stderr
        out = tmp_path / "annotated.jsonl"
        done = run("annotate", str(questions), "-o", str(out), "--base-url", server.base_url)
        assert done.returncode == 0, done.stderr
    predictions = [json.loads(x) for x in (tmp_path / "eval/predictions/mine.jsonl").open()]
    assert [r.get("truncated", False) for r in predictions] == [True, False]
    annotated = {r["id"]: r for r in map(json.loads, out.open())}
    assert annotated["a"]["truncated"] is True and annotated["a"]["finish_reason"] == "length"
    assert "truncated" not in annotated["b"] and annotated["b"]["finish_reason"] == "stop"
