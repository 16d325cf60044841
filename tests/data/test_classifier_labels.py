"""``sciglm classifier data``: labels from annotated trajectories, balanced per question."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from sciglm.classifier.labels import build_labels, question_key, split_of
from sciglm.cli.main import main
from sciglm.data.annotated import iter_annotated


def _step(stage: str, response: str, correct: bool | None, judge: bool | None = None,
          round_: int | None = None) -> dict:
    step = {"stage": stage, "prompt": [], "response": response, "finish_reason": "stop",
            "verdict": {"correct": correct, "reason": f"verdict {correct}"}}
    if round_:
        step["round"] = round_
    if judge is not None:
        step["judge"] = {"model": "j", "verdict": {"correct": judge, "reason": "judge: x"}}
    return step


def _record(i: str, question: str, steps: list[dict], subject: str = "math") -> dict:
    final = steps[-1]
    decided = final["verdict"]["correct"]
    if decided is None and "judge" in final:
        decided = final["judge"]["verdict"]["correct"]
    return {"id": i, "subject": subject, "question": question, "reference": "5",
            "response": final["response"] if decided else None, "correct": decided,
            "stage": final["stage"] if decided else "failed", "trajectory": steps}


def _write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def _annotated(tmp_path: Path) -> Path:
    return _write(tmp_path / "ann.jsonl", [
        # hint-stage success after a wrong cot and two wrong reflections: 1 good, 1 of 3 bad
        _record("q1", "What is 2 + 3?", [_step("cot", "It is 6.", False),
                                          _step("reflect", "It is 7.", False, round_=1),
                                          _step("reflect", "It is 4.", False, round_=2),
                                          _step("hint", "2 + 3 = 5. Answer 5.", True)]),
        # right at once: no negative, left out
        _record("q2", "What is 1 + 1?", [_step("cot", "1 + 1 = 2.", True)]),
        # never right: no positive, left out
        _record("q3", "What is 9 * 9?", [_step("cot", "It is 80.", False),
                                          _step("hint", "It is 82.", False)]),
        # the verifier undecided, the judge said correct: only with --judge-labels
        _record("q4", "Name the gas.", [_step("cot", "Helium, maybe.", False),
                                         _step("hint", "It is neon.", None, judge=True)],
                subject="chemistry"),
        # errors and empty attempts are ignored
        {"id": "q5", "subject": "math", "question": "Broken?", "response": None,
         "correct": None, "stage": "failed", "trajectory": [], "error": "timeout"},
    ])


def test_labels_are_balanced_per_question_with_provenance(tmp_path: Path) -> None:
    path = _annotated(tmp_path)
    rows, summary = build_labels(iter_annotated(path), test_share=0.0, seed=3)
    assert Counter((r["question"], r["label"]) for r in rows) == {("What is 2 + 3?", 1): 1,
                                                                 ("What is 2 + 3?", 0): 1}
    good = next(r for r in rows if r["label"] == 1)
    assert good["response"] == "2 + 3 = 5. Answer 5." and good["split"] == "train"
    assert good["provenance"] == {"input": f"{path}:1", "id": "q1", "stage": "hint",
                                  "by": "verifier", "reason": "verdict True"}
    bad = next(r for r in rows if r["label"] == 0)
    assert bad["response"] in ("It is 6.", "It is 7.", "It is 4.")
    assert bad["provenance"]["by"] == "verifier" and bad["question_key"] == good["question_key"]
    assert summary.to_dict()["questions_with_positives_only"] == 1
    assert summary.only_negative == 2 and summary.paired == 1 and summary.records == 5
    # the same seed picks the same negative; judge labels only when asked for
    again, _ = build_labels(iter_annotated(path), test_share=0.0, seed=3)
    assert again == rows
    judged, summary = build_labels(iter_annotated(path), test_share=0.0, judge=True)
    chem = [r for r in judged if r["subject"] == "chemistry"]
    assert sorted((r["label"], r["provenance"]["by"]) for r in chem) == [(0, "verifier"),
                                                                         (1, "judge")]


def test_split_is_by_question_across_files(tmp_path: Path) -> None:
    records = [_record(f"q{i}", f"Question {i}: what is {i} + 1?",
                       [_step("cot", "no idea at all", False), _step("hint", "yes.", True)])
               for i in range(200)]
    first = _write(tmp_path / "a.jsonl", records)
    # the same questions annotated again by another teacher run, spaced differently
    second = _write(tmp_path / "b.jsonl", [{**r, "id": r["id"] + "-b",
                                            "question": r["question"].replace(" ", "  ")}
                                           for r in records])
    rows, summary = build_labels([*iter_annotated(first), *iter_annotated(second)], 0.25, 0)
    splits: dict[str, set[str]] = {}
    for row in rows:
        splits.setdefault(row["question_key"], set()).add(row["split"])
    assert len(splits) == 200 and all(len(s) == 1 for s in splits.values())
    assert 30 <= summary.splits["test"] <= 70  # about a quarter of the questions
    assert split_of(question_key("What is 1 + 1?"), 0.25) == split_of(
        question_key("what is 1  +  1?"), 0.25)


def test_classifier_data_cli_then_train_and_eval(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture) -> None:
    records = [_record(f"q{i}", f"Question {i}: how many apples are left after day {i}?",
                       [_step("cot", "banana " * (i % 3 + 1), False),
                        _step("hint", f"Count them: {i} - 1 = {i - 1}. The answer is {i - 1}.",
                              True)])
               for i in range(40)]
    annotated = _write(tmp_path / "ann.jsonl", records)
    labels = tmp_path / "labels.jsonl"
    with pytest.raises(SystemExit) as exit_info:
        main(["classifier", "data", str(annotated), "-o", str(labels), "--json"])
    assert exit_info.value.code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["n"] == 80 and report["paired_questions"] == 40
    assert report["rows"] == {"bad/cot/verifier": 40, "good/hint/verifier": 40}
    assert sum(report["split_questions"].values()) == 40 and report["split_questions"]["test"]
    with pytest.raises(SystemExit) as exit_info:
        main(["classifier", "train", "--data", str(labels), "-o", str(tmp_path / "c"),
              "--param", "min_df=1", "--json"])
    assert exit_info.value.code == 0
    result = json.loads(capsys.readouterr().out)
    assert result["train"]["questions"] + result["eval"]["questions"] == 40
    assert result["eval"]["kept_good_share"] == 1.0 and result["eval"]["auc"] == 1.0


def test_no_pairs_is_one_error(tmp_path: Path) -> None:
    import subprocess
    import sys

    annotated = _write(tmp_path / "ann.jsonl", [
        _record("q2", "What is 1 + 1?", [_step("cot", "1 + 1 = 2.", True)])])
    proc = subprocess.run([sys.executable, "-m", "sciglm.cli.main", "classifier", "data",
                           str(annotated), "-o", str(tmp_path / "l.jsonl")],
                          capture_output=True, text=True)
    assert proc.returncode == 1 and proc.stderr.startswith("Error: no question in ")
    assert "1 with good only" in proc.stderr and not (tmp_path / "l.jsonl").exists()
