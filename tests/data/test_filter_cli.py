"""``sciglm filter`` from the command line: every drop has a reason, bad input names file:line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sciglm.cli.main import main

GOOD = "2 + 3 = 5, so the answer is \\boxed{5}."


def _rec(i: str, question: str, response: str | None = GOOD, correct: bool | None = True,
         **extra) -> dict:
    return {"id": i, "subject": "math", "question": question, "reference": "5",
            "response": response, "correct": correct, "stage": "cot", **extra}


def _write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    return path


def _run(args: list[str]) -> int:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    return exit_info.value.code


def test_filter_drops_with_reasons(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    q = "Tom has 2 apples and buys 3 more at the market today. How many apples does he have now?"
    bench = _write(tmp_path / "bench.jsonl", [{"question": "Leaked: " + q}])
    records = [
        _rec("keep", "What is 2+3 when both numbers are written in base ten notation?"),
        _rec("wrong", "What is 2+4?", "The answer is 7.", correct=False),
        _rec("undecided", "What is 2+5?", correct=None),
        _rec("short", "What is 2+6 in base ten?", "8"),
        _rec("dup", "what is 2+3 when both numbers are written in   base ten notation?"),
        _rec("leak", q),
    ]
    annotated = _write(tmp_path / "ann.jsonl", records)
    code = _run(["filter", str(annotated), "-o", str(tmp_path / "kept.jsonl"),
                 "--against", f"bench:{bench}", "--json"])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    kept = [json.loads(x) for x in (tmp_path / "kept.jsonl").read_text().splitlines()]
    rejected = [json.loads(x) for x in (tmp_path / "kept.rejected.jsonl").read_text().splitlines()]
    assert [r["id"] for r in kept] == ["keep"]
    steps = {r["id"]: r["rejected"]["step"] for r in rejected}
    assert steps == {"wrong": "verified", "undecided": "verified", "short": "rules",
                     "dup": "dedup", "leak": "decontam"}
    assert len(kept) + len(rejected) == len(records)  # nothing disappears
    assert report["kept"] == 1 and report["decontamination_hits"][0]["eval_set"] == "bench"
    assert report["dedup_clusters"] == [{"kept": "keep", "dropped": ["dup"]}]
    assert (tmp_path / "kept.filter.json").is_file()


def test_keep_unverified_and_rules_off(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    annotated = _write(tmp_path / "a.jsonl", [_rec("x", "What is 2+6 in base ten?", "8",
                                                   correct=None)])
    assert _run(["filter", str(annotated), "-o", str(tmp_path / "k.jsonl"), "--keep-unverified",
                 "--rules", "none", "--no-decontam", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["kept"] == 1


def test_filter_with_classifier_scores(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    labelled = [{"question": f"Question number {i}?", "label": i % 2,
                 "response": GOOD if i % 2 else "this is nonsense text without any answer"}
                for i in range(30)]
    data = _write(tmp_path / "labels.jsonl", labelled)
    assert _run(["classifier", "train", "--data", str(data), "-o", str(tmp_path / "clf"),
                 "--param", "min_df=1", "--json"]) == 0
    capsys.readouterr()
    annotated = _write(tmp_path / "a.jsonl", [
        _rec("good", "Question number 101 about sums?"),
        _rec("bad", "Question number 102 about sums?",
             "this is nonsense text without any answer")])
    assert _run(["filter", str(annotated), "-o", str(tmp_path / "k.jsonl"), "--rules", "none",
                 "--classifier", str(tmp_path / "clf"), "--no-decontam", "--json"]) == 0
    kept = [json.loads(x) for x in (tmp_path / "k.jsonl").read_text().splitlines()]
    assert [r["id"] for r in kept] == ["good"] and kept[0]["score"] > 0
    rejected = json.loads((tmp_path / "k.rejected.jsonl").read_text().splitlines()[0])
    assert rejected["rejected"]["step"] == "classifier" and rejected["score"] <= 0


def test_bad_input_is_one_error_line_with_file_and_line(tmp_path: Path) -> None:
    annotated = tmp_path / "bad.jsonl"
    annotated.write_text(json.dumps(_rec("a", "Fine question here?")) + "\n{not json\n")
    out = tmp_path / "kept.jsonl"
    proc = subprocess.run([sys.executable, "-m", "sciglm.cli.main", "filter", str(annotated),
                           "-o", str(out), "--no-decontam"], capture_output=True, text=True)
    assert proc.returncode == 1
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert lines == [f"Error: {annotated}:2: not valid JSON (Expecting property name enclosed "
                     "in double quotes at column 2)"]
    assert not out.exists()
    annotated.write_text(json.dumps({"id": "q", "response": "x"}) + "\n")
    proc = subprocess.run([sys.executable, "-m", "sciglm.cli.main", "filter", str(annotated),
                           "-o", str(out)], capture_output=True, text=True)
    assert proc.returncode == 1 and f"{annotated}:1: record has no 'question'" in proc.stderr


def test_classifier_that_would_empty_a_set_stops_the_filter(
        tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    labelled = [{"question": f"Question number {i}?", "label": i % 2,
                 "response": GOOD if i % 2 else "this is nonsense text without any answer"}
                for i in range(30)]
    data = _write(tmp_path / "labels.jsonl", labelled)
    assert _run(["classifier", "train", "--data", str(data), "-o", str(tmp_path / "clf"),
                 "--param", "min_df=1"]) == 0
    bad = "this is nonsense text without any answer, so the answer is \\boxed{5}"
    records = [_rec("m1", "Question number 201 about sums?"),
               _rec("m2", "Question number 202 about sums?", bad),
               _rec("m3", "Question number 203 about sums?", bad),
               _rec("p1", "Question number 204 about forces?", bad, subject="physics"),
               _rec("w", "Question number 205 about sums?", bad, correct=False)]
    annotated = _write(tmp_path / "a.jsonl", records)
    out = tmp_path / "k.jsonl"
    args = ["filter", str(annotated), "-o", str(out), "--rules", "none",
            "--classifier", str(tmp_path / "clf"), "--no-decontam", "--no-dedup"]
    proc = subprocess.run([sys.executable, "-m", "sciglm.cli.main", *args],
                          capture_output=True, text=True)
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert proc.returncode == 1 and [ln for ln in lines if "Error" in ln] == lines[-1:], lines
    assert lines[-1] == (
        f"Error: classifier {tmp_path / 'clf'} would drop 75% of the verified-correct records "
        "(3 of 4; math 67%, physics 100%), more than the allowed 50%: check it with 'sciglm "
        "classifier eval', lower --min-score, or raise --max-classifier-drop to go on")
    assert not out.exists()
    assert _run([*args, "--max-classifier-drop", "0.8", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["classifier"]["kept_share"] == {
        "math": {"in": 3, "kept": 1, "share": 0.3333},
        "physics": {"in": 1, "kept": 0, "share": 0.0},
        "all": {"in": 4, "kept": 1, "share": 0.25}}
    assert [json.loads(x)["id"] for x in out.read_text().splitlines()] == ["m1"]
    assert _run([*args, "--allow-classifier-drop"]) == 0
    err = capsys.readouterr().err
    assert "verified-correct kept" in err and "33.3%" in err
