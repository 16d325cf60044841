"""The configs of ``sciglm classifier data|train|eval`` and the LM classifier's settings: every
option with its default and help, in one place; the commands' click options are derived from
them (:func:`sciglm.config.click_options`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sciglm.config import cli_fields, flag_of, option
from sciglm.errors import SciglmError

KINDS = ("tfidf", "lm")
#: Predict (keep) "good" when P(good) − P(bad) is above this: the paper's 0.
THRESHOLD = 0.0
DATA_HELP = ("Labelled JSONL (from 'sciglm classifier data', or {\"prompt_answer\", \"label\"}), "
             "or a catalogue NAME:SPLIT such as sciglm-quality:SPLIT (SciGLM's released labels).")


@dataclass(kw_only=True)
class ClassifierDataConfig:
    """How ``sciglm classifier data`` labels annotated trajectories."""

    output: str = option(help="Labelled JSONL: question, response, label, split, provenance.",
                         short="-o", path="file")
    test_share: float = option(0.2, "Share of QUESTIONS held out (split 'test').", min=0, max=1,
                               max_open=True)
    seed: int = option(0, "Seed of the split and of picking attempts.")
    judge_labels: bool = option(False, "Where the verifier said null, use the judge's recorded "
                                "verdict (annotations made with --judge).")
    as_json: bool = option(False, "Print the summary as JSON on stdout.", flag="--json")


@dataclass
class LMClassifierConfig:
    """The LM classifier's settings (``--kind lm``), saved with it. The defaults are a short
    CPU-sized run (the original trained ChatGLM3-6B-Base for 2 epochs at lr 3e-6, batch 3,
    1024 tokens). Training settings not named here are ``sciglm train``'s defaults: any field of
    :class:`sciglm.train.config.TrainConfig` can be given with ``--param``."""

    model: str = option("embedded", "lm: HF causal LM folder or name ('embedded' = "
                        "SmolLM2-135M, the default).", deferred=True)
    deepspeed: str | None = option(None, "lm: DeepSpeed config: zero2, zero3, zero3-offload or a "
                                   "JSON file (as for 'sciglm train').", metavar="NAME|FILE",
                                   deferred=True)
    precision: str = option("auto", "lm: auto (default) = bf16 on GPUs that have it, else fp16; "
                            "fp32 on CPU.", choices=("auto", "bf16", "fp16", "fp32"),
                            deferred=True)
    gradient_checkpointing: bool = option(False, "lm: recompute activations.", deferred=True)
    epochs: float = option(1.0, "lm: epochs when --max-steps is -1.", deferred=True)
    max_steps: int = option(60, "lm: training steps (default {default}; -1 = run --epochs).",
                            deferred=True)
    learning_rate: float = option(5e-5, "lm: default {default} (the original: 3e-6 for 6B).",
                                  aliases=("--lr",), deferred=True)
    batch_size: int = option(8, "lm: default {default}.", flag="--per-device-batch-size",
                             deferred=True)
    gradient_accumulation_steps: int = option(1, "lm: default {default}.", deferred=True)
    max_length: int = option(256, "lm: tokens per example (default {default}; the original: "
                             "1024).", deferred=True)
    head_tokens: int = 96  # of a text cut to max_length, tokens kept from its start
    seed: int = 0
    balance: bool = True  # oversample the smaller class, so that the threshold 0 means something


@dataclass(kw_only=True)
class ClassifierTrainConfig(LMClassifierConfig):
    """What ``sciglm classifier train`` is given: the data, the kind and its parameters. The
    LM options are ``None`` here when not given: they belong to ``--kind lm``."""

    data_path: str = option(help=DATA_HELP + " Rows with split 'test' are held out.",
                            flag="--data")
    eval_path: str | None = option(None, "Held-out labelled data (default: the 'test' rows of "
                                   "--data, if any).", flag="--eval")
    output: str = option(help="Folder for the fitted classifier.", short="-o", path="dir")
    kind: str = option("tfidf", "tfidf: char n-grams + logistic regression (fast, CPU); lm: "
                       "fine-tuned causal LM (the paper's).", choices=KINDS)
    params: tuple[str, ...] = option((), "Other parameters, e.g. --param C=2 (tfidf) or --param "
                                     "seed=1.", flag="--param", multiple=True, metavar="KEY=VALUE")
    as_json: bool = option(False, "Print the result as JSON on stdout.", flag="--json")

    def classifier_params(self) -> dict[str, Any]:
        """The parameters of the classifier to make: ``--param`` values (JSON, else text), then
        the LM options given, which are an error with another kind than ``lm``."""
        out: dict[str, Any] = {}
        for item in self.params:
            key, sep, raw = item.partition("=")
            if not sep:
                raise SciglmError(f"--param {item!r}: expected KEY=VALUE")
            try:
                out[key] = json.loads(raw)
            except json.JSONDecodeError:
                out[key] = raw
        given = {name: getattr(self, name) for name in cli_fields(LMClassifierConfig)
                 if getattr(self, name) not in (None, False)}
        if given and self.kind != "lm":
            raise SciglmError(f"{flag_of(LMClassifierConfig, next(iter(given)))} is an option "
                              "of --kind lm")
        return out | given


@dataclass(kw_only=True)
class ClassifierEvalConfig:
    """How ``sciglm classifier eval`` scores labelled data with a saved classifier."""

    data_path: str = option(help=DATA_HELP, flag="--data")
    split: str = option("test", "Rows of --data to score when it has splits (files without "
                        "splits: all).", choices=("test", "train", "all"))
    threshold: float = option(THRESHOLD, "Predict 'good' when the score (P(good) − P(bad)) is "
                              "above this.")
    as_json: bool = option(False, "Print the figures as JSON on stdout.", flag="--json")
