"""The paper's classifier: a causal LM fine-tuned to answer True/False about a solution.

The prompt shows question+solution and asks whether the solution is good; training (on the
``sciglm train`` backend, see :mod:`sciglm.classifier.lm_train`) puts the loss on the single
answer token at the last position. Score = P(" True") − P(" False") there, keep when > 0.
Texts are cut to ``max_length`` tokens (head of the question + tail of the solution).
"""

from __future__ import annotations

import dataclasses
import random
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sciglm.classifier import lm_train
from sciglm.classifier.base import Advance, QualityClassifier
from sciglm.classifier.config import LMClassifierConfig
from sciglm.errors import SciglmError

PROMPT = ("Below is a question followed by a solution.\n\n{text}\n\n"
          "Is the solution correct and well written? Answer True or False.\nAnswer:")
DEFAULTS: dict[str, Any] = dataclasses.asdict(LMClassifierConfig())


class LMClassifier(QualityClassifier):
    """Any HF causal LM by name or path (``embedded`` = the bundled SmolLM2-135M-Instruct)."""

    kind = "lm"

    def __init__(self, **params: Any) -> None:
        super().__init__(**{**DEFAULTS, **params})
        self.model: Any = None
        self.tokenizer: Any = None
        self.trainer: Any = None
        self._frame: int | None = None

    # -- text → token ids -------------------------------------------------------------------
    def _load(self, path: str) -> None:
        """Load a saved classifier model for scoring: bf16 on a GPU that has it, else fp32."""
        import torch
        from transformers import AutoModelForCausalLM

        from sciglm.train.model import load_tokenizer

        trust = lm_train.train_config(self.params, path).trust_remote_code
        self._set_tokenizer(load_tokenizer(path, trust))
        cuda = torch.cuda.is_available()
        dtype = torch.bfloat16 if cuda and torch.cuda.is_bf16_supported() else torch.float32
        self.model = AutoModelForCausalLM.from_pretrained(path, dtype=dtype,
                                                          trust_remote_code=trust)
        if cuda:
            self.model.to("cuda")

    def _set_tokenizer(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer
        self.tokenizer.padding_side = "left"
        self.true_id = self._answer_id(" True")
        self.false_id = self._answer_id(" False")
        if self.true_id == self.false_id:
            raise SciglmError("the tokenizer starts ' True' and ' False' with the same token; "
                              "this model cannot be a True/False classifier")

    def _answer_id(self, word: str) -> int:
        return int(self.tokenizer(word, add_special_tokens=False)["input_ids"][0])

    def _prompt_ids(self, text: str) -> list[int]:
        """Prompt token ids with the text cut to fit: its head and its tail, joined by '…'."""
        tok = self.tokenizer
        if self._frame is None:
            self._frame = len(tok(PROMPT.format(text=""), add_special_tokens=False)["input_ids"])
        frame = self._frame
        budget = max(self.params["max_length"] - frame - 2, 16)
        ids = tok(text, add_special_tokens=False)["input_ids"]
        if len(ids) > budget:
            head = min(self.params["head_tokens"], budget // 2)
            text = tok.decode(ids[:head]) + " … " + tok.decode(ids[len(ids) - (budget - head):])
        return tok(PROMPT.format(text=text), add_special_tokens=False)["input_ids"]

    def _collate(self, batch: list[dict[str, Any]]) -> dict[str, Any]:
        """Left-padded ids (the answer position is last for every row) and answer token ids."""
        import torch

        pad = self.tokenizer.pad_token_id
        width = max(len(b["input_ids"]) for b in batch)
        ids = [[pad] * (width - len(b["input_ids"])) + b["input_ids"] for b in batch]
        mask = [[0] * (width - len(b["input_ids"])) + [1] * len(b["input_ids"]) for b in batch]
        return {"input_ids": torch.tensor(ids), "attention_mask": torch.tensor(mask),
                "answer": torch.tensor([b["label"] for b in batch])}

    # -- training -------------------------------------------------------------------------
    def _examples(self, texts: Sequence[str], labels: Sequence[int]) -> list[dict[str, Any]]:
        """Balanced (oversampling the smaller class), shuffled, tokenized training examples."""
        p = self.params
        rng = random.Random(p["seed"])
        pairs = list(zip(texts, labels, strict=True))
        if p["balance"]:  # so that the 0 threshold means something
            pos = [x for x in pairs if x[1] == 1]
            neg = [x for x in pairs if x[1] == 0]
            small, large = sorted((pos, neg), key=len)
            if small:
                pairs = large + small + [rng.choice(small) for _ in range(len(large) - len(small))]
        rng.shuffle(pairs)
        if p["max_steps"] > 0:  # only what the step budget will see gets tokenized
            world = lm_train.world_size()
            pairs = pairs[:p["max_steps"] * p["batch_size"] * world
                          * p["gradient_accumulation_steps"]]
        return [{"input_ids": self._prompt_ids(text),
                 "label": self.true_id if label else self.false_id} for text, label in pairs]

    def fit(self, texts: Sequence[str], labels: Sequence[int],
            advance: Advance | None = None) -> dict[str, Any]:
        with tempfile.TemporaryDirectory() as scratch:
            session = lm_train.Session(self.params, scratch)
            try:
                self._set_tokenizer(session.tokenizer)
                examples = self._examples(texts, labels)
                self.model = session.load_model()
                self.trainer, facts = session.train(self.model, examples, self._collate, advance)
            finally:
                if not self.params["deepspeed"]:
                    lm_train.finish()
        self.model.eval()
        return facts

    @property
    def sharded(self) -> bool:
        """Trained under DeepSpeed: the in-memory model is the engine's; reload to score."""
        return self.trainer is not None and bool(self.params["deepspeed"])

    # -- scoring --------------------------------------------------------------------------
    def score(self, texts: Sequence[str], advance: Advance | None = None) -> np.ndarray:
        import torch

        if self.model is None:
            raise RuntimeError("classifier is not fitted")
        device = next(self.model.parameters()).device
        out: list[float] = []
        size = self.params["batch_size"] * 2
        for start in range(0, len(texts), size):
            batch = self._collate([{"input_ids": self._prompt_ids(t), "label": 0}
                                   for t in texts[start:start + size]])
            with torch.no_grad():
                logits = self.model(input_ids=batch["input_ids"].to(device),
                                    attention_mask=batch["attention_mask"].to(device),
                                    logits_to_keep=1).logits[:, -1, :]
            probs = torch.softmax(logits.float(), dim=-1)
            out.extend((probs[:, self.true_id] - probs[:, self.false_id]).tolist())
            if advance:
                advance(len(batch["answer"]))
        return np.asarray(out)

    # -- storage --------------------------------------------------------------------------
    def _save_model(self, folder: Path) -> None:
        """Every rank calls this (ZeRO-3 gathers the weights); rank 0 writes the files."""
        if self.trainer is not None:
            self.trainer.save_model(str(folder / "model"))
        elif lm_train.is_main_process():
            self.model.save_pretrained(folder / "model")
        if lm_train.is_main_process():
            self.tokenizer.save_pretrained(folder / "model")
        if self.sharded:
            lm_train.finish()

    def _load_model(self, folder: Path) -> None:
        self.trainer = None
        self._load(str(folder / "model"))
        self.model.eval()
