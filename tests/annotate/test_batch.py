"""``--batch``: annotation through the OpenAI Batch API of the loopback server — the same
records as request by request, one batch per stage round, and exactly once across a crash."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from sciglm.annotate.config import AnnotateConfig
from sciglm.annotate.questions import read_questions
from sciglm.annotate.runner import annotate
from sciglm.annotate.store import OutputStore
from sciglm.endpoint.loopback import LoopbackServer

from .conftest import read_records, write_questions
from .helpers import run, scripted_teacher

BATCH = {"batch": True, "batch_poll": 0.05}


def questions(toy: str, n: int) -> list[dict]:
    """Half right at once, half right after one reflection, some only with the hint."""
    plans = ["[cot:2]", "[cot:1|reflect:2]", "[cot:1|reflect:1|hint:2]"]
    return [{"id": f"q{i}", "subject": toy, "question": f"Q{i} {plans[i % 3]}",
             "reference": "2"} for i in range(n)]


def keyed(records: list[dict]) -> dict[str, tuple[str, str]]:
    return {r["id"]: (r["stage"], r["response"]) for r in records}


def test_batch_mode_gives_the_same_records_one_batch_per_round(toy: str, tmp_path: Path):
    path = write_questions(tmp_path / "q.jsonl", questions(toy, 9))
    with LoopbackServer(scripted_teacher) as server:
        run(path, tmp_path / "direct.jsonl", server, max_reflections=1)
        direct_requests = len(server.requests)
    with LoopbackServer(scripted_teacher) as server:
        summary, client = run(path, tmp_path / "batch.jsonl", server, max_reflections=1, **BATCH)
        # cot for all 9, reflect for the 6 wrong ones, hint for the 3 still wrong
        assert server.batches.created == 3 == client.batches_sent
        assert len(server.requests) == direct_requests == 9 + 6 + 3
    direct = read_records(tmp_path / "direct.jsonl")
    batched = read_records(tmp_path / "batch.jsonl")
    assert keyed(batched) == keyed(direct)
    assert {r["stage"] for r in batched} == {"cot", "reflect", "hint"}
    assert summary.done == 9
    state = json.loads((tmp_path / "batch.jsonl.batches.json").read_text())
    assert [b["consumed"] for b in state["batches"]] == [True, True, True]


def test_a_run_killed_while_a_batch_runs_resumes_by_batch_id(toy: str, tmp_path: Path):
    """Stop the run while its first batch is in progress: the next run waits for that batch
    (no second copy of it is created) and every request is answered exactly once."""
    path = write_questions(tmp_path / "q.jsonl", questions(toy, 6))
    out = tmp_path / "out.jsonl"
    config = AnnotateConfig(output=str(out), workers=1, memory_mb=None, start_method="fork",
                            retry_wait=0.01, max_reflections=1, **BATCH)

    async def until_first_batch(server: LoopbackServer) -> None:
        run_config = AnnotateConfig(**{**config.__dict__, "base_url": server.base_url})
        with OutputStore(out) as store:
            task = asyncio.ensure_future(annotate(read_questions(path), store, run_config))
            for _ in range(1200):  # a minute at most; a run that ended early shows its error
                if server.batches.created or task.done():
                    break
                await asyncio.sleep(0.05)
            assert server.batches.created, task.result() if task.done() else "no batch in 60 s"
            await asyncio.sleep(0.3)  # polling the held batch
            task.cancel()
            done, _ = await asyncio.wait([task], timeout=60)  # the run and its client close
            assert done, "the cancelled run did not end within 60 s"
            assert task.cancelled()

    with LoopbackServer(scripted_teacher) as server:
        server.batches.hold = True
        asyncio.run(until_first_batch(server))
        assert server.batches.created == 1
        assert not out.exists() or read_records(out) == []
        state = json.loads((tmp_path / "out.jsonl.batches.json").read_text())
        assert [b["consumed"] for b in state["batches"]] == [False]
        (held,) = state["batches"]
        server.batches.hold = False
        summary, client = run(path, out, server, max_reflections=1, **BATCH)
        # The held cot batch was collected, not sent again (also when its answers came before
        # some questions had asked: they looked in the response cache first): every request
        # answered once. (A later round may go out in two batches when a busy machine spreads
        # its requests over more than the one-second gathering window.)
        assert len(server.requests) == 6 + 4 + 2
        after = json.loads((tmp_path / "out.jsonl.batches.json").read_text())["batches"]
        assert after[0]["id"] == held["id"] and after[0]["keys"] == held["keys"]
        assert all(b["consumed"] for b in after) and client.batches_sent == len(after) - 1
    records = read_records(out)
    assert sorted(r["id"] for r in records) == [f"q{i}" for i in range(6)]
    assert summary.done == 6
