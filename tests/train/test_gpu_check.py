"""benchmarks/gpu_check.py: its sizing arithmetic, and the whole script on CPU with --tiny."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.fresh_process import sciglm_env

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "gpu_check.py"


def load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gpu_check", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_layers_that_fit_and_the_real_architecture() -> None:
    gpu = load()
    assert gpu.layers_that_fit(gpu.CHATGLM3_6B, 80 * 10**9) == 15  # H100 80 GB
    assert gpu.layers_that_fit(gpu.CHATGLM3_6B, 141 * 10**9) == 28  # H200
    model = gpu.build_model(gpu.CHATGLM3_6B | {"num_layers": 1}, "meta", None)
    per_layer = sum(p.numel() for p in model.model.layers[0].parameters())
    # The sizing formula counts the parameters the model really has.
    h, f, kv = 4096, 13696, 256
    assert per_layer == h * (h + 2 * kv) + (h + 2 * kv) + h * h + 3 * h * f + 2 * h
    full = gpu.glm_config(gpu.CHATGLM3_6B)
    assert (full.num_key_value_heads, full.head_dim, full.vocab_size) == (2, 128, 65024)


def test_synthetic_examples_follow_the_recipe() -> None:
    examples = load().synthetic_examples(500, 1000)
    for example in examples:
        prompt = sum(label == -100 for label in example["labels"])
        assert 8 <= prompt <= 128 and 8 <= len(example["input_ids"]) - prompt <= 512
    mean = sum(len(e["input_ids"]) for e in examples) / len(examples)
    assert 150 < mean < 400


@pytest.mark.slow
def test_tiny_run_on_cpu(tmp_path: Path) -> None:
    # A run of its own: not a rank of an in-process run an earlier test left initialised.
    env = sciglm_env(DS_ACCELERATOR="cpu", CUDA_VISIBLE_DEVICES="")
    out = subprocess.run([sys.executable, str(SCRIPT), "--tiny", "--json"], capture_output=True,
                         text=True, env=env, cwd=tmp_path, timeout=900)
    assert out.returncode == 0, out.stderr[-3000:]
    report = json.loads(out.stdout[out.stdout.index("{"):])
    assert report["zero_stage"] == 2 and report["layers"] == 2
    for recipe in ("packed", "padded"):
        assert report[recipe]["real_tokens"] > 0 and report[recipe]["tokens_per_s"] > 0
        assert 0 < report[recipe]["loss"] < 20
    assert report["generation"]["new_tokens"] == 4 * 8
    # Packed rows carry far more real tokens per step than rows padded to 641.
    assert report["packed"]["real_tokens"] > 3 * report["padded"]["real_tokens"]
