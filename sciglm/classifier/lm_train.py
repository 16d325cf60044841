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
from dataclasses import fields
from typing import Any

from sciglm.train.config import TrainConfig
from sciglm.train.deepspeed_config import checked_deepspeed_config
from sciglm.train.model import count_parameters, load_config, load_model, load_tokenizer
from sciglm.train.trainer import prepare_environment, resolve_precision, training_arguments


def is_main_process() -> bool:
    """Rank 0 (or no launcher)."""
    return int(os.environ.get("RANK", "0")) == 0


def world_size() -> int:
    """Processes in this run (1 without a launcher)."""
    return int(os.environ.get("WORLD_SIZE", "1"))


def train_config(params: dict[str, Any], output: str) -> TrainConfig:
    """The :class:`TrainConfig` of a classifier run: the classifier's parameters that are
    TrainConfig fields (``batch_size`` is ``per_device_batch_size``), ``sciglm train``'s
    defaults for the rest; no checkpoints: the folder is the result."""
    known = {f.name for f in fields(TrainConfig)}
    shared = {name: value for name, value in params.items() if name in known}
    steps = params["max_steps"]
    fixed = {"data": "(quality labels)", "output": output,
             "per_device_batch_size": params["batch_size"],
             "logging_steps": max(steps // 5, 1) if steps > 0 else 10, "packing": "none",
             "global_batch_size": None,  # the accumulation is given; the batch follows the world
             "extra": {"save_strategy": "no"}}
    return TrainConfig(**shared | fixed)


class Session:
    """One training run: environment, arguments, tokenizer and model, in the order DeepSpeed
    needs (arguments before the model, so ZeRO-3 can partition it while loading)."""

    def __init__(self, params: dict[str, Any], output: str) -> None:
        self.config = config = train_config(params, output)
        config.validate()
        prepare_environment(bool(config.deepspeed))
        self.precision = resolve_precision(config.precision)
        self.world = world_size()
        self.ds = checked_deepspeed_config(config, self.precision, self.world)
        self.model_path, model_config = load_config(config.model, config.trust_remote_code)
        if config.check_memory:
            from sciglm.train import memory

            memory.check_fits(count_parameters(model_config, config.trust_remote_code),
                              model_config.hidden_size, model_config.num_hidden_layers,
                              config.per_device_batch_size * params["max_length"],
                              4 if self.precision == "fp32" else 2,
                              config.gradient_checkpointing, self.world, self.ds, config.model)
        self.args = training_arguments(self.config, self.precision, self.ds)
        if self.ds is not None:
            import deepspeed
            import torch

            deepspeed.init_distributed(dist_backend="nccl" if torch.cuda.is_available()
                                       else "gloo")
        self.tokenizer = load_tokenizer(self.model_path, config.trust_remote_code)

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
