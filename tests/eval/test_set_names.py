"""One name per evaluation set, accepted by every command, with the old names as aliases
(issue 24 item 11): ``data`` (the catalogue), ``questions``, ``eval`` and decontamination."""

from __future__ import annotations

from pathlib import Path

import pytest

from sciglm import registry
from sciglm.catalog.data import CATALOG, get_source
from sciglm.catalog.names import ALIASES, canonical
from sciglm.data.decontam import DEFAULT_EVAL_SETS
from sciglm.data.questions import load_questions
from sciglm.eval import benchmarks as bm

#: What each set holds under its one name (the shared mirror's files).
SIZES = {"ceval-stem": 430, "ceval-sci": 210, "ceval-math": 90, "ceval-hard": 152,
         "mmlu-stem": 3018, "mmlu-sci": 1855, "mmlu-math": 974, "mmlu-math-v1": 1064,
         "sat-math": 220, "aqua": 254, "mathematics": 1000, "gaokao": 770}


def test_the_alias_table_points_at_names_and_is_the_only_one() -> None:
    names = set(CATALOG) | set(registry.benchmarks())
    for alias, name in ALIASES.items():
        assert name in names and alias not in names, alias
    assert canonical("sat-math") == "sat-math" and canonical("agieval-sat-math") == "sat-math"


@pytest.mark.parametrize("name", sorted(set(ALIASES) | set(SIZES)))
def test_data_eval_and_catalogue_accept_every_name(name: str) -> None:
    bench = registry.get_benchmark(name) if canonical(name) in registry.benchmarks() else None
    source = get_source(name)
    if bench is not None:
        assert bm.parse_benchmarks([name])[0].name == canonical(name)
        assert source == bench.source  # `data pull NAME` fetches the file eval reads


@pytest.mark.parametrize("name", sorted(SIZES))
def test_questions_loads_every_set_eval_scores(shared_data: Path, name: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCIGLM_DATA", str(shared_data))
    bench = registry.get_benchmark(name)
    scored = bm.load(bench, bm.resolve(bench, shared_data))
    loaded = list(load_questions(name, None))
    assert [q.id for q in loaded] == [q.id for q in scored] and len(loaded) == SIZES[name]


def test_old_names_load_the_same_questions(shared_data: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCIGLM_DATA", str(shared_data))
    for alias in ("agieval-sat-math", "mmlu", "ceval", "agieval-aqua", "gaokao-bench"):
        assert len(list(load_questions(alias, None))) == SIZES[canonical(alias)], alias


def test_decontamination_names_sets_by_their_one_name() -> None:
    assert set(DEFAULT_EVAL_SETS) <= set(registry.benchmarks())
    assert DEFAULT_EVAL_SETS["ceval-stem"] == "ceval/val.jsonl"  # the whole file, once
    assert DEFAULT_EVAL_SETS["mmlu-math"] == "mmlu/mmlu-math-mi.jsonl"


def test_a_mirror_pulled_under_an_old_name_still_counts(tmp_path: Path) -> None:
    import json

    from sciglm.data import hub

    source = get_source("mmlu-stem")
    splits = {}
    for split, relative in source.splits.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text("{}\n")
        splits[split] = {"file": relative, "rows": 1, "bytes": 3}
    (tmp_path / ".sciglm").mkdir()
    (tmp_path / ".sciglm" / "mmlu.json").write_text(json.dumps({"splits": splits}))
    assert hub.MANIFEST_DIR == ".sciglm" and hub.state(source, tmp_path) == "complete"
