"""``sciglm eval`` as a user runs it: errors, an endpoint run judged by the verifiers, resume,
and (slow) the embedded model giving the same greedy score twice."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.eval.stub_server import StubServer

SCIGLM = str(Path(sys.executable).with_name("sciglm"))


def sciglm(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([SCIGLM, *args], capture_output=True, text=True, cwd=cwd, timeout=600)


def error_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 1 and len(lines) == 1, result.stderr
    return lines[0]


def test_unknown_benchmark() -> None:
    line = error_line(sciglm("eval", "--benchmark", "gsm9k"))
    assert line.startswith("Error: unknown benchmark 'gsm9k' (known: gsm8k, math")


def test_missing_data_file_is_named(tmp_path: Path) -> None:
    line = error_line(sciglm("eval", "--benchmark", "scibench", "--data-dir", str(tmp_path),
                             "--base-url", "http://127.0.0.1:9/v1", "--model", "stub"))
    assert f"data file not found: {tmp_path}/scibench/scibench.jsonl" in line


def test_bad_line_in_a_mapped_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.jsonl"
    path.write_text('{"question": "1+1?", "reference": "2"}\n{"question": \n')
    line = error_line(sciglm("eval", "--benchmark", f"mine={path}:math",
                             "--base-url", "http://127.0.0.1:9/v1", "--model", "stub",
                             "-o", str(tmp_path / "out")))
    assert f"{path}:2: not valid JSON" in line


@pytest.mark.slow
def test_endpoint_run_and_resume(shared_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["eval", "--base-url", "", "--model", "stub", "--benchmark", "gsm8k,scieval",
            "--limit", "3", "--data-dir", str(shared_data), "-o", str(out)]
    with StubServer(lambda messages: "Step by step.\nThe answer is \\boxed{18}.").running() as s:
        args[2] = s.base_url
        first = sciglm(*args)
        assert first.returncode == 0, first.stderr
        assert "GSM8K" in first.stderr and "SciEval" in first.stderr and "33.3" in first.stderr
        assert len(s.requests) == 6
        asked = [r["messages"][-1]["content"] for r in s.requests]
        assert any(text.startswith("Janet’s ducks") for text in asked)
        results = json.loads((out / "results.json").read_text())
        # GSM8K item 1's answer is 18; the SciEval items want letters.
        assert results["benchmarks"]["gsm8k"] | {"subjects": None} == {
            "n": 3, "correct": 1, "undecided": 0, "accuracy": 33.33, "title": "GSM8K",
            "subjects": None}
        assert results["benchmarks"]["scieval"]["correct"] == 0
        records = [json.loads(x) for x in (out / "predictions" / "gsm8k.jsonl").open()]
        assert [r["correct"] for r in records] == [True, False, False]
        assert all(r["reason"] and r["predicted"] == "18" for r in records)
        again = sciglm(*args, "--json")
        assert again.returncode == 0 and len(s.requests) == 6  # nothing asked twice
        assert "resuming the run" in again.stderr
        assert json.loads(again.stdout)["average"] == results["average"]


@pytest.mark.slow
def test_embedded_model_scores_the_same_twice(shared_data: Path, tmp_path: Path) -> None:
    runs, predictions = [], []
    for name in ("a", "b"):
        result = sciglm("eval", "--benchmark", "gsm8k", "--limit", "4", "--max-tokens", "48",
                        "--batch-size", "4", "--data-dir", str(shared_data),
                        "-o", str(tmp_path / name), "--json")
        assert result.returncode == 0, result.stderr
        runs.append(json.loads(result.stdout))
        records = [json.loads(x) for x in (tmp_path / name / "predictions" / "gsm8k.jsonl").open()]
        assert len(records) == 4 and all(r["reason"] and r["response"] for r in records)
        predictions.append([{k: v for k, v in r.items() if k != "verify_seconds"}
                            for r in records])
    assert runs[0]["benchmarks"] == runs[1]["benchmarks"]
    assert predictions[0] == predictions[1]  # same responses, answers and verdicts
