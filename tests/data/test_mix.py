"""``sciglm mix``: SciInstruct lines, datasets folder with provenance, data card counts."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from sciglm.cli.main import main
from sciglm.data.mix import MixRow, mix, parse_weights, weighted
from sciglm.errors import SciglmError
from tests.data import test_hub_layout

env = test_hub_layout.env


def _rows(subject: str, n: int) -> list[MixRow]:
    return [MixRow(f"{subject} question {i}", f"solution {i}", subject, "src", "cot", "t", None,
                   f"{subject}-{i}") for i in range(n)]


def test_weights_and_general_ratio() -> None:
    result = mix({"math": _rows("math", 10), "physics": _rows("physics", 4)},
                 {"physics": 2.5}, general=_rows("general", 100), general_ratio=0.5, seed=3)
    assert result.selected == {"math": 10, "physics": 10, "general": 10}
    assert len(result.rows) == 30
    again = mix({"math": _rows("math", 10), "physics": _rows("physics", 4)},
                {"physics": 2.5}, general=_rows("general", 100), general_ratio=0.5, seed=3)
    assert [r.id for r in again.rows] == [r.id for r in result.rows]
    assert len(weighted(_rows("m", 10), 0.3, random.Random(0))) == 3
    short = mix({"math": _rows("math", 10)}, {}, general=_rows("general", 2), general_ratio=1.0)
    assert short.selected["general"] == 2 and short.notes
    with pytest.raises(SciglmError, match="no --input: chem"):
        mix({"math": _rows("math", 1)}, {"chem": 1.0})
    with pytest.raises(SciglmError):
        parse_weights("math=-1")


def _annotated(path: Path, subject: str, n: int, stage: str = "cot") -> Path:
    rng = random.Random(subject)
    words = ("energy mass velocity charge field pressure volume entropy photon orbit spring "
             "torque lens wave acid base salt ion bond gas heat flux circuit").split()
    rows = [{"id": f"{subject}-{i}", "subject": subject, "source": f"{subject}-set",
             "question": " ".join(rng.choice(words) for _ in range(25)) + "?",
             "response": f"Working step by step we find the value. The answer is \\boxed{{{i}}}.",
             "correct": True, "stage": stage, "score": 0.5,
             "teacher": {"base_url": "http://x", "model": "teacher-7b", "parameters": {}}}
            for i in range(n)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_mix_cli_writes_all_outputs(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    math = _annotated(tmp_path / "math.jsonl", "math", 12)
    phys = _annotated(tmp_path / "phys.jsonl", "physics", 5, stage="reflect")
    general = tmp_path / "general.jsonl"
    general.write_text("".join(json.dumps({"instruction": f"Say hi {i}", "output": "hi"}) + "\n"
                               for i in range(50)))
    out = tmp_path / "mix"
    with pytest.raises(SystemExit) as exit_info:
        main(["mix", "--input", f"math={math}", "--input", f"physics={phys}",
              "--weights", "physics=2", "--general", str(general), "--general-ratio", "0.5",
              "--no-decontam", "--seed", "7", "--output", str(out), "--json"])
    assert exit_info.value.code == 0
    stats = json.loads(capsys.readouterr().out)
    lines = [json.loads(x) for x in (out / "train.jsonl").read_text().splitlines()]
    assert len(lines) == 12 + 10 + 11 == stats["total"]
    assert all(set(x) == {"content", "summary"} for x in lines)
    assert stats["counts"]["subject"] == {"math": 12, "general": 11, "physics": 10}
    assert stats["counts"]["stage"] == {"cot": 12, "general": 11, "reflect": 10}
    import datasets

    ds = datasets.load_from_disk(str(out / "dataset"))
    assert len(ds) == 33
    assert {"subject", "source", "stage", "teacher", "score"} <= set(ds.column_names)
    row = next(r for r in ds if r["subject"] == "physics")
    assert row["teacher"] == "teacher-7b" and row["source"] == "physics-set"
    assert row["score"] == 0.5
    card = (out / "data_card.md").read_text()
    assert "| math | 12 | 1.0 | 12 |" in card and "| physics | 5 | 2.0 | 10 |" in card
    assert (out / "lengths.png").stat().st_size > 1000 and (out / "counts.png").is_file()


def test_mix_cli_rejects_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": 1, "question": "Q?", "response": None}) + "\n")
    with pytest.raises(SystemExit) as exit_info:
        main(["mix", "--input", f"math={bad}", "--output", str(tmp_path / "m")])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert f"{bad}:1: record has no 'response' text" in err
    assert not (tmp_path / "m").exists()


def test_card_finds_filter_report_named_with_report_option(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture) -> None:
    annotated = _annotated(tmp_path / "math.jsonl", "math", 6)
    kept = tmp_path / "filtered" / "kept.jsonl"
    for args in (["filter", str(annotated), "-o", str(kept), "--no-decontam",
                  "--report", str(kept.parent / "report.json")],
                 ["mix", "--input", str(kept), "--no-decontam", "-o", str(tmp_path / "mix")]):
        with pytest.raises(SystemExit) as exit_info:
            main(args)
        assert exit_info.value.code == 0
    card = (tmp_path / "mix" / "data_card.md").read_text()
    assert f"### {kept}" in card and "| verified | 6 | 0 | 6 |" in card


def test_mix_reads_released_sciinstruct_with_provenance(env: Path,
                                                         capsys: pytest.CaptureFixture) -> None:
    released = env / "mine" / "train_en_phy_chem.json"
    released.parent.mkdir()
    released.write_text(json.dumps([{"content": "Why is the sky blue? Explain with optics.",
                                     "summary": "Rayleigh scattering favours short waves."}]))
    out = env / "mix"
    with pytest.raises(SystemExit) as exit_info:
        main(["mix", "--input", "hf:zd21/SciInstruct", "--input", f"chemistry={released}",
              "--no-decontam", "--no-dedup", "-o", str(out), "--json"])
    assert exit_info.value.code == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["counts"]["subject"] == {"math": 3, "physics_chemistry": 3, "chemistry": 1,
                                          "lean": 1}
    assert stats["released_inputs"][0]["name"] == "sciinstruct"
    assert stats["released_inputs"][0]["licence"] == "CC-BY-4.0"
    import datasets

    rows = list(datasets.load_from_disk(str(out / "dataset")))
    lean = next(r for r in rows if r["subject"] == "lean")
    assert lean["source"] == "zd21/SciInstruct@098a7e88a938:train_lean.json"
    assert lean["stage"] == "released" and lean["summary"] == "by norm_num"


def test_mix_released_file_missing_field_names_row(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture) -> None:
    released = tmp_path / "train_cn_math.json"
    released.write_text(json.dumps({"content": "Q"}) + "\n")
    with pytest.raises(SystemExit) as exit_info:
        main(["mix", "--input", str(released), "--no-decontam", "-o", str(tmp_path / "m")])
    assert exit_info.value.code == 1
    assert f"{released}: row 1: missing field 'summary'" in capsys.readouterr().err
