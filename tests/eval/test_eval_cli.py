"""``sciglm eval`` as a user runs it: errors, endpoint runs (chat and raw completions) judged
by the verifiers and scorers, resume, the paper's rows, and (slow) the embedded model on every
new benchmark and with a training recipe beside it."""

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


NEW = "ceval-sci,ceval-hard,mmlu-sci,sat-math,aqua,mathematics"


def test_unknown_names_list_the_known_ones() -> None:
    line = error_line(sciglm("eval", "--benchmark", "gsm9k"))
    assert line.startswith("Error: unknown benchmark 'gsm9k' (known: aqua, ceval-hard, ")
    assert "mmlu-sci" in line and "sat-math" in line
    line = error_line(sciglm("eval", "--benchmark", "gsm8k", "--protocol", "paper"))
    assert line == "Error: unknown protocol 'paper' (known: cot, direct, sciglm)"
    line = error_line(sciglm("eval", "--benchmark", "gsm8k", "--compare", "glm"))
    assert line.startswith("Error: unknown --compare table 'glm' (known: sciglm-paper")
    line = error_line(sciglm("eval", "--benchmark", "gsm8k", "--prompt-format", "glm4"))
    assert line == "Error: unknown prompt format 'glm4' (known: chat, sciglm)"


def test_missing_data_file_is_named(tmp_path: Path) -> None:
    line = error_line(sciglm("eval", "--benchmark", "scibench", "--data-dir", str(tmp_path),
                             "--base-url", "http://127.0.0.1:9/v1", "--model", "stub"))
    assert f"{tmp_path}/scibench/scibench.jsonl not found" in line
    line = error_line(sciglm("eval", "--benchmark", "ceval-hard", "--data-dir", str(tmp_path),
                             "--base-url", "http://127.0.0.1:9/v1", "--model", "stub"))
    assert f"{tmp_path}/ceval/val.jsonl not found" in line


def test_a_malformed_recipe_beside_the_model_is_named(tmp_path: Path) -> None:
    (tmp_path / "sciglm-recipe.json").write_text("{oops")
    line = error_line(sciglm("eval", "--benchmark", "gsm8k", "--model", str(tmp_path)))
    assert f"{tmp_path}/sciglm-recipe.json: cannot read the training recipe" in line


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
            "n": 3, "correct": 1, "undecided": 0, "errors": 0, "accuracy": 33.33, "title": "GSM8K",
            "ci95": [6.15, 79.23],
            "subjects": None}
        assert results["benchmarks"]["scieval"]["correct"] == 0
        records = [json.loads(x) for x in (out / "predictions" / "gsm8k.jsonl").open()]
        assert [r["correct"] for r in records] == [True, False, False]
        assert all(r["reason"] and r["predicted"] == "18" for r in records)
        again = sciglm(*args, "--json")
        assert again.returncode == 0 and len(s.requests) == 6  # nothing asked twice
        assert "resumed the run" in again.stderr
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


def _letter_or_box(messages: list[dict[str, str]]) -> str:
    """A stand-in model: 'B' to a raw completion, a boxed 'B' (or 7) to a chat question."""
    if messages[-1]["role"] == "prompt":
        return "B"
    return "The answer is \\boxed{7}." if "simplest form" in messages[-1]["content"] or (
        "a number, a list" in messages[-1]["content"]) else "The answer is \\boxed{B}."


def _expected(shared_data: Path, name: str, limit: int) -> list[bool]:
    from sciglm import registry
    from sciglm.eval import benchmarks as bm

    bench = registry.get_benchmark(name)
    questions = bm.load(bench, bm.resolve(bench, shared_data))[:limit]
    if name == "mathematics":
        return [q.reference in ("7", "7.0", "[7]") for q in questions]
    return [q.reference == "B" for q in questions]


