"""An endpoint that refuses requests gives errors counted apart, never a 0% score (issue #24.2):
``sciglm eval`` as a user runs it, against the loopback server told to fail."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sciglm.endpoint.loopback import LoopbackServer, Reply, error, ok
from tests.eval.test_eval_cli import error_line, sciglm


def questions(tmp_path: Path) -> Path:
    path = tmp_path / "mine.jsonl"
    path.write_text("".join(json.dumps({"id": f"q{i}", "question": f"What is {i} + 1?",
                                        "reference": str(i + 1)}) + "\n" for i in range(3)))
    return path


def chat_requests(server: LoopbackServer) -> int:
    return sum(1 for r in server.requests if "messages" in r)


def test_a_model_the_server_does_not_serve_stops_before_any_request(tmp_path: Path) -> None:
    with LoopbackServer(lambda request, n: ok("\\boxed{1}")) as server:
        line = error_line(sciglm("eval", "--base-url", server.base_url, "--model", "gpt-5",
                                 "--benchmark", f"mine={questions(tmp_path)}:math",
                                 "-o", str(tmp_path / "out")))
        assert chat_requests(server) == 0
    assert line == (f"Error: model 'gpt-5' is not served by {server.base_url} "
                    "(served: loopback)")


def test_refused_requests_are_errors_not_wrong_answers_and_are_retried(tmp_path: Path) -> None:
    refuse = True

    def respond(request: dict[str, Any], number: int) -> Reply:
        return error(400) if refuse else ok("So \\boxed{2}.")

    out = tmp_path / "out"
    with LoopbackServer(respond) as server:
        args = ["eval", "--base-url", server.base_url, "--model", "loopback",
                "--benchmark", f"mine={questions(tmp_path)}:math", "-o", str(out)]
        first = sciglm(*args)
        line = error_line_last(first)
        assert line.startswith("Error: every one of the 3 item(s) failed on endpoint errors: "
                               "nothing was scored;"), first.stderr
        results = json.loads((out / "results.json").read_text())
        assert results["errors"] == 3
        assert results["benchmarks"]["mine"]["n"] == 0
        assert results["benchmarks"]["mine"]["errors"] == 3
        records = [json.loads(x) for x in (out / "predictions" / "mine.jsonl").open()]
        assert all(r["error"] and r["correct"] is None and r["status"] == "not_run"
                   for r in records)
        assert "Errors" in first.stderr  # the table's column

        asked = chat_requests(server)
        again = sciglm(*args)  # a plain resume asks nothing again and still says so
        assert again.returncode == 1 and chat_requests(server) == asked

        refuse = False
        retried = sciglm(*args, "--retry-errors", "--json")
        assert retried.returncode == 0, retried.stderr
        assert chat_requests(server) == asked + 3
        report = json.loads(retried.stdout)
        assert report["errors"] == 0
        assert report["benchmarks"]["mine"]["n"] == 3
        assert report["benchmarks"]["mine"]["correct"] == 1  # only q1's answer is 2
        assert "asked again for 3 item(s)" in retried.stderr


def test_some_errors_are_reported_beside_the_score(tmp_path: Path) -> None:
    def respond(request: dict[str, Any], number: int) -> Reply:
        return error(400) if "What is 0" in json.dumps(request) else ok("\\boxed{2}")

    with LoopbackServer(respond) as server:
        done = sciglm("eval", "--base-url", server.base_url, "--model", "loopback",
                      "--benchmark", f"mine={questions(tmp_path)}:math", "-o",
                      str(tmp_path / "out"), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["errors"], report["benchmarks"]["mine"]["n"]) == (1, 2)
    assert report["benchmarks"]["mine"]["accuracy"] == 50.0  # 1 of the 2 answered
    assert "1 item(s) failed on endpoint errors and are not scored" in done.stderr


def error_line_last(result: Any) -> str:
    lines = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert result.returncode == 1 and len(lines) == 1, result.stderr
    return lines[0]
