"""Fault tests against a loopback server of our own: 429, 500, stalls, dropped connections,
malformed bodies, and a server that dies mid-run. No crash, no duplicate, no lost question."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from sciglm.annotate.store import drop_errors
from sciglm.endpoint.loopback import LoopbackServer, Reply, error

from .conftest import read_records, write_questions
from .helpers import run, scripted_teacher

FAULTS = [
    lambda: error(429, retry_after=0.05),
    lambda: error(500),
    lambda: Reply(action="stall", delay=5.0, kind="stall"),
    lambda: Reply(action="drop", kind="drop"),
    lambda: Reply(200, b"<html>gateway says hi</html>", kind="garbage"),
    lambda: Reply(200, b'{"id": "x", "choices": []}', kind="no_choices"),
]


def questions(toy: str, n: int) -> list[dict]:
    return [{"id": f"q{i}", "subject": toy, "question": f"Q{i} [cot:1|reflect:{i % 3}|hint:2]",
             "reference": "2"} for i in range(n)]


def test_faulty_server_every_question_exactly_once(toy: str, tmp_path: Path):
    """The first try of every request fails in one of six ways; all 24 questions finish."""
    tries: dict[str, int] = {}

    def responder(request, number):
        key = json.dumps(request["messages"])
        tries[key] = tries.get(key, 0) + 1
        if tries[key] == 1:
            return FAULTS[number % len(FAULTS)]()
        return scripted_teacher(request, number, delay=0.01)

    path = write_questions(tmp_path / "q.jsonl", questions(toy, 24))
    out = tmp_path / "out.jsonl"
    with LoopbackServer(responder) as server:
        summary, client = run(path, out, server, concurrency=8, request_timeout=1.0,
                              max_retries=4, max_reflections=1)
    records = read_records(out)
    assert sorted(r["id"] for r in records) == sorted(f"q{i}" for i in range(24))
    assert not any(r.get("error") for r in records)
    assert {r["stage"] for r in records} == {"reflect", "hint"}
    assert all(server.counts[kind] > 0 for kind in
               ("429", "500", "stall", "drop", "garbage", "no_choices"))
    faults = sum(n for kind, n in server.counts.items() if kind != "ok")
    assert client.stats.total_retries == faults == server.counts["ok"] == len(tries)
    assert set(client.stats.retries) == {"429", "5xx", "timeout", "connection", "malformed"}
    assert summary.done == 24 and summary.not_started == 0


def test_server_dying_mid_run_then_resume(toy: str, tmp_path: Path):
    """The in-flight questions are recorded failed with the reason, the run stops, the rest
    stays; once a server is back, ``--retry-errors`` + resume gives one record per question."""
    state = {"served": 0}

    def dying(request, number):
        state["served"] += 1
        if state["served"] == 10:
            threading.Thread(target=server.kill).start()
            return Reply(action="drop", kind="drop")
        return scripted_teacher(request, number, delay=0.02)

    path = write_questions(tmp_path / "q.jsonl", questions(toy, 30))
    out = tmp_path / "out.jsonl"
    server = LoopbackServer(dying)
    with server:
        summary, client = run(path, out, server, concurrency=2, max_retries=2,
                              max_consecutive_errors=2, max_reflections=1)
    records = read_records(out)
    failed = [r for r in records if r.get("error")]
    assert failed and summary.stopped_reason and summary.not_started > 0
    assert all(r["stage"] == "failed" and r["error_kind"] == "connection" for r in failed)
    assert all("after 3 attempts" in r["error"] for r in failed)
    assert len(records) + summary.not_started == 30
    assert len({r["id"] for r in records}) == len(records)

    assert drop_errors(out) == len(failed)
    with LoopbackServer(scripted_teacher) as server2:
        summary2, _ = run(path, out, server2, max_reflections=1)
    records = read_records(out)
    assert sorted(r["id"] for r in records) == sorted(f"q{i}" for i in range(30))
    assert not any(r.get("error") for r in records)
    assert summary2.resumed == 30 - summary2.done
