"""``sciglm rl``: prompts from questions with references; a real GRPO run on CPU (slow)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sciglm.errors import SciglmError
from sciglm.records import Question
from sciglm.rl.data import rows


def test_rows_carry_the_subject_prompt_and_reference() -> None:
    made = rows([Question("q1", "math", "What is 1+1?", reference="2")])
    assert made[0]["reference"] == "2" and made[0]["subject"] == "math"
    assert made[0]["prompt"][-1]["role"] == "user"
    assert "1+1" in made[0]["prompt"][-1]["content"]


def test_a_question_without_reference_is_refused() -> None:
    with pytest.raises(SciglmError, match="'q2'.*no reference"):
        rows([Question("q1", "math", "1+1?", reference="2"), Question("q2", "math", "?")])
    with pytest.raises(SciglmError, match="no questions"):
        rows([])


@pytest.mark.slow
def test_two_grpo_steps_with_pool_rewards_and_a_lora_adapter(shared_data: Path,
                                                             tmp_path: Path) -> None:
    from sciglm.rl.config import RLConfig
    from sciglm.rl.trainer import run_rl

    config = RLConfig(data=f"gsm8k:{shared_data / 'gsm8k' / 'test.jsonl'}",
                      output=str(tmp_path / "run"), model="embedded", limit=4,
                      num_generations=2, max_completion_length=8, per_device_batch_size=4,
                      max_steps=2, lora=4, reward_workers=1)
    result = run_rl(config)
    assert result["steps"] == 2
    logs = [json.loads(line) for line in open(tmp_path / "run" / "rl_log.jsonl")]
    steps = [log for log in logs if "loss" in log]
    assert [log["step"] for log in steps] == [1, 2]
    assert all("rewards/correctness/mean" in log and "rewards/answer_format/mean" in log
               for log in steps)
    assert (tmp_path / "run" / "adapter" / "adapter_config.json").is_file()
    assert (tmp_path / "run" / "final" / "config.json").is_file()
