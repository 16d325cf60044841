"""Decontamination defaults come from the benchmark registry: every benchmark ``sciglm eval``
knows (GAOKAO and the exam sets included, a plugin's too), from ``$SCIGLM_DATA`` only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sciglm.catalog.data import DATA_ENV, DataSource
from sciglm.cli.main import main
from sciglm.data.decontam import DEFAULT_EVAL_SETS, default_eval_sets
from sciglm.eval.benchmarks import Benchmark
from sciglm.hookspecs import hookimpl


def test_every_registered_benchmark_is_a_default_set() -> None:
    table = dict(DEFAULT_EVAL_SETS)
    assert table["gaokao"] == "gaokao-bench/gaokao_stem.jsonl"  # evaluated, so decontaminated
    assert table["ceval-stem"] == "ceval/val.jsonl" and "ceval-hard" not in table  # file once
    assert "ceval-sci" not in table and "mmlu-sci" not in table
    for name, path in {"mmlu-stem": "mmlu/test.jsonl", "mmlu-math": "mmlu/mmlu-math-mi.jsonl",
                       "sat-math": "agieval/sat-math.jsonl",
                       "aqua": "agieval/aqua-rat.jsonl", "minif2f": "minif2f-lean4/minif2f.jsonl",
                       "mathematics": "deepmind-mathematics/test.jsonl",
                       "math": "math/test500.jsonl", "scieval": "scieval/valid.jsonl"}.items():
        assert table[name] == path


def test_a_plugin_benchmark_is_decontaminated_against_too(register_plugin) -> None:
    class Plugin:
        @hookimpl
        def register_benchmarks(self, register):  # noqa: ANN001, ANN201 - hook signature
            source = DataSource("olympiad", "Olympiad", {"test": "olympiad/test.jsonl"})
            register(Benchmark("olympiad", "Olympiad", source, loader="math"))

    register_plugin(Plugin(), "olympiad_plugin")
    assert DEFAULT_EVAL_SETS["olympiad"] == "olympiad/test.jsonl"


def test_the_data_folder_is_named_or_none(shared_data: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DATA_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    assert default_eval_sets() == []  # no ../shared guess
    found = {s.name: s.path for s in default_eval_sets(shared_data)}
    assert found["ceval-stem"] == str(shared_data / "ceval/val.jsonl")
    monkeypatch.setenv(DATA_ENV, str(shared_data))
    assert {s.name for s in default_eval_sets()} == set(found)


def test_filter_drops_a_copied_exam_question_by_default(shared_data: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DATA_ENV, str(shared_data))
    question = json.loads((shared_data / "ceval" / "val.jsonl").read_text().splitlines()[0])
    records = [{"id": "leak", "subject": "physics", "question": question["question"],
                "response": "Step 1. The answer is \\boxed{A}.", "correct": True},
               {"id": "fine", "subject": "physics",
                "question": "A ball of 2 kg falls freely for 3 s from rest near the ground. "
                            "How far does it fall?",
                "response": "Using s = g t^2 / 2 the ball falls 44.1 m. The answer is "
                            "\\boxed{44.1 m}.", "correct": True}]
    annotated = tmp_path / "a.jsonl"
    annotated.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    kept = tmp_path / "kept.jsonl"
    with pytest.raises(SystemExit) as done:
        main(["filter", str(annotated), "-o", str(kept), "--rules", "none", "--no-dedup",
              "--json"])
    assert done.value.code == 0
    assert [json.loads(x)["id"] for x in kept.read_text().splitlines()] == ["fine"]
    report = json.loads((tmp_path / "kept.filter.json").read_text())
    assert report["decontamination_hits"][0]["eval_set"] == "ceval-stem"
