"""``sciglm rl``: GRPO with the verifiers as rewards."""

from __future__ import annotations

from typing import Any

import click

from sciglm.cli.common import console, print_json
from sciglm.config import click_options, from_values
from sciglm.rl.config import RLConfig


@click.command()
@click_options(RLConfig)
def rl(**values: Any) -> None:
    """GRPO (TRL's GRPOTrainer) on questions with references, rewarded by the subject
    verifiers (correctness, and answer format unless --no-format-reward); undecided checks
    are skipped. Logs to OUTPUT/rl_log.jsonl; saves OUTPUT/final (LoRA merged in) and, with
    --lora, OUTPUT/adapter. Resumes from the last OUTPUT/checkpoint-N.

    \b
    Examples:
      sciglm rl --model embedded --data gsm8k --limit 64 -o runs/grpo --num-generations 4
      sciglm rl --model SciGLM-6B --data math:test500 -o runs/grpo6b --lora 16 \\
          --deepspeed training/ds_zero2.json
    """
    from sciglm.rl.trainer import run_rl

    config = from_values(RLConfig, values)
    result = run_rl(config)
    if config.as_json:
        print_json(result)
    else:
        console.print(f"saved {result['final']} after {result['steps']} steps", highlight=False)
