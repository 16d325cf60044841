"""The whole pipeline on the embedded defaults, shrunk to a few questions and steps."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sciglm.io.jsonl import read_jsonl, write_jsonl
from sciglm.pipeline.config import STAGES, sample_path

# The subprocess timeouts below (1200 + 300 s) stay inside pytest's own.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1600)]

# Questions whose reference the embedded teacher reaches (at least with the hint).
KEEP = {"gsm8k-test-84", "gsm8k-test-949", "math-test-3717"}


def test_pipeline_end_to_end_and_resume(tmp_path: Path) -> None:
    questions = [q for q in read_jsonl(sample_path("questions.jsonl")) if q["id"] in KEEP]
    write_jsonl(tmp_path / "questions.jsonl", questions)
    write_jsonl(tmp_path / "heldout.jsonl", read_jsonl(sample_path("heldout.jsonl"))[:2])
    run = tmp_path / "run"
    config = {
        "output": str(run),
        "questions": str(tmp_path / "questions.jsonl"),
        "heldout": str(tmp_path / "heldout.jsonl"),
        "teacher": {"max_tokens": 200, "concurrency": 3},
        "student": {"max_steps": 2, "max_target_length": 128},
        "eval": {"max_tokens": 32},
    }
    (tmp_path / "pipeline.yaml").write_text(yaml.safe_dump(config), "utf-8")
    command = [sys.executable, "-m", "sciglm.cli.main", "pipeline", "--config",
               str(tmp_path / "pipeline.yaml")]
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    done = subprocess.run(command, capture_output=True, text=True, timeout=1200, env=env)
    assert done.returncode == 0, done.stderr[-3000:]

    annotated = read_jsonl(run / "annotated.jsonl")
    assert sorted(r["id"] for r in annotated) == sorted(KEEP)
    assert all(r["trajectory"] and r["stage"] for r in annotated)
    assert len(read_jsonl(run / "verified.jsonl")) == sum(
        1 for r in annotated if isinstance(r.get("response"), str)
    )
    kept = read_jsonl(run / "filtered" / "kept.jsonl")
    train = read_jsonl(run / "mix" / "train.jsonl")
    assert kept and len(train) == len(kept)
    assert all(set(row) == {"content", "summary"} for row in train)
    assert (run / "mix" / "data_card.md").exists()
    assert (run / "train" / "final" / "config.json").exists()
    for stage in ("eval_before", "eval_after"):
        results = json.loads((run / stage / "results.json").read_text("utf-8"))
        assert results["benchmarks"]["heldout"]["n"] == 2
    assert yaml.safe_load((run / "pipeline.yaml").read_text("utf-8"))["student"]["max_steps"] == 2
    assert "sciglm chat --model" in done.stderr

    again = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
    assert again.returncode == 0, again.stderr[-3000:]
    markers = sorted(p.stem for p in (run / ".stages").glob("*.json"))
    assert markers == sorted(STAGES)
    assert again.stderr.count("cached") >= len(STAGES)