@pytest.mark.slow
@pytest.mark.parametrize(("protocol", "route"), [("cot", "messages"), ("sciglm", "prompt")])
def test_new_benchmarks_against_an_endpoint(shared_data: Path, tmp_path: Path, protocol: str,
                                            route: str) -> None:
    out = tmp_path / "out"
    with StubServer(_letter_or_box).running() as server:
        result = sciglm("eval", "--base-url", server.base_url, "--model", "stub",
                        "--benchmark", NEW, "--limit", "4", "--protocol", protocol,
                        "--compare", "sciglm-paper", "--data-dir", str(shared_data),
                        "-o", str(out))
        assert result.returncode == 0, result.stderr
        assert len(server.requests) == 6 * 4
        assert all(route in request for request in server.requests)  # chat vs /completions
        if protocol == "sciglm":
            prompts = [r["prompt"] for r in server.requests]
            assert all(p.startswith("[Round 1]\n\n问：") and p.endswith("\n\n答：")
                       for p in prompts)
            assert any("\nA. " in p and "\nD. " in p for p in prompts)
            assert all(r["temperature"] == 0 and r["max_tokens"] == 512
                       for r in server.requests)
    for name in NEW.split(","):
        records = [json.loads(x) for x in (out / "predictions" / f"{name}.jsonl").open()]
        assert [r["correct"] for r in records] == _expected(shared_data, name, 4), name
    results = json.loads((out / "results.json").read_text())
    assert results["settings"]["protocol"] == protocol
    assert results["compare"]["rows"]["SciGLM-6B (paper)"]["ceval-hard"] == 51.97
    markdown = (out / "results.md").read_text()
    assert ("| SciGLM-6B (paper) | 60.00 | 51.97 | 41.40 | 65.46 |  | 31.80 | 62.09 | 3.77 | "
            "73.62 | 25.18 | 49.38 | 50.00 |  | 43.85 | 49.24 | 46.54 |") in markdown
    hard = next(line for line in result.stderr.splitlines() if "CEval-Hard" in line)
    assert "51.97" in hard and "45.40†" in hard  # the paper's rows beside ours, per benchmark
    assert "SciGLM-6B (paper)" in result.stderr


@pytest.mark.slow
def test_embedded_model_on_the_new_benchmarks(shared_data: Path, tmp_path: Path) -> None:
    result = sciglm("eval", "--benchmark", NEW, "--limit", "2", "--max-tokens", "16",
                    "--batch-size", "2", "--data-dir", str(shared_data), "-o", str(tmp_path),
                    "--json")
    assert result.returncode == 0, result.stderr
    results = json.loads(result.stdout)
    assert {name: b["n"] for name, b in results["benchmarks"].items()} == {
        name: 2 for name in NEW.split(",")}
    for name in NEW.split(","):
        for record in (json.loads(x) for x in (tmp_path / "predictions" / f"{name}.jsonl").open()):
            assert record["reason"] and record["correct"] in (True, False, None)


@pytest.mark.slow
def test_a_sciglm_recipe_base_model_is_evaluated_with_the_paper_protocol(shared_data: Path,
                                                                     tmp_path: Path) -> None:
    from sciglm.models.embedded import resolve_model

    model = tmp_path / "run" / "final"
    model.mkdir(parents=True)
    for file in Path(resolve_model(None)).iterdir():  # a base model: no chat template
        if file.name != "chat_template.jinja":
            (model / file.name).symlink_to(file)
    (model / "sciglm-recipe.json").write_text(
        json.dumps({"recipe": "sciglm", "prompt_format": "sciglm"}))
    out = tmp_path / "out"
    result = sciglm("eval", "--model", str(model), "--benchmark", "scieval,sat-math",
                    "--limit", "2", "--max-tokens", "8", "--data-dir", str(shared_data),
                    "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "'sciglm' recipe: protocol sciglm, prompt format sciglm" in result.stderr
    run = json.loads((out / "run.json").read_text())
    assert (run["protocol"], run["prompt_format"]) == ("sciglm", "sciglm")
    scieval = [json.loads(x) for x in (out / "predictions" / "scieval.jsonl").open()]
    # SciEval under the paper's protocol: first character (multiple choice) as the original.
    assert all(r["reason"].startswith(("first character", "empty response")) for r in scieval)
    chat = sciglm("eval", "--model", str(model), "--benchmark", "sat-math", "--limit", "1",
                  "--protocol", "cot", "--prompt-format", "chat", "--data-dir", str(shared_data),
                  "-o", str(tmp_path / "chat"))
    last = chat.stderr.strip().splitlines()[-1]
    assert chat.returncode == 1 and last.startswith("Error: ") and "no chat template" in last
