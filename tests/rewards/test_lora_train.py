"""``sciglm train --lora R``: a LoRA run saves its adapter and a merged model that loads as any
HF folder (slow: trains the tiny model of tests/train)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fresh_process import run_json
from tests.train.conftest import gsm8k_mix, tiny_model_dir  # noqa: F401 - fixtures

pytestmark = pytest.mark.slow


def test_train_lora_saves_adapter_and_merged_model(gsm8k_mix: Path,  # noqa: F811
                                                   tiny_model_dir: Path,  # noqa: F811
                                                   tmp_path: Path) -> None:
    import torch
    from transformers import AutoModelForCausalLM

    out = tmp_path / "run"
    summary = run_json(["train", "--data", str(gsm8k_mix), "--model", str(tiny_model_dir),
                        "--output", str(out), "--max-source-length", "64",
                        "--max-target-length", "128", "--per-device-batch-size", "2",
                        "--global-batch-size", "4", "--lr", "1e-2", "--max-steps", "2",
                        "--lora", "4", "--json"])
    assert summary["steps"] == 2
    assert (out / "adapter" / "adapter_config.json").is_file()
    final = AutoModelForCausalLM.from_pretrained(out / "final")
    before = AutoModelForCausalLM.from_pretrained(tiny_model_dir)
    name = "model.layers.0.self_attn.q_proj.weight"
    assert not torch.allclose(final.state_dict()[name], before.state_dict()[name])
    assert not any("lora" in key for key in final.state_dict())
