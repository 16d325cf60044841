"""``sciglm reward serve`` over real HTTP on loopback: the request shapes OpenRLHF's
``remote_rm_fn`` sends (openrlhf/utils/remote_rm_utils.py), ``/verify`` records, the deadline,
back-pressure, the API key, metrics, and a clean SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import uvicorn

from sciglm.rewards.config import RewardServeConfig
from sciglm.rewards.server import create_app
from sciglm.rewards.source import RewardSettings, RewardSource


def start(config: RewardServeConfig, source: RewardSource) -> tuple[uvicorn.Server, str]:
    server = uvicorn.Server(uvicorn.Config(create_app(config, source), host="127.0.0.1",
                                           port=0, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    for _ in range(200):
        if server.started:
            port = server.servers[0].sockets[0].getsockname()[1]
            return server, f"http://127.0.0.1:{port}"
        time.sleep(0.05)
    raise AssertionError("server did not start")


@pytest.fixture
def served(sleepy: None) -> Iterator[Any]:
    """A factory: serve the sleepy subject with the given options; stopped after the test."""
    running: list[uvicorn.Server] = []

    def make(**options: Any) -> str:
        config = RewardServeConfig(subject="sleepy", **({"deadline": 2.0} | options))
        source = RewardSource(RewardSettings(workers=2, timeout=60, deadline=config.deadline,
                                             start_method="fork"))
        source.pool  # noqa: B018 - fork the workers before the server's thread exists
        server, url = start(config, source)
        running.append(server)
        requests.post(f"{url}/verify", json=[{"subject": "sleepy", "response": "a",
                                             "reference": "a"}], timeout=30)  # warm
        return url

    yield make
    for server in running:
        server.should_exit = True
        time.sleep(0.2)


def test_openrlhf_remote_rm_request(served: Any) -> None:
    url = served(null_reward=0.0)
    # exactly what remote_rm_fn posts, and the key request_api_wrapper reads
    data = {"query": ["Q: x? A: a", "Q: y? A: b", "Q: z? A: ?"],
            "prompts": ["Q: x? A: ", "Q: y? A: ", "Q: z? A: "], "labels": ["a", "a", "a"]}
    response = requests.post(url=f"{url}/reward", json=data,
                             headers={"Content-Type": "application/json"}, timeout=180)
    response.raise_for_status()
    assert response.json()["rewards"] == [1.0, 0.0, 0.0]  # the undecided one: --null-reward
    assert response.json()["statuses"] == ["judged"] * 3


def test_undecided_is_null_without_null_reward(served: Any) -> None:
    url = served()
    data = {"query": ["?"], "prompts": [""], "labels": ["a"]}
    assert requests.post(f"{url}/reward", json=data, timeout=30).json()["rewards"] == [None]


def test_verify_records_in_order_and_the_deadline_holds(served: Any) -> None:
    url = served(deadline=1.5)
    records = [{"id": "r1", "subject": "sleepy", "response": "a", "reference": "a"},
               {"id": "r2", "subject": "sleepy", "response": "hang", "reference": "a"},
               {"id": "r3", "subject": "sleepy", "response": "b", "reference": "a"}]
    started = time.monotonic()
    verdicts = requests.post(f"{url}/verify", json={"records": records}, timeout=30).json()
    assert time.monotonic() - started < 4.0
    assert [(v["id"], v["correct"], v["status"]) for v in verdicts["verdicts"]] == [
        ("r1", True, "judged"), ("r2", None, "timed_out"), ("r3", False, "judged")]
    metrics = requests.get(f"{url}/metrics", timeout=10).json()
    assert metrics["timeouts"] == 1
    assert (metrics["verdicts"], metrics["cached"]) == (3, 1)  # r1 was the warm-up's item
    assert {"verdicts_per_s", "restarts", "queue_depth"} <= set(metrics)


def test_bad_requests_are_named(served: Any) -> None:
    url = served()
    bad = requests.post(f"{url}/verify", json=[{"subject": "nope", "response": "a"}], timeout=10)
    assert bad.status_code == 422 and "record 0" in bad.json()["error"]
    short = requests.post(f"{url}/reward", json={"query": ["a"], "prompts": [""], "labels": []},
                          timeout=10)
    assert short.status_code == 422 and "labels" in short.json()["error"]
    junk = requests.post(f"{url}/reward", data=b"\xff{", timeout=10)
    assert junk.status_code == 400


def test_a_full_queue_answers_429(served: Any) -> None:
    url = served(max_queue=2, deadline=3.0)
    hung = threading.Thread(target=requests.post, args=(f"{url}/verify",), kwargs={
        "json": [{"subject": "sleepy", "response": "hang", "reference": "a"}] * 2, "timeout": 30})
    hung.start()
    time.sleep(0.5)
    busy = requests.post(f"{url}/verify", json=[{"subject": "sleepy", "response": "a",
                                                 "reference": "a"}], timeout=10)
    assert busy.status_code == 429
    hung.join()


def test_the_api_key_is_required(served: Any) -> None:
    url = served(api_key="s3cret")
    data = {"query": ["a"], "prompts": [""], "labels": ["a"]}
    assert requests.post(f"{url}/reward", json=data, timeout=10).status_code == 401
    ok = requests.post(f"{url}/reward", json=data, timeout=10,
                       headers={"Authorization": "Bearer s3cret"})
    assert ok.json()["rewards"] == [1.0]
    assert requests.get(f"{url}/health", timeout=10).status_code == 200


def test_the_command_serves_math_and_stops_on_sigterm() -> None:
    env = os.environ | {"PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "sciglm.cli.main", "reward", "serve", "--port", "0",
         "--workers", "1", "--null-reward", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = process.stdout.readline()  # type: ignore[union-attr]
        assert line.startswith("url: "), line + process.stderr.read()  # type: ignore[union-attr]
        url = line.split()[1]
        assert url.startswith("http://127.0.0.1:")
        data = {"query": ["1+1? \\boxed{2}", "1+1? \\boxed{3}"], "prompts": ["1+1? "] * 2,
                "labels": ["2", "2"]}
        assert requests.post(f"{url}/reward", json=data, timeout=60).json()["rewards"] == [1, 0]
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()


def test_stopping_lets_an_in_flight_batch_finish(sleepy: None) -> None:
    """What SIGTERM does (uvicorn sets ``should_exit``): the batch in flight still gets its
    verdicts, the hung check as timed out at the deadline; then the pool closes."""
    config = RewardServeConfig(subject="sleepy", deadline=2.0)
    source = RewardSource(RewardSettings(workers=2, timeout=60, deadline=2.0,
                                         start_method="fork"))
    source.pool  # noqa: B018
    server, url = start(config, source)
    requests.post(f"{url}/verify", json=[{"subject": "sleepy", "response": "a",
                                         "reference": "a"}], timeout=30)
    answers: list[Any] = []
    records = [{"subject": "sleepy", "response": r, "reference": "a"} for r in ("hang", "a")]
    client = threading.Thread(target=lambda: answers.append(
        requests.post(f"{url}/verify", json=records, timeout=30)))
    client.start()
    time.sleep(0.5)
    server.should_exit = True
    client.join(timeout=30)
    assert answers and answers[0].status_code == 200
    assert [v["status"] for v in answers[0].json()["verdicts"]] == ["timed_out", "judged"]
    for _ in range(100):
        if source._closed:
            break
        time.sleep(0.1)
    assert source._closed  # the lifespan closed the pool once the batch was answered
