"""The LM classifier on the ``sciglm train`` backend, with a tiny 2-layer model on CPU:
plain HF Trainer, and DeepSpeed ZeRO-2/3 (gloo). Each takes 30 s to minutes on a busy CPU,
hence ``slow``."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from sciglm.classifier.base import load_classifier
from tests.fresh_process import run_json
from tests.train.conftest import make_model, make_tokenizer

GOOD = "Add them: 2 + 3 = 5. The answer is 5. True"
BAD = "banana banana. False"


@pytest.fixture(scope="module")
def tiny_lm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A saved 2-layer Llama whose tokenizer has ' True' and ' False' as distinct tokens."""
    folder = tmp_path_factory.mktemp("tiny-lm")
    texts = [GOOD, BAD, "Is the solution correct? Answer True or False. Answer: True False"] * 20
    tokenizer = make_tokenizer(texts)
    make_model(tokenizer, hidden=32).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def labels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("labels") / "labels.jsonl"
    rows = [{"question": f"What is 2 + 3, case {i}?", "response": GOOD if y else BAD,
             "label": y, "split": "test" if i >= 12 else "train"}
            for i in range(16) for y in (0, 1)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _train(args: list[str]) -> dict:
    return run_json(["classifier", "train", "--kind", "lm", "--json", *args], timeout=900)


@pytest.mark.slow
def test_lm_classifier_learns_the_answer_token_and_reloads(
        tiny_lm: Path, labels: Path, tmp_path: Path) -> None:
    out = _train(["--model", str(tiny_lm), "--data", str(labels), "-o", str(tmp_path / "c"),
                  "--max-steps", "30", "--per-device-batch-size", "8", "--lr", "3e-3",
                  "--max-length", "96"])
    train = out["train"]
    assert train["steps"] == 30 and train["precision"] == "fp32" and train["deepspeed"] is None
    assert np.isfinite(train["train_loss"])
    assert out["eval"]["auc"] == 1.0 and out["eval"]["kept_good_share"] == 1.0
    clf, meta = load_classifier(tmp_path / "c")
    assert meta["params"]["max_length"] == 96 and meta["eval"]["n"] == 8
    scores = clf.score([f"What is 2 + 3, case 99?\n{GOOD}", f"What is 2 + 3, case 99?\n{BAD}"])
    assert np.all(np.abs(scores) <= 1) and scores[0] > 0 > scores[1]


def test_lm_options_belong_to_kind_lm(labels: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "sciglm.cli.main", "classifier", "train",
                           "--data", str(labels), "-o", str(tmp_path / "c"), "--max-steps", "3"],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stderr.strip() == "Error: --max-steps is an option of --kind lm"


def test_training_settings_are_the_classifiers_then_sciglm_trains() -> None:
    """The run's TrainConfig: the LM classifier's settings, ``sciglm train``'s defaults for the
    rest, and ``--param`` reaches any TrainConfig field."""
    from sciglm.classifier.config import LMClassifierConfig
    from sciglm.classifier.lm import LMClassifier
    from sciglm.classifier.lm_train import train_config
    from sciglm.train.config import TrainConfig

    params = LMClassifier(max_steps=10, weight_decay=0.1).params
    config = train_config(params, "out")
    config.validate()
    ours, theirs = LMClassifierConfig(), TrainConfig()
    assert (config.max_steps, config.weight_decay) == (10, 0.1)
    assert (config.per_device_batch_size, config.learning_rate, config.model) == (
        ours.batch_size, ours.learning_rate, ours.model)
    assert (config.warmup_steps, config.attn_implementation, config.check_memory) == (
        theirs.warmup_steps, theirs.attn_implementation, theirs.check_memory)
    assert config.global_batch_size is None
    assert config.gradient_accumulation_steps == ours.gradient_accumulation_steps


@pytest.mark.slow
@pytest.mark.timeout(1200)  # the first use JIT-builds DeepSpeed's CPU ops (minutes)
@pytest.mark.parametrize("stage", ["zero2", "zero3"])
def test_lm_classifier_under_deepspeed(stage: str, tiny_lm: Path, labels: Path,
                                       tmp_path: Path) -> None:
    """The same run through DeepSpeed (gloo on CPU), with gradient checkpointing; ZeRO-3
    gathers the weights on save, and the saved folder scores like any other."""
    out = _train(["--model", str(tiny_lm), "--data", str(labels), "-o", str(tmp_path / "c"),
                  "--max-steps", "30", "--per-device-batch-size", "8", "--lr", "3e-3",
                  "--max-length", "96", "--gradient-checkpointing",
                  "--deepspeed", stage])
    assert out["train"]["deepspeed"] == stage and out["train"]["gradient_checkpointing"]
    assert out["eval"]["auc"] == 1.0
    clf, _ = load_classifier(tmp_path / "c")
    assert clf.score([f"What is 2 + 3, case 99?\n{GOOD}"])[0] > 0
