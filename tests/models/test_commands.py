"""Each command takes a model by name: the tiny checkpoints in the Hub cache layout are converted
on first use by ``sciglm chat``, ``eval`` and ``train`` (default model); ``sciglm models
list|rm``; ``sciglm --no-convert`` gives the remote-code error in one line."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from sciglm.catalog.models import CATALOG
from sciglm.cli.main import main
from sciglm.models import cache
from tests.fresh_process import run_sciglm
from tests.models.conftest import hub_repo

BASE = CATALOG["chatglm3-6b-base"]
SCIGLM = CATALOG["sciglm-6b"]


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(args)
    captured = capsys.readouterr()
    return int(info.value.code or 0), captured.out, captured.err


@pytest.fixture
def hub(templates, model_env) -> Path:
    hub_repo(model_env["hub"], BASE.hub_id, BASE.revision, templates["safetensors"])
    hub_repo(model_env["hub"], SCIGLM.hub_id, SCIGLM.revision, templates["bin-sharded"])
    return model_env["hub"]


def test_models_list_and_rm(hub, capsys) -> None:
    code, out, err = run(["models", "list", "--json"], capsys)
    assert code == 0 and json.loads(out) == []
    for name in ("THUDM/chatglm3-6b-base", "sciglm-6b"):
        code, out, err = run(["models", "fetch", name], capsys)
        assert code == 0 and Path(out.strip()).parent == cache.root(), err
    code, out, err = run(["models", "list", "--json"], capsys)
    listed = json.loads(out)
    assert [(e["source"], e["revision"]) for e in listed] == [
        (BASE.hub_id, BASE.revision), (SCIGLM.hub_id, SCIGLM.revision)]
    assert all(e["size_bytes"] > 100_000 and e["converter_version"] == cache.converter_version()
               for e in listed)
    code, out, err = run(["models", "list"], capsys)
    assert code == 0 and "zd21/SciGLM-6B" in out and "THUDM/chatglm3-6b-base" in out
    code, out, err = run(["models", "rm", "zd21/SciGLM-6B"], capsys)
    assert code == 0 and f"removed {listed[1]['key']}" in err
    assert [e["source"] for e in cache.entries()] == [BASE.hub_id]
    code, out, err = run(["models", "rm", "zd21/SciGLM-6B"], capsys)
    assert code == 1 and err.strip().startswith("Error: sciglm models rm: no converted model")
    code, out, err = run(["models", "rm", "--all"], capsys)
    assert code == 0 and cache.entries() == []
    code, out, err = run(["models", "catalog", "--json"], capsys)
    assert {e["hub_id"] for e in json.loads(out)} >= {BASE.hub_id, SCIGLM.hub_id}


def test_no_convert_flag_gives_todays_error(hub, capsys, monkeypatch) -> None:
    monkeypatch.setenv("SCIGLM_NO_CONVERT", "")  # restored after the test (main sets it)
    code, out, err = run(["--no-convert", "chat", "--model", "THUDM/chatglm3-6b-base"], capsys)
    lines = err.strip().splitlines()
    assert code == 1 and len(lines) == 1, err
    assert lines[0].startswith("Error: ") and "original ChatGLM checkpoint" in lines[0]
    assert cache.entries() == []


def test_offline_uncached_fails_in_one_line(model_env, capsys) -> None:
    code, out, err = run(["chat", "--model", "zd21/SciGLM-6B"], capsys)
    lines = err.strip().splitlines()
    assert code == 1 and len(lines) == 1 and "hf download zd21/SciGLM-6B" in lines[0]


def test_chat_converts_on_first_use(hub, capsys, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("How fast is the train?\n"))
    code, out, err = run(["chat", "--model", "zd21/SciGLM-6B", "--max-tokens", "4"], capsys)
    assert code == 0, err[-2000:]
    assert "converting zd21/SciGLM-6B@bd9994a072b1" in err and "zd21/SciGLM-6B (local)" in err
    assert [e["source"] for e in cache.entries()] == [SCIGLM.hub_id]


@pytest.mark.slow
def test_eval_by_name_converts_on_first_use(hub, shared_data, tmp_path) -> None:
    for name in ("THUDM/chatglm3-6b-base", "zd21/SciGLM-6B"):
        out_dir = tmp_path / name.replace("/", "_")
        proc = run_sciglm(["eval", "--model", name, "--benchmark", "gsm8k", "--limit", "2",
                           "--max-tokens", "4", "--workers", "1", "--data-dir",
                           str(shared_data), "-o", str(out_dir), "--json"])
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert "converting " + name in proc.stderr
        records = [json.loads(x) for x in (out_dir / "predictions" / "gsm8k.jsonl").open()]
        assert len(records) == 2
    assert len(cache.entries()) == 2


@pytest.mark.slow
def test_train_paper_model_converts_on_first_use(hub, shared_data, tmp_path) -> None:
    mix = tmp_path / "mix"
    mix.mkdir()
    rows = [json.loads(x) for x in (shared_data / "gsm8k" / "test.jsonl").open()][:16]
    with open(mix / "train.jsonl", "w") as handle:
        for row in rows:
            handle.write(json.dumps({"content": row["question"], "summary": row["answer"]}) + "\n")
    (mix / "data_card.md").write_text("# tiny\n")
    proc = run_sciglm(["train", "--data", str(mix), "--output", str(tmp_path / "run"),
                       "--model", "THUDM/chatglm3-6b-base", "--max-steps", "2",
                       "--max-source-length", "32", "--max-target-length", "64",
                       "--per-device-batch-size", "2", "--json"])
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "converting THUDM/chatglm3-6b-base@9680e216e62c" in proc.stderr
    assert json.loads(proc.stdout)["steps"] == 2
    from transformers import AutoModelForCausalLM

    trained = AutoModelForCausalLM.from_pretrained(tmp_path / "run" / "final")
    assert type(trained).__name__ == "GlmForCausalLM"
