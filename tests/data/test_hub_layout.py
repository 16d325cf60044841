"""A local folder laid out like the upstream repositories (Hub and GitHub), for the hub tests
(fixtures only; imported by test_hub.py and test_mix.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

GSM8K_README = """---
license: mit
configs:
- config_name: main
  data_files:
  - split: train
    path: main/train-*
  - split: test
    path: main/test-*
- config_name: socratic
  data_files:
  - split: train
    path: socratic/train-*
  - split: test
    path: socratic/test-*
---
# Dataset Card for GSM8K
"""
MATH500_README = """---
license: mit
---
# MATH-500
"""
SCIINSTRUCT_README = """---
license: cc-by-4.0
---
# SciInstruct
"""


def _parquet(path: Path, rows: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows), path)


def gsm8k_rows(n: int = 5) -> list[dict[str, str]]:
    return [{"question": f"Tom has {i} apples and buys 2 more. How many?",
             "answer": f"{i} + 2 = <<{i}+2={i + 2}>>{i + 2}\n#### {i + 2}"} for i in range(n)]


def build_hub(root: Path, gsm8k: list[dict[str, Any]] | None = None) -> Path:
    """``root`` holding openai/gsm8k, HuggingFaceH4/MATH-500, zd21/SciInstruct, cais/mmlu and a
    GitHub file, each with the upstream file names and README configs."""
    repo = root / "openai" / "gsm8k"
    repo.mkdir(parents=True)
    (repo / "README.md").write_text(GSM8K_README)
    rows = gsm8k_rows() if gsm8k is None else gsm8k
    for config in ("main", "socratic"):
        _parquet(repo / config / "train-00000-of-00001.parquet", rows[:2])
        _parquet(repo / config / "test-00000-of-00001.parquet", rows)
    repo = root / "HuggingFaceH4" / "MATH-500"
    repo.mkdir(parents=True)
    (repo / "README.md").write_text(MATH500_README)
    (repo / "test.jsonl").write_text("".join(json.dumps(
        {"problem": f"What is {i}+{i}?", "solution": f"It is $\\boxed{{{2 * i}}}$.",
         "answer": str(2 * i), "subject": "Algebra", "level": 1,
         "unique_id": f"test/algebra/{i}.json"}) + "\n" for i in range(4)))
    repo = root / "zd21" / "SciInstruct"
    repo.mkdir(parents=True)
    (repo / "README.md").write_text(SCIINSTRUCT_README)
    lines = [{"content": f"求 {i} 的平方。", "summary": f"{i} 的平方是 {i * i}。",
              "subject": "math"} for i in range(3)]
    (repo / "train_cn_math.json").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n"
                                                     for r in lines))
    phys = [{"content": f"A {i} kg mass falls. What force acts on it?",
             "summary": f"F = mg = {i} * 9.8 N.", "subject": "physics"} for i in range(1, 4)]
    (repo / "train_en_phy_chem.json").write_text(json.dumps(phys))  # a JSON array
    (repo / "train_lean.json").write_text(json.dumps(
        {"content": "theorem t : 1 + 1 = 2 := by sorry", "summary": "by norm_num"}) + "\n")
    repo = root / "cais" / "mmlu"
    configs = []
    for subject in ("abstract_algebra", "astronomy"):
        for split in ("test", "dev"):
            _parquet(repo / subject / f"{split}-00000-of-00001.parquet",
                     [{"question": f"{subject} {split} q{i}", "subject": subject,
                       "choices": ["a", "b", "c", "d"], "answer": i % 4} for i in range(3)])
        configs.append(f"- config_name: {subject}\n  data_files:\n"
                       f"  - split: test\n    path: {subject}/test-*\n"
                       f"  - split: dev\n    path: {subject}/dev-*\n")
    (repo / "README.md").write_text("---\nconfigs:\n" + "".join(configs) + "---\n# MMLU\n")
    github = root / "github.com" / "ruixiangcui" / "AGIEval" / "data" / "v1"
    github.mkdir(parents=True)
    (github / "sat-math.jsonl").write_text("".join(json.dumps(
        {"passage": "", "question": f"x = {i}?", "options": ["(A)1", "(B)2", "(C)3", "(D)4"],
         "label": "ABCD"[i], "other": {"solution": "..."}}) + "\n" for i in range(4)))
    return root


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No mirror, an empty cache, offline, and local copies of the upstream repositories."""
    import dataclasses

    from sciglm.catalog import data as catalog
    from sciglm.data import hub

    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.delenv(catalog.DATA_ENV, raising=False)
    monkeypatch.setenv(hub.HUB_DIR_ENV, str(build_hub(tmp_path / "upstream")))
    monkeypatch.setitem(catalog.CATALOG, "mmlu-stem", dataclasses.replace(
        catalog.CATALOG["mmlu-stem"], subsets=("abstract_algebra", "astronomy")))
    return tmp_path
