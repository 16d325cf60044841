"""resolve_model: names, Hub ids and local folders; conversion once into the cache; layouts read
or refused; offline errors naming what to download."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
import torch

from sciglm.catalog.models import CATALOG, get_model
from sciglm.errors import SciglmError
from sciglm.models import cache
from sciglm.models.resolve import resolve_model
from sciglm.train.convert_chatglm3 import convert
from tests.models.conftest import hub_repo

BASE = CATALOG["chatglm3-6b-base"]
SCIGLM = CATALOG["sciglm-6b"]


def logits(folder: str | Path) -> torch.Tensor:
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(folder).eval()
    with torch.no_grad():
        return model(input_ids=torch.tensor([[5, 17, 42, 99, 250]])).logits


def test_hub_id_converted_once_then_instant(templates, model_env, tmp_path, monkeypatch,
                                            capfd) -> None:
    from transformers import GlmForCausalLM

    snapshot = hub_repo(model_env["hub"], BASE.hub_id, BASE.revision, templates["safetensors"])
    folder = Path(resolve_model("THUDM/chatglm3-6b-base"))
    err = capfd.readouterr().err
    assert "converting THUDM/chatglm3-6b-base@9680e216e62c" in err and "later uses" in err
    assert folder.parent == model_env["cache"] / "models" / "converted"
    assert folder.name.startswith("THUDM--chatglm3-6b-base--9680e216e62c--c")
    meta = json.loads((folder / cache.META_FILE).read_text())
    assert meta["source"] == BASE.hub_id and meta["revision"] == BASE.revision
    from transformers import AutoModelForCausalLM

    assert isinstance(AutoModelForCausalLM.from_pretrained(folder), GlmForCausalLM)
    direct = convert(snapshot, tmp_path / "direct")
    assert torch.equal(logits(folder), logits(direct))

    def must_not_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("converted twice")

    monkeypatch.setattr("sciglm.train.convert_chatglm3.convert", must_not_run)
    start = time.perf_counter()
    for name in ("THUDM/chatglm3-6b-base", "chatglm3-6b-base", f"{BASE.hub_id}@{BASE.revision}"):
        assert resolve_model(name) == str(folder)
    assert time.perf_counter() - start < 1.0
    assert "converting" not in capfd.readouterr().err


def test_sciglm_sharded_bin_beside_deepspeed_folder(templates, model_env, tmp_path) -> None:
    snapshot = hub_repo(model_env["hub"], SCIGLM.hub_id, SCIGLM.revision,
                        templates["bin-sharded"])
    folder = resolve_model("zd21/SciGLM-6B")
    assert Path(folder).name.startswith("zd21--SciGLM-6B--bd9994a072b1")
    assert torch.allclose(logits(folder), logits(convert(snapshot, tmp_path / "direct")))
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(folder)
    assert tokenizer.apply_chat_template([{"role": "user", "content": "2+2?"}], tokenize=False,
                                         add_generation_prompt=True).startswith("[gMASK]sop")


def test_deepspeed_only_revision_is_refused_naming_the_layout(templates, model_env) -> None:
    hub_repo(model_env["hub"], SCIGLM.hub_id, SCIGLM.revision, templates["deepspeed-only"])
    with pytest.raises(SciglmError) as info:
        resolve_model("sciglm-6b")
    message = str(info.value)
    assert "no *.safetensors or pytorch_model*.bin" in message
    assert "global_step992/" in message and "zero_to_fp32.py" in message
    assert "\n" not in message
    assert cache.entries() == []


def test_missing_shard_is_refused(templates, model_env) -> None:
    snapshot = hub_repo(model_env["hub"], SCIGLM.hub_id, SCIGLM.revision,
                        templates["bin-sharded"])
    (snapshot / "pytorch_model-00002-of-00002.bin").unlink()
    with pytest.raises(SciglmError, match="1 weight shard.*pytorch_model-00002-of-00002.bin"):
        resolve_model("zd21/SciGLM-6B")


def test_offline_and_not_cached_names_what_to_download(model_env) -> None:
    with pytest.raises(SciglmError) as info:
        resolve_model("zd21/SciGLM-6B")
    message = str(info.value)
    assert f"hf download zd21/SciGLM-6B --revision {SCIGLM.revision}" in message
    assert "HF_HUB_OFFLINE" in message and str(model_env["hub"]) in message
    with pytest.raises(SciglmError, match="no such folder, and not a Hub id"):
        resolve_model("no-such-model")
    with pytest.raises(SciglmError, match="no such local folder; as a Hub id"):
        resolve_model("runs/final")


def test_other_revision_and_unknown_hub_id(templates, model_env) -> None:
    pr_sha = "bcfe545" + "0" * 33  # the safetensors PR's commit (stand-in hash)
    hub_repo(model_env["hub"], SCIGLM.hub_id, pr_sha, templates["safetensors"])
    refs = model_env["hub"] / "models--zd21--SciGLM-6B" / "refs" / "refs" / "pr"
    refs.mkdir(parents=True)
    (refs / "2").write_text(pr_sha)  # how the Hub cache records a PR ref
    folder = resolve_model("zd21/SciGLM-6B@refs/pr/2")
    assert json.loads((Path(folder) / cache.META_FILE).read_text())["revision"] == pr_sha
    hub_repo(model_env["hub"], "someone/glm-copy", "abc123", templates["safetensors"])
    assert json.loads((Path(resolve_model("someone/glm-copy")) / cache.META_FILE).read_text())[
        "source"] == "someone/glm-copy"


def test_native_models_are_returned_as_they_are(model_env, tmp_path) -> None:
    from transformers import LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(vocab_size=64, hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                         num_attention_heads=2, num_key_value_heads=1)
    LlamaForCausalLM(config).save_pretrained(tmp_path / "llama")
    assert resolve_model(str(tmp_path / "llama")) == str(tmp_path / "llama")
    assert cache.entries() == []


def test_local_folder_key_follows_its_weights(templates, model_env, tmp_path) -> None:
    import shutil

    local = tmp_path / "chatglm3"
    shutil.copytree(templates["safetensors"], local)
    first = resolve_model(str(local))
    assert Path(first).name.startswith("local--chatglm3--")
    assert resolve_model(str(local)) == first
    from safetensors.torch import save_file

    from tests.models.conftest import original_weights

    save_file(original_weights(seed=1), str(local / "model.safetensors"))
    os.utime(local / "model.safetensors", ns=(1, 1))
    second = resolve_model(str(local))
    assert second != first and not torch.equal(logits(first), logits(second))
    assert len(cache.entries()) == 2


def test_no_convert_gives_the_remote_code_error(templates, model_env, monkeypatch) -> None:
    from sciglm.generation.factory import load_model
    from sciglm.train.model import load_config

    snapshot = hub_repo(model_env["hub"], BASE.hub_id, BASE.revision, templates["safetensors"])
    monkeypatch.setenv("SCIGLM_NO_CONVERT", "1")
    assert resolve_model("THUDM/chatglm3-6b-base") == str(snapshot)
    with pytest.raises(SciglmError, match="original ChatGLM checkpoint.*--no-convert"):
        load_config("THUDM/chatglm3-6b-base")
    with pytest.raises(SciglmError, match="original ChatGLM checkpoint.*--no-convert"):
        load_model("THUDM/chatglm3-6b-base")
    assert cache.entries() == []


def test_train_loaders_and_teacher_take_names(templates, model_env) -> None:
    from sciglm.teacher.server import EmbeddedTeacher
    from sciglm.train.model import load_config, load_model, load_tokenizer

    hub_repo(model_env["hub"], BASE.hub_id, BASE.revision, templates["safetensors"])
    path, config = load_config("THUDM/chatglm3-6b-base")
    assert config.model_type == "glm" and Path(path).parent == cache.root()
    assert load_tokenizer(path).eos_token == "</s>"
    assert type(load_model(path, "eager")).__name__ == "GlmForCausalLM"
    assert EmbeddedTeacher("chatglm3-6b-base").model == str(Path(path).resolve())
    from sciglm.models.embedded import resolve_model as old_name  # the classifier's import

    assert old_name("THUDM/chatglm3-6b-base") == path


def test_catalogue_entries_are_pinned() -> None:
    for source in CATALOG.values():
        assert source.licence and source.homepage
        if source.name != "smollm2-135m-instruct":
            assert len(source.revision) == 40 and int(source.revision, 16) >= 0
    assert get_model("ZD21/sciglm-6b") is CATALOG["sciglm-6b"]
    with pytest.raises(SciglmError, match="unknown model 'gpt-5'"):
        get_model("gpt-5")


def _real_snapshot_download():
    from huggingface_hub import snapshot_download

    return snapshot_download


REAL_SNAPSHOT_DOWNLOAD = _real_snapshot_download()


class FakeHub:
    """Stands in for huggingface.co: a file list, and a snapshot_download that records what it
    was asked for and copies the allowed files from a template."""

    def __init__(self, files: list[str], template: Path, hub: Path, fail: Exception | None = None):
        self.files, self.template, self.hub, self.fail = files, template, hub, fail
        self.calls: list[dict] = []

    def list_repo_files(self, repo_id: str, revision: str | None = None) -> list[str]:
        if isinstance(self.fail, ConnectionError):
            raise self.fail
        return self.files

    def snapshot_download(self, **kwargs: object) -> str:
        if kwargs.get("local_files_only"):  # the cache is read by the real code
            return REAL_SNAPSHOT_DOWNLOAD(**kwargs)
        self.calls.append(kwargs)
        if self.fail is not None:
            raise self.fail
        return str(hub_repo(self.hub, str(kwargs["repo_id"]), str(kwargs["revision"]),
                            self.template))


def online(monkeypatch: pytest.MonkeyPatch, fake: FakeHub) -> None:
    import huggingface_hub

    monkeypatch.delenv("HF_HUB_OFFLINE")
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(huggingface_hub.HfApi, "list_repo_files",
                        lambda api, repo_id, revision=None: fake.list_repo_files(repo_id, revision))
    monkeypatch.setattr(huggingface_hub, "snapshot_download", fake.snapshot_download)


def test_online_fetch_takes_top_level_weights_not_deepspeed_states(templates, model_env,
                                                                   monkeypatch) -> None:
    from fnmatch import fnmatch

    files = ["config.json", "tokenizer.model", "modeling_chatglm.py", "latest",
             "pytorch_model-00001-of-00002.bin", "pytorch_model-00002-of-00002.bin",
             "pytorch_model.bin.index.json", "global_step992/mp_rank_00_model_states.pt",
             "global_step992/zero_pp_rank_0_mp_rank_00_optim_states.pt"]
    fake = FakeHub(files, templates["bin-sharded"], model_env["hub"])
    online(monkeypatch, fake)
    resolve_model("zd21/SciGLM-6B")
    (call,) = fake.calls
    assert call["revision"] == SCIGLM.revision
    allowed = [f for f in files if any(fnmatch(f, p) for p in call["allow_patterns"])
               and not any(fnmatch(f, p) for p in call["ignore_patterns"])]
    assert allowed == [f for f in files if "/" not in f]


def test_online_deepspeed_only_repository_is_refused_before_downloading(templates, model_env,
                                                                       monkeypatch) -> None:
    fake = FakeHub(["config.json", "latest", "global_step992/mp_rank_00_model_states.pt"],
                   templates["deepspeed-only"], model_env["hub"])
    online(monkeypatch, fake)
    with pytest.raises(SciglmError, match="only a DeepSpeed checkpoint global_step992/"):
        resolve_model("zd21/SciGLM-6B")
    assert fake.calls == []


def test_broken_download_and_unreachable_hub_are_one_line(templates, model_env,
                                                          monkeypatch) -> None:
    fake = FakeHub(["config.json", "model.safetensors"], templates["safetensors"],
                   model_env["hub"], fail=OSError("connection reset mid-file\ntraceback..."))
    online(monkeypatch, fake)
    with pytest.raises(SciglmError) as info:
        resolve_model("chatglm3-6b-base")
    assert "download into" in str(info.value) and "connection reset mid-file" in str(info.value)
    assert "run the command again to resume" in str(info.value) and "\n" not in str(info.value)
    fake.fail = ConnectionError("no route to host")
    with pytest.raises(SciglmError, match="not in the Hugging Face cache.*Hub cannot be reached"):
        resolve_model("chatglm3-6b-base")


def test_failed_conversion_leaves_nothing(templates, model_env, monkeypatch) -> None:
    hub_repo(model_env["hub"], BASE.hub_id, BASE.revision, templates["safetensors"])

    def broken(src: Path, dst: Path, dtype: str | None = None) -> Path:
        (Path(dst) / "config.json").write_text("{}")
        raise SciglmError(f"{src}: unexpected tensor 'x' in a ChatGLM3 checkpoint")

    monkeypatch.setattr("sciglm.train.convert_chatglm3.convert", broken)
    with pytest.raises(SciglmError, match="unexpected tensor"):
        resolve_model("chatglm3-6b-base")
    assert cache.entries() == [] and not list(cache.root().glob("*.partial-*"))
