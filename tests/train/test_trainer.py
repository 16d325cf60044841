"""End-to-end training on CPU with tiny models: plain, DeepSpeed ZeRO-2/ZeRO-3 (gloo), kill and
resume, and the embedded SmolLM2, each run in a fresh process as a user runs it. DeepSpeed
JIT-builds its ops into $TORCH_EXTENSIONS_DIR on first use (about a minute), hence
``slow``."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import torch

from sciglm.train.curves import read_rows
from tests.fresh_process import run_json, run_sciglm, sciglm_env

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def small_run(mix: Path, model: Path | str, out: Path, *extra: str) -> list[str]:
    return ["train", "--data", str(mix), "--model", str(model), "--output", str(out),
            "--max-source-length", "64", "--max-target-length", "192",
            "--per-device-batch-size", "2", "--global-batch-size", "4", "--lr", "3e-3", "--json",
            *extra]


def losses(out: Path) -> list[float]:
    return [row["loss"] for row in read_rows(out / "curves.csv")]


def assert_trained_and_reloads(out: Path, initial: Path) -> None:
    from transformers import AutoModelForCausalLM

    curve = losses(out)
    assert sum(curve[-2:]) / 2 < sum(curve[:2]) / 2, curve
    final = AutoModelForCausalLM.from_pretrained(out / "final")
    before = AutoModelForCausalLM.from_pretrained(initial)
    name = "model.layers.0.mlp.down_proj.weight"
    after_w, before_w = final.state_dict()[name], before.state_dict()[name]
    assert after_w.abs().sum() > 0 and not torch.allclose(after_w, before_w)
    ids = torch.tensor([[5, 6, 7, 8]])
    assert torch.isfinite(final(input_ids=ids).logits).all()


def test_plain_cpu_run_records_everything(gsm8k_mix, tiny_model_dir, tmp_path) -> None:
    out = tmp_path / "run"
    summary = run_json(small_run(gsm8k_mix, tiny_model_dir, out, "--max-steps", "6",
                                 "--packing", "bins"))
    assert summary["steps"] == 6 and summary["precision"] == "fp32"
    assert summary["packed_rows"] < summary["examples"]
    assert_trained_and_reloads(out, tiny_model_dir)
    record = (out / "final" / "train_config.yaml").read_text()
    assert "learning_rate: 0.003" in record and "git_revision" in record and "deepspeed:" in record
    assert (out / "final" / "data_card.md").read_text().startswith("# Test mixture")
    assert (out / "curves.png").stat().st_size > 1000
    rows = list(csv.DictReader(open(out / "curves.csv")))
    assert [int(r["step"]) for r in rows] == [1, 2, 3, 4, 5, 6]


def test_sciglm_recipe_run_records_its_recipe_and_plans_its_steps(
        gsm8k_mix, tiny_model_dir, tmp_path) -> None:
    """--recipe sciglm end to end: 64 examples, 4 per device, global batch 8 → accumulation 2,
    8 steps an epoch; the plan printed at start equals the steps the Trainer ran."""
    out = tmp_path / "run"
    proc = run_sciglm(["train", "--recipe", "sciglm", "--data", str(gsm8k_mix), "--model",
                       str(tiny_model_dir), "--output", str(out), "--global-batch-size", "8",
                       "--epochs", "0.25", "--lr", "3e-3", "--json"])
    assert proc.returncode == 0, proc.stderr[-3000:]
    summary = json.loads(proc.stdout)
    assert summary["recipe"] == "sciglm" and summary["gradient_accumulation_steps"] == 2
    assert summary["steps"] == summary["optimizer_steps"] == 2
    err = " ".join(proc.stderr.split())
    assert "recipe sciglm: 64 examples; 8 examples per optimizer step" in err
    assert "2 optimizer steps" in err
    for folder in (out, out / "final"):
        recipe = json.loads((folder / "sciglm-recipe.json").read_text())
        assert (recipe["recipe"], recipe["prompt_format"], recipe["packing"]) == \
            ("sciglm", "sciglm", "none")
        assert recipe["global_batch_size"] == 8 and recipe["world_size"] == 1
        assert recipe["learning_rate"] == 3e-3 and recipe["pad_to_max_length"] is True


def plant_stale_build_lock(op: str) -> Path:
    """The lock a build of ``op`` killed an hour ago left where torch builds it: without
    :mod:`sciglm.train.build_locks` every DeepSpeed run after would wait on it forever."""
    from torch.utils.cpp_extension import _get_build_directory

    lock = Path(_get_build_directory(op, verbose=False)) / "lock"
    lock.touch()
    os.utime(lock, (time.time() - 3600, time.time() - 3600))
    return lock


@pytest.mark.parametrize("stage", ["zero2", "zero3"])
def test_deepspeed_zero_on_cpu(stage, gsm8k_mix, tiny_model_dir, tmp_path) -> None:
    out = tmp_path / "run"
    lock = plant_stale_build_lock("fused_adam")
    proc = run_sciglm(small_run(gsm8k_mix, tiny_model_dir, out, "--max-steps", "6",
                                "--deepspeed", stage))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert f"removed a stale DeepSpeed build lock {lock}" in proc.stderr.replace("\n", "")
    summary = json.loads(proc.stdout)
    assert summary["steps"] == 6
    assert_trained_and_reloads(out, tiny_model_dir)


KILLER = textwrap.dedent("""
    import os, signal, sys
    from transformers import TrainerCallback
    from sciglm.train.config import TrainConfig
    from sciglm.train.trainer import run_training

    class KillAt(TrainerCallback):
        def on_step_begin(self, args, state, control, **kw):
            if state.global_step == int(sys.argv[1]):
                os.kill(os.getpid(), signal.SIGKILL)

    config = TrainConfig(**__import__("json").loads(sys.argv[2]))
    run_training(config, callbacks=[KillAt()])
