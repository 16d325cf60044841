"""Quality classifiers: metrics, the tf-idf model, the CLI's held-out checks and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sciglm import __version__
from sciglm.classifier.base import META_FILE, load_classifier, make_classifier, read_meta
from sciglm.classifier.data import load_labelled, style_cues
from sciglm.classifier.metrics import evaluate
from sciglm.cli.main import main
from sciglm.errors import InputError, SciglmError

GOOD = "Add them: 2 + 3 = 5. The answer is \\boxed{5}."
BAD = "idk, maybe banana"


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    return path


def _labels(n: int, split: str | None = None, start: int = 0) -> list[dict]:
    rows = []
    for i in range(start, start + n):
        for label in (1, 0):
            row = {"question": f"Question {i}: what is 2 + 3 for item {i}?",
                   "response": GOOD if label else BAD, "label": label, "subject": "math"}
            if split:
                row["split"] = split
            rows.append(row)
    return rows


def _cli(args: list[str], capsys: pytest.CaptureFixture) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    captured = capsys.readouterr()
    return exit_info.value.code, captured.out, captured.err


def _error(args: list[str]) -> str:
    """The stderr of a CLI run in a fresh process, which must fail with one Error: line."""
    proc = subprocess.run([sys.executable, "-m", "sciglm.cli.main", *args],
                          capture_output=True, text=True)
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert proc.returncode == 1 and len(lines) == 1 and lines[0].startswith("Error: "), lines
    return lines[0]


def test_metrics_put_kept_share_of_good_first() -> None:
    m = evaluate([1, 0, 0, 0, 1], [0.9, -0.5, 0.2, -0.1, -0.3])
    assert list(m)[:2] == ["kept_good_share", "kept_bad_share"]
    assert m["kept_good_share"] == 0.5 and m["kept_bad_share"] == pytest.approx(1 / 3)
    assert m["accuracy"] == 0.6 and m["auc"] == pytest.approx(4 / 6)
    assert m["baseline"]["predicts"] == "bad" and m["baseline"]["accuracy"] == 0.6


def test_released_labels_train_with_a_style_cue_note(shared_data: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture) -> None:
    quality = shared_data / "sciglm-quality"
    train = load_labelled(quality / "rm_valid.jsonl")
    test = load_labelled(quality / "rm_test.jsonl")
    assert not set(train.keys) & set(test.keys)  # the released split is by question
    assert any("【…】 bracket" in cue for cue in style_cues(train.texts, train.labels))
    code, out, err = _cli(["classifier", "train", "--data", str(quality / "rm_valid.jsonl"),
                           "--eval", str(quality / "rm_test.jsonl"), "-o", str(tmp_path / "c"),
                           "--json"], capsys)
    err = " ".join(err.split())
    assert code == 0 and "style cue" in err and "who wrote" in err
    figures = json.loads(out)["eval"]
    assert figures["n"] == 942 and figures["positives"] == 314
    assert figures["accuracy"] >= figures["baseline"]["accuracy"] + 0.2 and figures["auc"] >= 0.9
    meta = read_meta(tmp_path / "c")
    assert meta["sciglm_version"] == __version__ and meta["train"]["style_cues"]
    assert not list((tmp_path / "c").glob("*.pkl"))
    again, _ = load_classifier(tmp_path / "c")
    clf, _ = load_classifier(tmp_path / "c")
    np.testing.assert_allclose(again.score(test.texts[:20]), clf.score(test.texts[:20]))


def test_train_uses_the_split_rows_and_eval_reports_kept_share_first(
        tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    data = _write(tmp_path / "labels.jsonl", _labels(20, "train") + _labels(5, "test", 100))
    code, out, _ = _cli(["classifier", "train", "--data", str(data), "-o", str(tmp_path / "c"),
                         "--param", "min_df=1", "--json"], capsys)
    result = json.loads(out)
    assert code == 0 and result["train"]["n"] == 40 and result["train"]["questions"] == 20
    assert result["eval"]["n"] == 10 and result["eval"]["kept_good_share"] == 1.0
    code, out, err = _cli(["classifier", "eval", str(tmp_path / "c"), "--data", str(data)],
                          capsys)
    assert code == 0 and out == ""
    assert err.index("kept share of good") < err.index("auc") < err.index("accuracy")
    assert "keeps 100.0% of 5 good solutions" in err


def test_one_class_labels_are_one_error_line(tmp_path: Path) -> None:
    rows = [r for r in _labels(6) if r["label"] == 1]
    data = _write(tmp_path / "good.jsonl", rows)
    line = _error(["classifier", "train", "--data", str(data), "-o", str(tmp_path / "c")])
    assert line == (f"Error: {data}: labels have one class only (6 good, 0 bad); "
                    "a classifier needs both")


def test_a_question_in_both_splits_is_refused(tmp_path: Path,
                                              capsys: pytest.CaptureFixture) -> None:
    train = _write(tmp_path / "train.jsonl", _labels(10))
    leaky = _write(tmp_path / "test.jsonl", _labels(3, start=8) + _labels(3, start=50))
    line = _error(["classifier", "train", "--data", str(train), "--eval", str(leaky),
                   "-o", str(tmp_path / "c")])
    assert "2 question(s) are in both the training data and the held-out data" in line
    # a saved classifier remembers its training questions: evaluating on them is refused too
    assert _cli(["classifier", "train", "--data", str(train), "-o", str(tmp_path / "c"),
                 "--param", "min_df=1"], capsys)[0] == 0
    line = _error(["classifier", "eval", str(tmp_path / "c"), "--data", str(leaky)])
    assert f"in both the training data of {tmp_path / 'c'} and the held-out data" in line


def test_folder_from_another_version_is_refused(tmp_path: Path,
                                                capsys: pytest.CaptureFixture) -> None:
    data = _write(tmp_path / "l.jsonl", _labels(8))
    assert _cli(["classifier", "train", "--data", str(data), "-o", str(tmp_path / "c"),
                 "--param", "min_df=1"], capsys)[0] == 0
    meta_path = tmp_path / "c" / META_FILE
    meta = json.loads(meta_path.read_text())
    del meta["format"]
    meta["sciglm_version"] = "0.0.9"
    meta_path.write_text(json.dumps(meta))
    line = _error(["classifier", "eval", str(tmp_path / "c"), "--data", str(data)])
    assert line.startswith(f"Error: {tmp_path / 'c'}: classifier saved by sciglm 0.0.9 in "
                           "format 1; this sciglm")
    annotated = _write(tmp_path / "a.jsonl", [{"question": "q?", "response": GOOD,
                                               "correct": True}])
    line = _error(["filter", str(annotated), "-o", str(tmp_path / "k.jsonl"),
                   "--classifier", str(tmp_path / "c"), "--no-decontam"])
    assert "retrain it with 'sciglm classifier train'" in line
    with pytest.raises(SciglmError, match="not a saved classifier"):
        read_meta(tmp_path)


def test_bad_labelled_data_names_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path / "labels.jsonl", [{"prompt_answer": "ok", "label": 1},
                                              {"prompt_answer": "x", "label": 2}])
    with pytest.raises(InputError, match=r"labels.jsonl:2: 'label' must be 0 or 1"):
        load_labelled(path)
    path = _write(tmp_path / "s.jsonl", [{"prompt_answer": "ok", "label": 1, "split": "dev"}])
    with pytest.raises(InputError, match=r"s.jsonl:1: 'split' must be train or test"):
        load_labelled(path)
    with pytest.raises(InputError, match="no such file"):
        load_labelled(tmp_path / "missing.jsonl")


def test_catalogue_name_resolves_to_the_mirror_file(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from sciglm.catalog import data as catalog

    mirror = tmp_path / "mirror"
    (mirror / "sciglm-quality").mkdir(parents=True)
    _write(mirror / "sciglm-quality" / "rm_valid.jsonl", _labels(2))
    source = catalog.DataSource("sciglm-quality", "SciGLM quality labels",
                                {"valid": "sciglm-quality/rm_valid.jsonl"})
    monkeypatch.setitem(catalog.CATALOG, "sciglm-quality", source)
    monkeypatch.setenv(catalog.DATA_ENV, str(mirror))
    assert len(load_labelled("sciglm-quality:valid")) == 4
    with pytest.raises(SciglmError, match="no split 'nope'"):
        load_labelled("sciglm-quality:nope")


def test_tfidf_scores_stay_in_range_and_round_trip(tmp_path: Path) -> None:
    rows = _labels(15)
    texts = [f"{r['question']}\n{r['response']}" for r in rows]
    labels = [r["label"] for r in rows]
    clf = make_classifier("tfidf", min_df=1)
    clf.fit(texts, labels)
    scores = clf.score(texts)
    assert scores.min() >= -1 and scores.max() <= 1 and evaluate(labels, scores)["auc"] == 1.0
    clf.save(tmp_path / "c")
    again, meta = load_classifier(tmp_path / "c")
    assert meta["kind"] == "tfidf" and meta["format"] == 2
    np.testing.assert_allclose(again.score(texts), scores, rtol=1e-6)
