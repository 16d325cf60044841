"""``sciglm annotate`` as a user runs it: a subprocess, the real ``math`` subject, a loopback
teacher; bad input, a server down at start, a server dying mid-run, then resume."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

from sciglm.endpoint.loopback import LoopbackServer, Reply, ok
from sciglm.teacher import free_port

from .conftest import read_records, write_questions

SCIGLM = [sys.executable, "-m", "sciglm.cli.main"]


def sciglm(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, COLUMNS="200")
    return subprocess.run([*SCIGLM, *args], capture_output=True, text=True, timeout=timeout,
                          env=env)


def math_questions(path: Path, n: int) -> Path:
    return write_questions(path, [{"id": f"m{i}", "subject": "math",
                                   "question": f"What is {i} + {i}?", "reference": str(2 * i)}
                                  for i in range(n)])


def adder(request, number):
    """A teacher that adds correctly: every question ends at the cot stage."""
    text = request["messages"][-1]["content"]
    a = int(text.split("What is ")[1].split(" +")[0])
    return ok(f"{a} + {a} = {2 * a}.\nThe answer is \\boxed{{{2 * a}}}.", delay=0.01)


def test_help_has_an_example():
    result = sciglm("annotate", "--help")
    assert result.returncode == 0
    assert "Examples:" in result.stdout and "sciglm annotate q.jsonl" in result.stdout


def test_bad_input_line_is_one_error_naming_file_and_line(tmp_path: Path):
    path = tmp_path / "q.jsonl"
    path.write_text('{"id": "a", "subject": "math", "question": "1+1?"}\n{"id": "b", "subj\n')
    result = sciglm("annotate", str(path), "-o", str(tmp_path / "out.jsonl"),
                    "--base-url", "http://127.0.0.1:9/v1")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith(f"Error: {path}:2: not valid JSON")
    assert not (tmp_path / "out.jsonl").exists()


def test_server_down_at_start_is_a_clear_error_before_any_work(tmp_path: Path):
    path = math_questions(tmp_path / "q.jsonl", 2)
    url = f"http://127.0.0.1:{free_port()}/v1"
    result = sciglm("annotate", str(path), "-o", str(tmp_path / "out.jsonl"), "--base-url", url)
    assert result.returncode == 1
    assert f"Error: teacher at {url} is not reachable" in result.stderr
    assert not (tmp_path / "out.jsonl").exists()


def test_server_dying_mid_run_then_resume_from_the_cli(tmp_path: Path):
    path = math_questions(tmp_path / "q.jsonl", 40)
    out = tmp_path / "out.jsonl"
    served = {"n": 0}

    def dying(request, number):
        served["n"] += 1
        if served["n"] == 12:
            threading.Thread(target=server.kill).start()
            return Reply(action="drop", kind="drop")
        return adder(request, number)

    server = LoopbackServer(dying)
    with server:
        result = sciglm("annotate", str(path), "-o", str(out), "--base-url", server.base_url,
                        "--concurrency", "2", "--max-retries", "2", "--retry-wait", "0.05",
                        "--workers", "1")
    assert result.returncode == 1, result.stderr
    assert "annotate" in result.stderr and "cot" in result.stderr  # the summary table
    assert "in a row failed on teacher errors" in result.stderr
    records = read_records(out)
    failed = [r for r in records if r.get("error")]
    assert failed and all(r["stage"] == "failed" for r in failed)
    assert all("All connection attempts failed" in r["error"] for r in failed)
    assert len({r["id"] for r in records}) == len(records) < 40

    with LoopbackServer(adder) as server2:
        result = sciglm("annotate", str(path), "-o", str(out), "--base-url", server2.base_url,
                        "--retry-errors", "--workers", "1", "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["questions"] == 40 - (len(records) - len(failed))
    records = read_records(out)
    assert sorted(r["id"] for r in records) == sorted(f"m{i}" for i in range(40))
    assert all(r["stage"] == "cot" and r["correct"] is True for r in records)