""")


def test_kill_and_resume_continues_at_same_step_and_loss(gsm8k_mix, tiny_model_dir,
                                                         tmp_path) -> None:
    common = dict(data=str(gsm8k_mix), model=str(tiny_model_dir), max_source_length=64,
                  max_target_length=192, per_device_batch_size=2, global_batch_size=4,
                  learning_rate=3e-3,
                  max_steps=6, save_steps=3, deepspeed="zero2")
    reference = tmp_path / "reference"
    run_json(small_run(gsm8k_mix, tiny_model_dir, reference, "--max-steps", "6",
                       "--save-steps", "3", "--deepspeed", common["deepspeed"]))

    killed = tmp_path / "killed"
    script = tmp_path / "killer.py"
    script.write_text(KILLER)
    proc = subprocess.run([sys.executable, str(script), "4",
                           json.dumps(common | {"output": str(killed)})],
                          env=sciglm_env(), capture_output=True, text=True, timeout=600)
    assert proc.returncode == -9, proc.stderr[-3000:]
    assert (killed / "checkpoint-3").is_dir() and not (killed / "final").exists()
    assert len(losses(killed)) == 4  # step 4 ran but was not checkpointed: it is redone

    summary = run_json(small_run(gsm8k_mix, tiny_model_dir, killed, "--max-steps", "6",
                                 "--save-steps", "3", "--deepspeed", common["deepspeed"]))
    assert summary["resumed_from"].endswith("checkpoint-3") and summary["steps"] == 6
    steps = [int(r["step"]) for r in read_rows(killed / "curves.csv")]
    assert steps == [1, 2, 3, 4, 5, 6]
    assert losses(killed) == pytest.approx(losses(reference), rel=1e-4)


def test_embedded_smollm2_fine_tunes_on_cpu(gsm8k_mix, tmp_path) -> None:
    out = tmp_path / "run"
    summary = run_json(["train", "--data", str(gsm8k_mix), "--model", "embedded", "--output",
                        str(out), "--max-steps", "4", "--lr", "1e-4",
                        "--per-device-batch-size", "1", "--gradient-accumulation-steps", "1",
                        "--max-source-length", "64", "--max-target-length", "128",
                        "--packing", "bins", "--json"])
    assert summary["steps"] == 4
    curve = losses(out)
    assert all(0 < x < 10 for x in curve) and curve[-1] < curve[0], curve
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model = AutoModelForCausalLM.from_pretrained(out / "final")
    tokenizer = AutoTokenizer.from_pretrained(out / "final")
    assert tokenizer.chat_template and model.config.model_type == "llama"


def test_two_processes_through_the_deepspeed_launcher(gsm8k_mix, tiny_model_dir, tmp_path) -> None:
    """The launch path of training/launch_single_node.sh, with 2 CPU ranks (gloo) and ZeRO-3."""
    out = tmp_path / "run"
    env = sciglm_env()
    env |= {"PATH": f"{Path(sys.executable).parent}:{env.get('PATH', '')}", "DS_ACCELERATOR": "cpu",
            "NUM_GPUS": "2", "DS_CONFIG": "zero3"}
    args = small_run(gsm8k_mix, tiny_model_dir, out, "--max-steps", "2")[1:]
    proc = subprocess.run(["bash", str(REPO / "training" / "launch_single_node.sh"), *args],
                          env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.splitlines()  # the launcher's own log lines come first
    assert lines.count("{") == 1, proc.stdout[-3000:]  # rank 0 only reports
    start = lines.index("{")
    summary = json.loads("\n".join(lines[start:lines.index("}", start) + 1]))
    assert summary["world_size"] == 2 and summary["steps"] == 2
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(out / "final")
    assert model.state_dict()["model.layers.0.mlp.down_proj.weight"].shape == (64, 128)


def test_paper_launcher_holds_the_global_batch_on_two_processes(gsm8k_mix, tiny_model_dir,
                                                                 tmp_path) -> None:
    """training/finetune_sciglm.sh (the sciglm recipe through the DeepSpeed launcher) on 2 CPU
    ranks: global batch 8 with 4 per device → accumulation 1, recorded in the run folder."""
    out = tmp_path / "run"
    env = sciglm_env()
    env |= {"PATH": f"{Path(sys.executable).parent}:{env.get('PATH', '')}", "DS_ACCELERATOR": "cpu",
            "NUM_GPUS": "2", "DS_CONFIG": "zero2",
            "MODEL": str(tiny_model_dir), "DATA": str(gsm8k_mix), "OUTPUT": str(out)}
    proc = subprocess.run(["bash", str(REPO / "training" / "finetune_sciglm.sh"),
                           "--global-batch-size", "8", "--max-steps", "2", "--lr", "3e-3",
                           "--max-source-length", "32", "--max-target-length", "64"],
                          env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "8 examples per optimizer step (4 per device x 1 accumulation x 2" in \
        " ".join(proc.stderr.split())
    recipe = json.loads((out / "final" / "sciglm-recipe.json").read_text())
    assert (recipe["recipe"], recipe["world_size"], recipe["gradient_accumulation_steps"]) == \
        ("sciglm", 2, 1)
