"""Training the LM classifier on the ``sciglm train`` backend: HF Trainer + DeepSpeed ZeRO-2/3,
bf16/fp16, gradient checkpointing, the same environment set-up, precision choice, config checks,
memory check and model loaders; only the loss differs.

The loss is the original's (THUDM/SciGLM ``data_classifier/train_rm.py``): cross-entropy of the
whole vocabulary at the last position against the token ``True`` (good) or ``False`` (bad);
logits are computed for that one position only.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from sciglm.train.config import TrainConfig
from sciglm.train.deepspeed_config import check_consistency, load_deepspeed_config
from sciglm.train.model import count_parameters, load_config, load_model, load_tokenizer
from sciglm.train.trainer import prepare_environment, resolve_precision, training_arguments

#: Training settings of the LM classifier and their defaults (a short CPU-sized run;
#: the original trained ChatGLM3-6B-Base for 2 epochs at lr 3e-6, batch 3, 1024 tokens).
TRAIN_DEFAULTS: dict[str, Any] = {
    "learning_rate": 5e-5, "epochs": 1.0, "max_steps": 60, "batch_size": 8,
    "gradient_accumulation_steps": 1, "warmup_steps": 0, "weight_decay": 0.0,
    "deepspeed": None, "precision": "auto", "gradient_checkpointing": False,
    "trust_remote_code": False, "attn_implementation": "sdpa", "check_memory": True,
}


def is_main_process() -> bool:
    """Rank 0 (or no launcher)."""
    return int(os.environ.get("RANK", "0")) == 0


def world_size() -> int:
    """Processes in this run (1 without a launcher)."""
    return int(os.environ.get("WORLD_SIZE", "1"))


def train_config(params: dict[str, Any], output: str) -> TrainConfig:
    """The :class:`TrainConfig` of a classifier run (no checkpoints: the folder is the result)."""
    return TrainConfig(
        data="(quality labels)", output=output, model=params["model"],
        deepspeed=params["deepspeed"], learning_rate=params["learning_rate"],
        lr_scheduler="linear", warmup_steps=params["warmup_steps"], epochs=params["epochs"],
        max_steps=params["max_steps"], per_device_batch_size=params["batch_size"],
        gradient_accumulation_steps=params["gradient_accumulation_steps"],
        weight_decay=params["weight_decay"], precision=params["precision"],
        gradient_checkpointing=params["gradient_checkpointing"], seed=params["seed"],
        logging_steps=max(params["max_steps"] // 5, 1) if params["max_steps"] > 0 else 10,
        trust_remote_code=params["trust_remote_code"],
        attn_implementation=params["attn_implementation"], packing="none",
        global_batch_size=None,  # the accumulation is given; the batch follows the world size
        extra={"save_strategy": "no"})


class Session:
    """One training run: environment, arguments, tokenizer and model, in the order DeepSpeed
    needs (arguments before the model, so ZeRO-3 can partition it while loading)."""

    def __init__(self, params: dict[str, Any], output: str) -> None:
        self.config = train_config(params, output)
        self.config.validate()
        self.ds = load_deepspeed_config(params["deepspeed"]) if params["deepspeed"] else None
        prepare_environment(self.ds is not None)
        self.precision = resolve_precision(params["precision"])
        self.world = world_size()
        if self.ds is not None:
            check_consistency(self.ds, self.config, self.precision, self.world,
                              params["deepspeed"])
        self.model_path, model_config = load_config(params["model"], params["trust_remote_code"])
        if params["check_memory"]:
            from sciglm.train import memory

            memory.check_fits(count_parameters(model_config, params["trust_remote_code"]),
                              model_config.hidden_size, model_config.num_hidden_layers,
                              params["batch_size"] * params["max_length"],
                              4 if self.precision == "fp32" else 2,
                              params["gradient_checkpointing"], self.world, self.ds,
                              params["model"])
        self.args = training_arguments(self.config, self.precision, self.ds)
        if self.ds is not None:
            import deepspeed
            import torch

            deepspeed.init_distributed(dist_backend="nccl" if torch.cuda.is_available()
                                       else "gloo")
        self.tokenizer = load_tokenizer(self.model_path, params["trust_remote_code"])

    def load_model(self) -> Any:
        model = load_model(self.model_path, self.config.attn_implementation,
                           self.config.trust_remote_code)
        if model.config.pad_token_id is None:
            model.config.pad_token_id = self.tokenizer.pad_token_id
        return model

    def train(self, model: Any, examples: list[dict[str, Any]],
              collate: Callable[[list[dict[str, Any]]], dict[str, Any]],
              advance: Callable[[int], None] | None) -> tuple[Any, dict[str, Any]]:
        """Run HF Trainer with the answer-token loss; (trainer, facts)."""
        import torch
        from transformers import Trainer, TrainerCallback
        from transformers.trainer_callback import PrinterCallback, ProgressCallback

        class Step(TrainerCallback):
            def on_step_end(self, args: Any, state: Any, control: Any, **kw: Any) -> None:
                if advance:
                    advance(1)

        class AnswerTrainer(Trainer):
            """Loss on the answer token at the last position only."""

            def compute_loss(self, model: Any, inputs: dict[str, Any],
                             return_outputs: bool = False, num_items_in_batch: Any = None) -> Any:
                labels = inputs.pop("answer")
                outputs = model(**inputs, logits_to_keep=1)
                loss = torch.nn.functional.cross_entropy(outputs.logits[:, -1, :].float(),
                                                         labels)
                return (loss, outputs) if return_outputs else loss

        trainer = AnswerTrainer(model=model, args=self.args, train_dataset=examples,
                                data_collator=collate, callbacks=[Step()])
        trainer.remove_callback(PrinterCallback)  # its dicts would pollute stdout
        trainer.remove_callback(ProgressCallback)
        result = trainer.train()
        facts = {"examples": len(examples), "steps": trainer.state.global_step,
                 "train_loss": float(result.training_loss), "precision": self.precision,
                 "world_size": self.world, "deepspeed": self.config.deepspeed,
                 "gradient_checkpointing": self.config.gradient_checkpointing}
        return trainer, facts


def finish() -> None:
    """Clear the global ZeRO-3 setting transformers keeps, so models load normally again."""
    from transformers.integrations.deepspeed import unset_hf_deepspeed_config

    unset_hf_deepspeed_config()
