"""Quality classifiers on SciGLM's labelled data: the fast one must beat the majority baseline."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from sciglm import __version__
from sciglm.classifier.base import load_classifier, make_classifier, read_meta
from sciglm.classifier.data import load_labelled
from sciglm.classifier.metrics import evaluate
from sciglm.cli.main import main
from sciglm.errors import InputError, SciglmError


def test_metrics_against_majority() -> None:
    m = evaluate([1, 0, 0, 0], [0.9, -0.5, 0.2, -0.1])
    assert m["accuracy"] == 0.75 and m["precision"] == 0.5 and m["recall"] == 1.0
    assert m["auc"] == 1.0
    assert m["baseline"] == {"predicts": "bad", "accuracy": 0.75, "precision": 0.0,
                             "recall": 0.0, "f1": 0.0, "auc": 0.5}


def test_tfidf_beats_majority_and_round_trips(shared_data: Path, tmp_path: Path) -> None:
    quality = shared_data / "sciglm-quality"
    texts, labels = load_labelled(quality / "rm_valid.jsonl")
    test_texts, test_labels = load_labelled(quality / "rm_test.jsonl")
    clf = make_classifier("tfidf")
    clf.fit(texts, labels)
    scores = clf.score(test_texts)
    assert scores.min() >= -1 and scores.max() <= 1
    m = evaluate(test_labels, scores)
    assert m["baseline"]["accuracy"] == pytest.approx(628 / 942)
    assert m["accuracy"] >= m["baseline"]["accuracy"] + 0.2
    assert m["f1"] >= 0.8 and m["auc"] >= 0.9
    clf.save(tmp_path / "clf", {"note": "test"})
    meta = read_meta(tmp_path / "clf")
    assert meta["sciglm_version"] == __version__ and meta["kind"] == "tfidf"
    assert not list((tmp_path / "clf").glob("*.pkl"))
    again, _ = load_classifier(tmp_path / "clf")
    np.testing.assert_allclose(again.score(test_texts[:50]), scores[:50], rtol=1e-6)


def test_bad_labelled_data_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "labels.jsonl"
    path.write_text('{"prompt_answer": "ok", "label": 1}\n{"prompt_answer": "x", "label": 2}\n')
    with pytest.raises(InputError, match=r"labels.jsonl:2: 'label' must be 0 or 1"):
        load_labelled(path)
    with pytest.raises(SciglmError, match="not a saved classifier"):
        read_meta(tmp_path)


def test_classifier_cli_train_and_eval(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    rows = [{"question": f"Question {i} about physics and motion?", "label": i % 2,
             "response": f"The answer is \\boxed{{{i}}}. Clear derivation." if i % 2
             else "idk lol"} for i in range(40)]
    data = tmp_path / "train.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with pytest.raises(SystemExit) as exit_info:
        main(["classifier", "train", "--data", str(data), "--eval", str(data),
              "--output", str(tmp_path / "clf"), "--param", "min_df=1", "--json"])
    assert exit_info.value.code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["eval"]["accuracy"] == 1.0 and out["train"]["n"] == 40
    with pytest.raises(SystemExit) as exit_info:
        main(["classifier", "eval", str(tmp_path / "clf"), "--data", str(data), "--json"])
    assert exit_info.value.code == 0
    assert json.loads(capsys.readouterr().out)["classifier"]["sciglm_version"] == __version__


@pytest.mark.slow
def test_lm_classifier_trains_scores_and_reloads(tmp_path: Path) -> None:
    """The paper's LM classifier on the embedded SmolLM2, two tiny steps on CPU."""
    texts = ["1+1=? The answer is 2.", "1+1=? banana banana"] * 4
    labels = [1, 0] * 4
    clf = make_classifier("lm", model="embedded", max_steps=2, batch_size=2, max_length=48)
    facts = clf.fit(texts, labels)
    assert facts["steps"] == 2 and np.isfinite(facts["train_loss"])
    scores = clf.score(texts[:4])
    assert scores.shape == (4,) and np.all(np.abs(scores) <= 1)
    clf.save(tmp_path / "lm")
    again, meta = load_classifier(tmp_path / "lm")
    assert meta["kind"] == "lm" and meta["params"]["max_length"] == 48
    np.testing.assert_allclose(again.score(texts[:4]), scores, atol=1e-4)
