"""The catalogue and ``sciglm data``: pulls through the real ``datasets`` code path from a local
folder laid out like the Hub repositories, the cache in offline mode, broken pulls, schemas."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from sciglm.catalog import data as catalog
from sciglm.cli.main import main
from sciglm.data import hub
from sciglm.errors import InputError, SciglmError
from tests.data import test_hub_layout
from tests.data.test_hub_layout import build_hub, gsm8k_rows

env = test_hub_layout.env


def run(args: list[str], capsys: pytest.CaptureFixture) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


def test_catalogue_names_and_layout() -> None:
    for name in ("gsm8k", "math", "math500", "scibench", "theoremqa", "scieval", "gaokao",
                 "ceval-stem", "mmlu-stem", "mmlu-math", "scibench-2023", "sat-math", "aqua",
                 "mathematics", "minif2f", "sciinstruct", "sciglm-quality"):
        source = catalog.get_source(name)
        assert source.licence and source.citation and source.splits
        assert source.revision is None or len(source.revision) == 40
        assert source.revision or source.hub_id is None or "sha" in source.note.lower() or \
            "revision" in source.note.lower()
    assert catalog.get_source("ceval-stem").splits == {"val": "ceval/val.jsonl",
                                                       "dev": "ceval/dev.jsonl"}
    assert catalog.get_source("hf:zd21/SciInstruct").name == "sciinstruct"
    with pytest.raises(SciglmError, match="unknown data set 'nope'.*gsm8k"):
        catalog.get_source("nope")


def test_pull_to_mirror_through_datasets(env: Path, capsys: pytest.CaptureFixture) -> None:
    mirror = env / "mirror"
    code, out, _ = run(["data", "pull", "gsm8k", "math500", "--to", str(mirror), "--json"],
                       capsys)
    assert code == 0
    assert json.loads(out)["pulled"] == [{"name": "gsm8k", "rows": {"test": 5, "train": 2}},
                                         {"name": "math500", "rows": {"test": 4}}]
    rows = [json.loads(line) for line in (mirror / "gsm8k/test.jsonl").read_text().splitlines()]
    assert rows == gsm8k_rows()  # the 'main' config's test split, field for field
    manifest = json.loads((mirror / ".sciglm/gsm8k.json").read_text())
    assert manifest["revision"] == catalog.get_source("gsm8k").revision
    assert manifest["splits"]["test"]["rows"] == 5
    from sciglm_sources.loaders import load_gsm8k

    assert [q.reference for q in load_gsm8k(mirror / "gsm8k/test.jsonl")] == ["2", "3", "4",
                                                                             "5", "6"]
    code, out, _ = run(["data", "list", "--data-dir", str(mirror), "--json"], capsys)
    listed = {e["name"]: e for e in json.loads(out)}
    assert listed["gsm8k"]["cached"] == "mirror"
    assert listed["gsm8k"]["rows"] == {"test": 5, "train": 2}
    assert listed["mmlu-stem"]["cached"] == "no" and listed["mmlu-stem"]["licence"] == "MIT"
    assert listed["sciinstruct"]["upstream"] == "hub:zd21/SciInstruct"


def test_local_file_fetches_into_cache_then_works_offline(
        env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = catalog.get_source("gsm8k")
    path = catalog.local_file(source, "test")
    assert path == hub.cache_root() / "gsm8k/test.jsonl"
    monkeypatch.delenv(hub.HUB_DIR_ENV)  # offline, no upstream copies: only the cache is left
    assert catalog.local_file(source, "test") == path
    with pytest.raises(SciglmError) as info:
        catalog.local_file(catalog.get_source("math500"), "test")
    message = str(info.value)
    assert "\n" not in message
    assert "math500" in message and "HuggingFaceH4/MATH-500" in message
    assert "sciglm data pull math500" in message


def test_offline_and_not_cached_is_one_line(env: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture) -> None:
    monkeypatch.delenv(hub.HUB_DIR_ENV)
    code, out, err = run(["questions", "--source", "gsm8k", "--limit", "2"], capsys)
    assert code == 1
    assert err.count("\n") == 1 and err.startswith("Error: gsm8k:")
    assert "openai/gsm8k" in err and "sciglm data pull gsm8k" in err


def test_mirror_env_wins_and_works_as_a_plain_folder(env: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture) -> None:
    mirror = env / "hand-made"
    (mirror / "gsm8k").mkdir(parents=True)
    (mirror / "gsm8k/test.jsonl").write_text(json.dumps(gsm8k_rows(1)[0]) + "\n")
    monkeypatch.setenv(catalog.DATA_ENV, str(mirror))
    monkeypatch.delenv(hub.HUB_DIR_ENV)
    assert catalog.local_file(catalog.get_source("gsm8k"), "test") == mirror / "gsm8k/test.jsonl"
    code, out, _ = run(["questions", "--source", "gsm8k", "--jsonl"], capsys)
    assert code == 0 and json.loads(out)["reference"] == "2"
    with pytest.raises(SciglmError, match="--data-dir"):
        catalog.local_file(catalog.get_source("gsm8k"), "test", env / "elsewhere")


def test_schema_mismatch_names_file_row_and_field(env: Path) -> None:
    bad = gsm8k_rows(3)
    del bad[2]["answer"]
    bad[2]["solution"] = "x"
    upstream = build_hub(env / "bad-upstream", gsm8k=bad)
    os.environ[hub.HUB_DIR_ENV] = str(upstream)
    with pytest.raises(InputError) as info:
        hub.pull(catalog.get_source("gsm8k"), env / "mirror")
    message = str(info.value)
    assert "main/test-00000-of-00001.parquet" in message
    assert "row 3" in message and "'answer'" in message
    assert not (env / "mirror/gsm8k/test.jsonl").exists()
    assert hub.state(catalog.get_source("gsm8k"), env / "mirror") == "absent"


def test_broken_pull_never_reads_as_complete(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mirror = env / "mirror"
    source = catalog.get_source("mmlu")
    hub.pull(source, mirror)
    assert hub.state(source, mirror) == "complete"
    before = (mirror / "mmlu/test.jsonl").read_bytes()
    test_rows = [json.loads(line) for line in before.decode().splitlines()]
    assert [r["subject"] for r in test_rows] == ["abstract_algebra"] * 3 + ["astronomy"] * 3
    assert [r["answer"] for r in test_rows[:3]] == ["A", "B", "C"]

    def broken(*args: object, **kwargs: object):  # the network drops during the second split
        yield from []
        raise SciglmError("mmlu: download of cais/mmlu failed: connection reset")

    real = hub._hub_rows
    calls = iter([real, broken])
    monkeypatch.setattr(hub, "_hub_rows", lambda *a, **k: next(calls)(*a, **k))
    with pytest.raises(SciglmError, match="connection reset"):
        hub.pull(source, mirror)
    assert hub.state(source, mirror) != "complete"  # the old manifest is gone first
    assert hub.read_manifest(source, mirror) is None
    assert (mirror / "mmlu/test.jsonl").read_bytes() == before  # nothing half-written in place
    assert not list(mirror.rglob("*.partial-*"))


def test_github_origin_and_pull_all_skips_what_cannot_download(
        env: Path, capsys: pytest.CaptureFixture) -> None:
    path = catalog.local_file(catalog.get_source("agieval-sat-math"), "test")
    assert [json.loads(line)["label"] for line in path.read_text().splitlines()] == list("ABCD")
    with pytest.raises(SciglmError, match="minif2f: .*no automatic download"):
        catalog.local_file(catalog.get_source("minif2f"), "test")


def test_sciinstruct_training_files_array_or_lines(env: Path) -> None:
    files = catalog.training_files("sciinstruct")
    assert [f.name for f in files] == ["train_cn_math.json", "train_en_phy_chem.json",
                                       "train_lean.json"]
    from sciglm.train.data import find_data_card, read_records

    records = read_records("sciinstruct")
    assert len(records) == 7 and records[3]["summary"] == "F = mg = 1 * 9.8 N."
    assert find_data_card("sciinstruct") is None


def test_pull_all_keeps_what_worked_and_names_what_did_not(env: Path,
                                                           capsys: pytest.CaptureFixture) -> None:
    mirror = env / "all"
    code, out, err = run(["data", "pull", "--all", "--to", str(mirror), "--json"], capsys)
    assert code == 1
    report = json.loads(out)
    pulled = [entry["name"] for entry in report["pulled"]]
    assert pulled == ["gsm8k", "math500", "mmlu-stem", "sat-math", "sciinstruct"]
    assert report["skipped"] == ["minif2f (no automatic download)"]
    last = err.strip().splitlines()[-1]
    assert last.startswith("Error: ") and "set(s) not pulled (math, scibench" in last
    for name in pulled:
        assert hub.state(catalog.get_source(name), mirror) == "complete"
    assert hub.state(catalog.get_source("ceval"), mirror) == "absent"
    code, out, _ = run(["data", "pull", "gsm8k", "--to", str(mirror), "--json"], capsys)
    assert code == 0
    assert json.loads(out)["pulled"] == [{"name": "gsm8k", "rows": {"test": 5, "train": 2}}]


def test_repository_with_a_loading_script_falls_back_to_the_parquet_branch(
        env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """datasets>=4 refuses loading scripts; the Hub's Parquet conversion is read instead."""
    import datasets

    local = Path(os.environ[hub.HUB_DIR_ENV])
    monkeypatch.delenv(hub.HUB_DIR_ENV)
    real = datasets.load_dataset_builder
    asked: list[str | None] = []

    def fake(path: str, name: str | None = None, revision: str | None = None, **kwargs):
        asked.append(revision)
        if revision != hub.PARQUET_REVISION:
            raise RuntimeError("Dataset scripts are no longer supported, but found gsm8k.py")
        return real(str(local / path), name=name, **kwargs)

    monkeypatch.setattr(datasets, "load_dataset_builder", fake)
    rows = list(hub.upstream_rows(catalog.get_source("gsm8k"), "test"))
    assert rows == gsm8k_rows()
    assert asked == [catalog.get_source("gsm8k").revision, hub.PARQUET_REVISION]
