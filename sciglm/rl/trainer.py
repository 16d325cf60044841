"""``sciglm rl``: GRPO on TRL's ``GRPOTrainer`` with sciglm's verifiers as the rewards.

The model is resolved and loaded as ``sciglm train`` does (:mod:`sciglm.train.model`); rewards
come from :mod:`sciglm.rewards.trl` (checks in this process's verifier pool). Every log line
(rewards per function, loss, completion length) goes to ``OUTPUT/rl_log.jsonl``.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sciglm.console import console
from sciglm.data.questions import load_questions
from sciglm.errors import SciglmError
from sciglm.rl.config import RLConfig
from sciglm.rl.data import rows
from sciglm.train.lora import lora_config, save_merged


def grpo_args(config: RLConfig) -> Any:
    """TRL's ``GRPOConfig`` for the run."""
    import torch
    from trl import GRPOConfig

    on_gpu = torch.cuda.is_available()
    return GRPOConfig(
        output_dir=config.output, num_generations=config.num_generations,
        max_completion_length=config.max_completion_length, beta=config.beta,
        learning_rate=config.learning_rate, max_steps=config.max_steps,
        num_train_epochs=1, per_device_train_batch_size=config.per_device_batch_size,
        gradient_accumulation_steps=config.gradient_accumulation_steps,
        logging_steps=1, save_steps=config.save_steps, seed=config.seed, report_to=[],
        deepspeed=config.deepspeed, use_vllm=config.use_vllm, use_cpu=not on_gpu,
        bf16=on_gpu and torch.cuda.is_bf16_supported(), disable_tqdm=True,
    )


def reward_functions(config: RLConfig) -> list[Any]:
    from sciglm.rewards import trl

    return [trl.correctness] + ([trl.answer_format] if config.format_reward else [])


def run_rl(config: RLConfig) -> dict[str, Any]:
    """Train; returns the last logged metrics and where the model went."""
    from datasets import Dataset
    from transformers import TrainerCallback
    from transformers.trainer_utils import get_last_checkpoint
    from trl import GRPOTrainer

    from sciglm.train.model import load_config, load_model, load_tokenizer

    data = rows(load_questions(config.data, config.subject), config.limit)  # before the model
    os.environ.setdefault("SCIGLM_REWARD_DEADLINE", str(config.reward_deadline))
    if config.reward_workers:
        os.environ.setdefault("SCIGLM_REWARD_WORKERS", str(config.reward_workers))
    output = Path(config.output)
    output.mkdir(parents=True, exist_ok=True)
    (output / "rl_config.json").write_text(json.dumps(asdict(config), indent=2) + "\n")
    model_path, _ = load_config(config.model)
    tokenizer = load_tokenizer(model_path)
    model = load_model(model_path, "sdpa")
    model.config.use_cache = True  # generation
    peft_config = lora_config(config.lora) if config.lora else None
    log_path = output / "rl_log.jsonl"

    class LogToFile(TrainerCallback):  # type: ignore[misc]
        def on_log(self, args: Any, state: Any, control: Any, logs: Any = None,
                   **kwargs: Any) -> None:
            with open(log_path, "a", encoding="utf-8") as handle:
                handle.write(json.dumps({"step": state.global_step} | dict(logs or {})) + "\n")
            shown = [f"{k} {v:.4g}" for k, v in (logs or {}).items()
                     if isinstance(v, float) and ("reward" in k or k in ("loss", "kl"))]
            if shown:
                console.print(f"step {state.global_step}: " + ", ".join(shown), highlight=False)

    trainer = GRPOTrainer(model=model, reward_funcs=reward_functions(config),
                          args=grpo_args(config), train_dataset=Dataset.from_list(data),
                          processing_class=tokenizer, peft_config=peft_config,
                          callbacks=[LogToFile()])
    last = get_last_checkpoint(str(output)) if config.resume and output.is_dir() else None
    trainer.train(resume_from_checkpoint=last)
    return save(trainer, tokenizer, output, bool(config.lora))


def save(trainer: Any, tokenizer: Any, output: Path, lora: bool) -> dict[str, Any]:
    """``final/`` a plain HF folder (LoRA merged in, so ``sciglm eval`` loads it as any model);
    ``adapter/`` the LoRA adapter alone."""
    final = output / "final"
    if lora:
        save_merged(trainer.model, final, output / "adapter")
    else:
        trainer.model.save_pretrained(final)
    tokenizer.save_pretrained(final)
    history = trainer.state.log_history
    if not history:
        raise SciglmError("the run logged nothing: no step was taken")
    return {"final": str(final), "adapter": str(output / "adapter") if lora else None,
            "steps": trainer.state.global_step, "last_log": history[-1]}
