"""The paper's classifier: a causal LM fine-tuned (HF Trainer) to answer True/False.

The prompt shows question+solution and asks whether the solution is good; training puts the loss
on the single answer token only (logits are computed for that one position).
Score = P(" True") − P(" False") at the answer position, keep when > 0. Texts are cut to
``max_length`` tokens (head of the question + tail of the solution) and training stops after
``max_steps``, so a CPU run stays bounded.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sciglm.classifier.base import Advance, QualityClassifier

PROMPT = ("Below is a question followed by a solution.\n\n{text}\n\n"
          "Is the solution correct and well written? Answer True or False.\nAnswer:")
DEFAULTS: dict[str, Any] = {"model": "embedded", "max_length": 256, "head_tokens": 96,
                            "max_steps": 60, "batch_size": 8, "learning_rate": 5e-5,
                            "seed": 0, "balance": True}


class LMClassifier(QualityClassifier):
    """Any HF causal LM by name or path (``embedded`` = the bundled SmolLM2-135M-Instruct)."""

    kind = "lm"

    def __init__(self, **params: Any) -> None:
        super().__init__(**{**DEFAULTS, **params})
        self.model: Any = None
        self.tokenizer: Any = None
        self._frame: int | None = None

    # -- text → token ids -------------------------------------------------------------------
    def _load(self, path: str) -> None:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self.tokenizer = AutoTokenizer.from_pretrained(path)
        if self.tokenizer.pad_token_id is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self.model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32)
        self.true_id = self._answer_id(" True")
        self.false_id = self._answer_id(" False")

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
    def fit(self, texts: Sequence[str], labels: Sequence[int],
            advance: Advance | None = None) -> dict[str, Any]:
        import torch
        from transformers import PrinterCallback, Trainer, TrainerCallback, TrainingArguments

        from sciglm.models.embedded import resolve_model

        p = self.params
        self._load(resolve_model(p["model"]))
        rng = random.Random(p["seed"])
        pairs = list(zip(texts, labels, strict=True))
        if p["balance"]:  # oversample the smaller class so the 0 threshold means something
            pos = [x for x in pairs if x[1] == 1]
            neg = [x for x in pairs if x[1] == 0]
            small, large = sorted((pos, neg), key=len)
            if small:
                pairs = large + [rng.choice(small) for _ in range(len(large))]
        rng.shuffle(pairs)
        needed = p["max_steps"] * p["batch_size"]
        pairs = pairs[:needed]  # only what the step budget will see gets tokenized
        examples = [{"input_ids": self._prompt_ids(text),
                     "label": self.true_id if label else self.false_id} for text, label in pairs]
        collate = self._collate

        class Step(TrainerCallback):
            def on_step_end(self, args: Any, state: Any, control: Any, **kw: Any) -> None:
                if advance:
                    advance(1)

        class AnswerTrainer(Trainer):
            """Loss on the answer token only, with logits computed for the last position only."""

            def compute_loss(self, model: Any, inputs: dict[str, Any], return_outputs: bool = False,
                             num_items_in_batch: Any = None) -> Any:
                labels = inputs.pop("answer")
                outputs = model(**inputs, logits_to_keep=1)
                loss = torch.nn.functional.cross_entropy(outputs.logits[:, -1, :].float(), labels)
                return (loss, outputs) if return_outputs else loss

        import tempfile

        with tempfile.TemporaryDirectory() as scratch:
            args = TrainingArguments(
                output_dir=scratch, max_steps=p["max_steps"],
                per_device_train_batch_size=p["batch_size"],
                learning_rate=p["learning_rate"], lr_scheduler_type="linear",
                warmup_steps=min(5, p["max_steps"] // 5),
                logging_steps=max(p["max_steps"] // 5, 1), save_strategy="no", report_to=[],
                use_cpu=not torch.cuda.is_available(), seed=p["seed"], disable_tqdm=True,
                remove_unused_columns=False)
            trainer = AnswerTrainer(model=self.model, args=args, train_dataset=examples,
                                    data_collator=collate, callbacks=[Step()])
            trainer.remove_callback(PrinterCallback)  # its dicts would pollute stdout
            result = trainer.train()
        self.model.eval()
        return {"examples_seen": len(examples), "steps": p["max_steps"],
                "train_loss": float(result.training_loss)}

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
        self.model.save_pretrained(folder / "model")
        self.tokenizer.save_pretrained(folder / "model")

    def _load_model(self, folder: Path) -> None:
        self._load(str(folder / "model"))
        self.model.eval()
