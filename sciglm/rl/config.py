"""``sciglm rl``'s one config (its click options are derived from it)."""

from __future__ import annotations

from dataclasses import dataclass

from sciglm.config import option
from sciglm.rewards.source import DEFAULT_DEADLINE
from sciglm.train.config import DEFAULT_MODEL


@dataclass
class RLConfig:
    """A GRPO run: model, questions with references, rollouts and the rewards' bounds."""

    data: str = option(help="Questions with references: a catalogue set (gsm8k, math:test500), "
                       "NAME:PATH with a named loader, or a file with --subject.")
    output: str = option(help="Run folder (checkpoints, final/, rl_log.jsonl).", short="-o",
                         path=True)
    model: str = option(DEFAULT_MODEL, "HF folder, Hub id or catalogue name, resolved as "
                        "`sciglm train` does ('embedded': the bundled SmolLM2-135M).")
    subject: str | None = option(None, "Only questions of this subject (needed for a plain "
                                 "file).")
    limit: int | None = option(None, "Use the first N questions.", min=1)
    num_generations: int = option(4, "Completions per question (the GRPO group).", min=2)
    max_completion_length: int = option(256, "Tokens per completion.", min=1)
    beta: float = option(0.0, "KL coefficient against the reference model (0: no reference "
                         "model is loaded).", min=0.0)
    lora: int | None = option(None, "Train a LoRA adapter of this rank (peft) instead of all "
                              "weights; final/ holds the merged model, adapter/ the adapter.",
                              min=1)
    learning_rate: float = option(1e-6, "Peak learning rate.", aliases=("--lr",), min=0.0)
    max_steps: int = option(-1, "Stop after N optimizer steps (-1: one pass).")
    per_device_batch_size: int = option(4, "Completions per process and micro-batch (a "
                                        "multiple of --num-generations overall).", min=1)
    gradient_accumulation_steps: int = option(1, "Micro-batches per optimizer step.", min=1)
    format_reward: bool = option(True, "Add the answer-format reward beside correctness.",
                                 negatable=True)
    reward_deadline: float = option(DEFAULT_DEADLINE, "Seconds per reward batch; unfinished "
                                    "checks are skipped (null).", min=0.01)
    reward_workers: int | None = option(None, "Verifier processes (default: CPU count).", min=1)
    deepspeed: str | None = option(None, "DeepSpeed config, e.g. training/ds_zero2.json.",
                                   path=True)
    use_vllm: bool = option(False, "Generate with vLLM (GPU; vllm installed separately).")
    save_steps: int = option(500, "Checkpoint every N optimizer steps.", min=1)
    resume: bool = option(True, "Continue from the last checkpoint in --output.",
                          negatable=True)
    seed: int = option(42, "Random seed.")
    as_json: bool = option(False, "Print the result (paths, steps, last log) as JSON on stdout.",
                           flag="--json")
