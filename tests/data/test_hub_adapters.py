"""Upstream rows → mirror rows: each adapter gives back the records the loaders read today."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sciglm.catalog.data import get_source, local_file
from sciglm.data import hub
from sciglm.errors import InputError
from tests.data import test_hub_layout

env = test_hub_layout.env


def adapt(name: str, row: dict, subset: str | None = None) -> dict:
    source = get_source(name)
    return hub.ADAPTERS[source.adapter](source, row, "up/file.parquet", 7, subset)


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_mmlu_and_ceval_round_trip_the_mirror(shared_data: Path) -> None:
    for mirror in _rows(shared_data / "mmlu/test.jsonl")[:300:7]:
        upstream = {"question": mirror["question"], "subject": mirror["subject"],
                    "choices": mirror["choices"], "answer": "ABCD".index(mirror["answer"])}
        source = get_source("mmlu")
        assert hub.ADAPTERS["mmlu"](source, upstream, "f", mirror["id"] + 1,
                                    mirror["subject"]) == mirror
    for mirror in _rows(shared_data / "ceval/dev.jsonl")[::9]:
        upstream = {"id": mirror["id"], "question": mirror["question"],
                    "answer": mirror["answer"], "explanation": mirror["explanation"],
                    **dict(zip("ABCD", mirror["choices"], strict=True))}
        assert adapt("ceval", upstream, mirror["subject"]) == mirror


def test_scibench_and_math_add_what_the_hub_copy_lacks(shared_data: Path) -> None:
    for mirror in _rows(shared_data / "scibench/scibench.jsonl")[::23]:
        upstream = {k: v for k, v in mirror.items() if k not in ("textbook", "subject")}
        assert adapt("scibench", upstream) == mirror
    for mirror in _rows(shared_data / "math/test.jsonl")[:200:11]:
        upstream = {k: v for k, v in mirror.items() if k not in ("answer", "idx")}
        assert adapt("math", upstream)["answer"] == mirror["answer"]
    with pytest.raises(InputError, match="up/file.parquet: row 7: unknown SciBench textbook"):
        adapt("scibench", {"problem_text": "p", "answer_number": "1", "source": "nope"})


def test_schema_errors_name_file_row_field() -> None:
    with pytest.raises(InputError, match=r"up/file.parquet: row 7: missing field 'answer'"):
        adapt("mmlu", {"question": "q", "choices": ["a", "b", "c", "d"]}, "astronomy")
    with pytest.raises(InputError, match="'answer' is 9"):
        adapt("mmlu", {"question": "q", "choices": ["a"], "answer": 9}, "astronomy")
    with pytest.raises(InputError, match="missing field 'Answer'"):
        adapt("theoremqa", {"Question": "q"})
    assert adapt("theoremqa", {"Question": "q", "Answer": 3,
                               "Picture": {"bytes": b"\x89PNG", "path": None}})["Picture"] == \
        "image"
    assert adapt("mathematics", {"question": "q", "answer": 7}) == {"question": "q",
                                                                    "answer": "7"}


def test_gaokao_from_github_layout_reads_like_the_mirror(env: Path) -> None:
    repo = env / "upstream/github.com/OpenLMLab/GAOKAO-Bench/Data"
    from sciglm.catalog.data import GAOKAO_FILES

    for index, name in enumerate(GAOKAO_FILES):
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        keywords = name.split("/")[1]
        (repo / f"{name}.json").write_text(json.dumps({"keywords": keywords, "example": [
            {"year": "2013", "category": "（新课标ⅰ）", "question": f"{index}. 题 A. 1 B. 2",
             "answer": ["B"] if "MCQs" in name else "2", "analysis": "故选: B", "index": 0,
             "score": 5}]}, ensure_ascii=False))
    path = local_file(get_source("gaokao"), "test")
    rows = _rows(path)
    assert len(rows) == 12 and rows[2]["type"] == "multi_choice"
    assert [r["type"] for r in rows[:6]] == ["single_choice"] * 2 + ["multi_choice"] + \
        ["single_choice"] * 2 + ["cloze"]
    from sciglm_sources.loaders import load_gaokao

    questions = list(load_gaokao(path))
    assert [q.subject for q in questions[:5]] == ["math", "math", "physics", "chemistry",
                                                  "biology"]
    assert questions[0].reference == "B"


def test_math_test500_comes_from_math500(env: Path) -> None:
    rows = list(hub.upstream_rows(get_source("math"), "test500"))
    assert [r["answer"] for r in rows] == ["0", "2", "4", "6"]
    assert rows[1]["unique_id"] == "test/algebra/1.json"
