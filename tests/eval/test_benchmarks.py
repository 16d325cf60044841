"""Benchmark names, mapped files and data-folder errors; the registered benchmarks load the
public sets, including the exam sets of the paper's tables."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sciglm import plugins, registry
from sciglm.catalog.data import CEVAL_MATH, CEVAL_SCI, MMLU_MATH, MMLU_SCI
from sciglm.errors import InputError, SciglmError
from sciglm.eval import benchmarks as bm
from sciglm.hookspecs import hookimpl


def get(name: str) -> bm.Benchmark:
    return registry.get_benchmark(name)


def test_names_and_mappings() -> None:
    names = [b.name for b in bm.parse_benchmarks(["gsm8k,math", "scibench,ceval-hard"])]
    assert names == ["gsm8k", "math", "scibench", "ceval-hard"]
    full = bm.parse_benchmarks(["math=data/math/test.jsonl"])[0]
    assert (full.loader, full.path, full.mapped) == ("math", "data/math/test.jsonl", True)
    mine = bm.parse_benchmarks(["mine=../my data/q.jsonl:physics"])[0]
    assert (mine.name, mine.path, mine.subject, mine.loader) == (
        "mine", "../my data/q.jsonl", "physics", None)


def test_every_benchmark_of_the_brief_is_registered() -> None:
    expected = {"gsm8k", "math", "scibench", "theoremqa", "scieval", "gaokao", "minif2f",
                "ceval-stem", "ceval-sci", "ceval-math", "ceval-hard", "mmlu-stem", "mmlu-sci",
                "mmlu-math", "mmlu-math-v1", "scibench-2023", "sat-math", "aqua", "mathematics"}
    assert expected <= set(registry.benchmarks())


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("gsm9k", "unknown benchmark 'gsm9k' \\(known: aqua, ceval-hard, ceval-math, ceval-sci"),
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


def test_missing_files_are_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(bm.DATA_ENV, raising=False)
    gsm8k = get("gsm8k")
    with pytest.raises(SciglmError, match="benchmark gsm8k: gsm8k: .*--data-dir / \\$SCIGLM_DATA"
                                          ".*--benchmark gsm8k=PATH"):
        bm.resolve(gsm8k, None)
    with pytest.raises(SciglmError, match=f"{tmp_path}/ceval/val.jsonl not found"):
        bm.resolve(get("ceval-hard"), tmp_path)
    mapped = bm.parse_benchmarks([f"mine={tmp_path}/none.jsonl:math"])[0]
    with pytest.raises(SciglmError, match="mine: no such file"):
        bm.resolve(mapped, tmp_path)


def test_the_data_folder_comes_from_the_environment(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "agieval").mkdir()
    (tmp_path / "agieval" / "sat-math.jsonl").write_text("")
    monkeypatch.setenv(bm.DATA_ENV, str(tmp_path))
    assert bm.resolve(get("sat-math"), None) == tmp_path / "agieval" / "sat-math.jsonl"
    monkeypatch.delenv(bm.DATA_ENV)
    monkeypatch.chdir(tmp_path)  # no ../shared fallback: only --data-dir or $SCIGLM_DATA
    (tmp_path.parent / "shared" / "data").mkdir(parents=True, exist_ok=True)
    with pytest.raises(SciglmError, match="benchmark sat-math: sat-math: "):
        bm.resolve(get("sat-math"), None)


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
        ("ceval-stem", 430, None),
        ("ceval-sci", 210, CEVAL_SCI),
        ("ceval-math", 90, CEVAL_MATH),
        ("ceval-hard", 152, {"college_physics", "college_chemistry", "advanced_mathematics",
                             "probability_and_statistics", "discrete_mathematics",
                             "high_school_mathematics", "high_school_physics",
                             "high_school_chemistry"}),
        ("mmlu-stem", 3018, None),
        ("mmlu-sci", 1855, MMLU_SCI),
        ("mmlu-math-v1", 1064, MMLU_MATH),
        ("mmlu-math", 974, MMLU_MATH - {"high_school_statistics"} | {"formal_logic"}),
        ("sat-math", 220, {"math"}),
        ("aqua", 254, {"math"}),
        ("mathematics", 1000, {"math"}),
    ],
)
def test_registered_benchmarks_load_the_public_sets(shared_data: Path, name: str, count: int,
                                                    subjects: set[str] | None) -> None:
    bench = get(name)
    questions = bm.load(bench, bm.resolve(bench, shared_data))
    assert len(questions) == count
    if subjects is not None:
        assert {q.subject for q in questions} == subjects
    assert len({q.id for q in questions}) == count  # ids are unique: a run resumes by id


def test_exam_sets_keep_choices_and_letters(shared_data: Path) -> None:
    ceval = bm.load(get("ceval-stem"), bm.resolve(get("ceval-stem"), shared_data))
    assert len({q.subject for q in ceval}) == 20
    assert all(len(q.choices or []) == 4 and q.reference in "ABCD" for q in ceval)
    dev = bm.load(get("ceval-stem"), bm.resolve(get("ceval-stem"), shared_data, "dev"))
    assert len(dev) == 100 and all(q.solution for q in dev)  # worked explanations
    sat = bm.load(get("sat-math"), bm.resolve(get("sat-math"), shared_data))
    assert sat[0].choices == ["2", "4", "9", "10"] and sat[0].reference == "D"  # "(A)" removed
    assert sum("\n" in q.question for q in sat) >= 14  # the shared passages lead their questions
    aqua = bm.load(get("aqua"), bm.resolve(get("aqua"), shared_data))
    assert {len(q.choices or []) for q in aqua} == {5}
    assert {q.reference for q in aqua} == set("ABCDE")
    mmlu = bm.load(get("mmlu-stem"), bm.resolve(get("mmlu-stem"), shared_data))
    assert len({q.subject for q in mmlu}) == 18


def test_a_bad_exam_row_is_named(tmp_path: Path) -> None:
    path = tmp_path / "val.jsonl"
    row = {"id": 0, "subject": "college_physics", "question": "Q?", "choices": ["1", "2", "3"],
           "answer": "A"}
    path.write_text(json.dumps(row) + "\n")
    with pytest.raises(InputError, match=f"{path}:1: 'choices' must be a list of 4 strings"):
        bm.load(get("ceval"), path)
    path.write_text(json.dumps(row | {"choices": ["1", "2", "3", "4"], "answer": "E"}) + "\n")
    with pytest.raises(InputError, match="'answer' must be one of ABCD, got 'E'"):
        bm.load(get("ceval"), path)


def test_repeated_ids_are_made_unique(shared_data: Path) -> None:
    bench = get("scibench")
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


class _Plugin:
    def __init__(self, *names: str) -> None:
        self.names = names

    @hookimpl
    def register_benchmarks(self, register):  # noqa: ANN001, ANN201 - hook signature
        for name in self.names:
            register(bm.Benchmark(name, name.upper(), subject="math", path="x.jsonl"))


def test_hook_register_benchmarks(register_plugin) -> None:
    """A plugin's benchmarks are registered; a name registered twice keeps the first
    registration (in pluggy's call order) and reports the clash on the other plugin."""
    registry.benchmarks()  # the entry-point plugins load first, as in a real process
    register_plugin(_Plugin("toy-bench", "other-bench"), "toy_plugin")
    register_plugin(_Plugin("toy-bench"), "clashing_plugin")
    before = len(plugins.failures)
    table = registry.benchmarks()
    assert table["toy-bench"].title == "TOY-BENCH" and "other-bench" in table
    assert "gsm8k" in table and "sat-math" in table  # the built-ins are still there
    clashes = [f for f in plugins.failures[before:] if "'toy-bench' is already registered" in
               f.error]
    assert len(clashes) == 1
    loser = clashes[0].name
    assert loser in ("toy_plugin", "clashing_plugin")
    winner = ({"toy_plugin", "clashing_plugin"} - {loser}).pop()
    assert f"registered by '{winner}'" in clashes[0].error


def test_registering_something_else_fails_that_plugin_only(register_plugin) -> None:
    class Broken:
        @hookimpl
        def register_benchmarks(self, register):  # noqa: ANN001, ANN201 - hook signature
            register({"name": "dict-bench"})

    register_plugin(Broken(), "broken_bench_plugin")
    assert "gsm8k" in registry.benchmarks() and "dict-bench" not in registry.benchmarks()
    assert any(f.name == "broken_bench_plugin" and "needs a named Benchmark" in f.error
               for f in plugins.failures)
