"""Tiny checkpoints in the original layouts (ChatGLM3-6B-Base-like and SciGLM-6B-like), laid out
like the Hugging Face cache (``models--ORG--NAME/snapshots/REV/``) so that the real
``huggingface_hub.snapshot_download`` code path finds them with ``HF_HUB_OFFLINE=1``."""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch

from tests.train import test_convert_chatglm3 as convert_tests

CFG = dict(model_type="chatglm", architectures=["ChatGLMModel"], hidden_size=64, num_layers=2,
           ffn_hidden_size=96, kv_channels=16, num_attention_heads=4, multi_query_attention=True,
           multi_query_group_num=2, padded_vocab_size=384, layernorm_epsilon=1e-5,
           seq_length=256, add_qkv_bias=True, add_bias_linear=False, rmsnorm=True,
           post_layer_norm=True, original_rope=True, torch_dtype="float32",
           apply_residual_connection_post_layernorm=False, eos_token_id=2, pad_token_id=0,
           auto_map={"AutoConfig": "configuration_chatglm.ChatGLMConfig",
                     "AutoModel": "modeling_chatglm.ChatGLMForConditionalGeneration"})
WORDS = ("the train leaves at noon and arrives two hours later how many apples does Tom have "
         "if he buys 3 more each box holds 12 eggs what is the total cost of 7 pens at 4 dollars "
         "a mass of 5 kg moves at 2 m/s find its kinetic energy in joules answer").split()


def original_weights(seed: int = 0) -> dict[str, torch.Tensor]:
    """Random tensors named and shaped like THUDM/chatglm3-6b-base's (at this file's CFG)."""
    return convert_tests.original_weights(seed, CFG)


def write_tokenizer(folder: Path, work: Path) -> None:
    """A SentencePiece BPE ``tokenizer.model`` like ChatGLM3's (byte fallback), small vocab."""
    import sentencepiece

    rng = random.Random(0)
    corpus = work / "corpus.txt"
    corpus.write_text("\n".join(" ".join(rng.choice(WORDS) for _ in range(12))
                                for _ in range(400)))
    sentencepiece.SentencePieceTrainer.train(
        input=str(corpus), model_prefix=str(folder / "tokenizer"), vocab_size=300,
        model_type="bpe", byte_fallback=True, character_coverage=1.0, minloglevel=2,
        normalization_rule_name="identity", remove_extra_whitespaces=False)
    (folder / "tokenizer.vocab").unlink()
    (folder / "tokenizer_config.json").write_text(json.dumps(
        {"tokenizer_class": "ChatGLMTokenizer", "auto_map": {
            "AutoTokenizer": ["tokenization_chatglm.ChatGLMTokenizer", None]}}))


def write_checkpoint(folder: Path, layout: str, seed: int = 0) -> dict[str, torch.Tensor]:
    """An original ChatGLM3 checkpoint in ``folder``; ``layout``: ``safetensors`` (one file),
    ``bin-sharded`` (2 shards + index, SciGLM-6B's HF Trainer layout with global_step992/), or
    ``deepspeed-only`` (just global_step992/ and ``latest``)."""
    from safetensors.torch import save_file

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps(CFG))
    for code in ("configuration_chatglm.py", "modeling_chatglm.py", "tokenization_chatglm.py"):
        (folder / code).write_text("raise ImportError('remote code must not run in tests')\n")
    weights = original_weights(seed)
    if layout == "safetensors":
        save_file(weights, str(folder / "model.safetensors"))
    elif layout == "bin-sharded":
        names = sorted(weights)
        shards = {"pytorch_model-00001-of-00002.bin": names[: len(names) // 2],
                  "pytorch_model-00002-of-00002.bin": names[len(names) // 2:]}
        for file, keys in shards.items():
            torch.save({k: weights[k].half() for k in keys}, folder / file)
        index = {"metadata": {"total_size": 0},
                 "weight_map": {k: file for file, keys in shards.items() for k in keys}}
        (folder / "pytorch_model.bin.index.json").write_text(json.dumps(index))
    if layout in ("bin-sharded", "deepspeed-only"):
        (folder / "latest").write_text("global_step992")
        (folder / "global_step992").mkdir()
        (folder / "global_step992" / "mp_rank_00_model_states.pt").write_bytes(b"not read")
        (folder / "zero_to_fp32.py").write_text("# DeepSpeed's consolidation script\n")
    return weights


def hub_repo(hub: Path, repo_id: str, revision: str, template: Path) -> Path:
    """Copy ``template`` into the Hub cache layout under ``hub``; returns the snapshot folder."""
    repo = hub / f"models--{repo_id.replace('/', '--')}"
    snapshot = repo / "snapshots" / revision
    shutil.copytree(template, snapshot)
    (repo / "refs").mkdir(parents=True, exist_ok=True)
    (repo / "refs" / "main").write_text(revision)
    return snapshot


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One folder per layout, with the tokenizer, built once per session."""
    work = tmp_path_factory.mktemp("templates")
    tokenizer = work / "tok"
    tokenizer.mkdir()
    write_tokenizer(tokenizer, work)
    out = {}
    for layout in ("safetensors", "bin-sharded", "deepspeed-only"):
        folder = work / layout
        write_checkpoint(folder, layout)
        for file in tokenizer.iterdir():
            shutil.copy(file, folder / file.name)
        out[layout] = folder
    return out


@pytest.fixture
def model_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Path]]:
    """An empty Hub cache and sciglm cache, offline."""
    hub, cache = tmp_path / "hub", tmp_path / "sciglm-cache"
    hub.mkdir()
    monkeypatch.setenv("HF_HUB_CACHE", str(hub))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("SCIGLM_CACHE", str(cache))
    monkeypatch.delenv("SCIGLM_NO_CONVERT", raising=False)
    yield {"hub": hub, "cache": cache}
