"""The embedded teacher's server command and failure reports (no model is loaded here; the
real server runs in tests/annotate/test_embedded_teacher.py)."""

from __future__ import annotations

import inspect
import json
import sys
from pathlib import Path

import pytest

from sciglm.errors import SciglmError
from sciglm.teacher import server
from sciglm.teacher.server import EmbeddedTeacher, kv_cache_blocks, serve_command

SMOLLM2_135M = {"num_hidden_layers": 30, "num_attention_heads": 9, "num_key_value_heads": 3,
                "head_dim": 64, "hidden_size": 576}


@pytest.fixture
def model_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps(SMOLLM2_135M))
    (folder / "model.safetensors").write_bytes(b"")  # never read: no model is loaded
    return folder


def test_the_kv_cache_is_sized_from_the_model_config(model_dir: Path) -> None:
    # 2 (key, value) x 30 layers x 3 KV heads x 64 dims x 4 bytes = 46,080 bytes a token.
    assert kv_cache_blocks(str(model_dir), 256) == 256 * 2**20 // (46_080 * 256) == 22
    assert kv_cache_blocks(str(model_dir), 1) == 1  # never zero blocks


def test_the_server_command_bounds_its_memory(model_dir: Path) -> None:
    command = serve_command(str(model_dir), 8011, kv_cache_mb=256)
    assert command[command.index("--cb-num-blocks") + 1] == "22"
    assert int(command[command.index("--cb-max-batch-tokens") + 1]) == server.MAX_BATCH_TOKENS
    assert "--continuous-batching" in command
    assert "--cb-num-blocks" not in serve_command(str(model_dir), 8011, continuous_batching=False)


def test_the_installed_transformers_serve_takes_those_options() -> None:
    """Without them the server would size its cache to 60 % of free memory (13.8 GB here)."""
    from transformers.cli.serve import Serve

    names = set(inspect.signature(Serve.__init__).parameters)
    assert {"continuous_batching", "cb_num_blocks", "cb_max_batch_tokens"} <= names


@pytest.mark.parametrize(("script", "expected"), [
    ("print('loading'); print('Traceback: boom'); raise SystemExit(3)", "exit code 3"),
    ("import os, signal; print('allocating'); os.kill(os.getpid(), signal.SIGKILL)",
     "killed by SIGKILL (out of memory?)"),
])
def test_a_server_that_dies_is_reported_with_its_log(
    model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str, expected: str,
) -> None:
    monkeypatch.setattr(server, "serve_command",
                        lambda *args, **kw: [sys.executable, "-u", "-c", script])
    log = tmp_path / "serve.log"
    teacher = EmbeddedTeacher(str(model_dir), port=1, ready_timeout=30, log_path=str(log))
    with pytest.raises(SciglmError) as caught:
        teacher.start()
    message = str(caught.value)
    assert expected in message and str(log) in message
    assert message.splitlines()[1:] == [
        "  " + line for line in log.read_text().splitlines() if line.strip()]
    assert teacher.died()
