"""Benchmark names, mapped files and data-folder errors; the built-ins load the public sets."""

from __future__ import annotations

from pathlib import Path

import pytest

from sciglm.errors import SciglmError
from sciglm.eval import benchmarks as bm


def test_names_and_mappings() -> None:
    names = [b.name for b in bm.parse_benchmarks(["gsm8k,math", "scibench"])]
    assert names == ["gsm8k", "math", "scibench"]
    full = bm.parse_benchmarks(["math=data/math/test.jsonl"])[0]
    assert (full.loader, full.path, full.mapped) == ("math", "data/math/test.jsonl", True)
    mine = bm.parse_benchmarks(["mine=../my data/q.jsonl:physics"])[0]
    assert (mine.name, mine.path, mine.subject, mine.loader) == (
        "mine", "../my data/q.jsonl", "physics", None)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("gsm9k", "unknown benchmark 'gsm9k'"),
        ("mine=q.jsonl", "needs a subject: mine=PATH:SUBJECT"),
        ("mine=q.jsonl:alchemy", "unknown subject 'alchemy'"),
        ("gsm8k,gsm8k", "named twice"),
        ("=x", "expected NAME=PATH"),
        (",", "name at least one benchmark"),
    ],
)
def test_bad_specs(spec: str, message: str) -> None:
    with pytest.raises(SciglmError, match=message):
        bm.parse_benchmarks([spec])


def test_missing_files_are_named(tmp_path: Path) -> None:
    gsm8k = bm.BUILTIN["gsm8k"]
    with pytest.raises(SciglmError, match="no data folder for gsm8k/test.jsonl"):
        bm.resolve(gsm8k, None)
    with pytest.raises(SciglmError, match=f"data file not found: {tmp_path}/gsm8k/test.jsonl"):
        bm.resolve(gsm8k, tmp_path)
    mapped = bm.parse_benchmarks([f"mine={tmp_path}/none.jsonl:math"])[0]
    with pytest.raises(SciglmError, match="mine: no such file"):
        bm.resolve(mapped, tmp_path)


def test_default_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(bm.DATA_ENV, str(tmp_path))
    assert bm.default_data_dir() == tmp_path
    monkeypatch.delenv(bm.DATA_ENV)
    monkeypatch.chdir(tmp_path)
    assert bm.default_data_dir() is None
    (tmp_path.parent / "shared" / "data").mkdir(parents=True, exist_ok=True)
    assert bm.default_data_dir() == Path("../shared/data")


@pytest.mark.parametrize(
    ("name", "count", "subjects"),
    [
        ("gsm8k", 1319, {"math"}),
        ("math", 500, {"math"}),
        ("scibench", 580, {"math", "physics", "chemistry"}),
        ("theoremqa", 747, {"math", "physics"}),
        ("scieval", 1441, {"chemistry", "physics", "biology"}),
        ("gaokao", 770, {"math", "physics", "chemistry", "biology"}),
        ("minif2f", 244, {"lean"}),
    ],
)
def test_builtins_load_the_public_sets(shared_data: Path, name: str, count: int,
                                       subjects: set[str]) -> None:
    bench = bm.BUILTIN[name]
    questions = bm.load(bench, bm.resolve(bench, shared_data))
    assert len(questions) == count
    assert {q.subject for q in questions} == subjects
    assert len({q.id for q in questions}) == count  # ids are unique: a run resumes by id


def test_repeated_ids_are_made_unique(shared_data: Path) -> None:
    bench = bm.BUILTIN["scibench"]
    ids = [q.id for q in bm.load(bench, bm.resolve(bench, shared_data))]
    assert "scibench-quan-2.13" in ids and "scibench-quan-2.13#2" in ids


def test_mapped_jsonl_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.jsonl"
    path.write_text('{"question": "2+2?", "reference": "4"}\n'
                    '{"question": "3+3?", "reference": "6"}\n')
    bench = bm.parse_benchmarks([f"mine={path}:math"])[0]
    questions = bm.load(bench, bm.resolve(bench, None))
    assert [(q.id, q.subject, q.reference) for q in questions] == [
        ("mine-1", "math", "4"), ("mine-2", "math", "6")]
