"""Tiny models and tokenizers built from config, and a small content/summary mixture from GSM8K."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

CHAT_TEMPLATE = (
    "{% for m in messages %}<|{{ m['role'] }}|>\n{{ m['content'] }}{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>\n{% endif %}"
)


def make_tokenizer(texts: list[str], vocab_size: int = 400) -> Any:
    """A small byte-level BPE tokenizer trained on ``texts`` in well under a second."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    specials = ["<pad>", "<eos>", "<|user|>", "<|assistant|>", "<|system|>"]
    backend = Tokenizer(models.BPE())
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    backend.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=specials,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    backend.train_from_iterator(texts, trainer)
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=backend, pad_token="<pad>",
                                        eos_token="<eos>")
    tokenizer.chat_template = CHAT_TEMPLATE
    return tokenizer


def make_model(tokenizer: Any, arch: str = "llama", hidden: int = 64, layers: int = 2,
               attn: str = "sdpa") -> Any:
    """A 2-layer causal LM with random weights (Llama or GLM)."""
    import torch
    from transformers import AutoModelForCausalLM, GlmConfig, LlamaConfig

    torch.manual_seed(0)
    common = dict(vocab_size=len(tokenizer), hidden_size=hidden, intermediate_size=hidden * 2,
                  num_hidden_layers=layers, num_attention_heads=4, num_key_value_heads=2,
                  max_position_embeddings=1024, pad_token_id=tokenizer.pad_token_id,
                  eos_token_id=tokenizer.eos_token_id, bos_token_id=None)
    config = GlmConfig(**common) if arch == "glm" else LlamaConfig(**common)
    config.use_cache = False
    model = AutoModelForCausalLM.from_config(config, attn_implementation=attn)
    return model


def gsm8k_records(shared: Path, n: int) -> list[dict[str, str]]:
    """The first ``n`` GSM8K problems as ``{"content", "summary"}``."""
    records = []
    with open(shared / "gsm8k" / "test.jsonl", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            records.append({"content": row["question"], "summary": row["answer"]})
            if len(records) == n:
                break
    return records


@pytest.fixture(scope="session")
def gsm8k_mix(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A mixture folder (``train.jsonl`` + ``data_card.md``) of 64 GSM8K problems."""
    folder = tmp_path_factory.mktemp("mix")
    records = gsm8k_records(shared_data, 64)
    with open(folder / "train.jsonl", "w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record) + "\n")
    (folder / "data_card.md").write_text("# Test mixture\n\n64 GSM8K problems.\n")
    return folder


@pytest.fixture(scope="session")
def tiny_model_dir(gsm8k_mix: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A saved 2-layer Llama with its tokenizer, loadable by ``--model``."""
    folder = tmp_path_factory.mktemp("tiny-llama")
    texts = [line for line in (gsm8k_mix / "train.jsonl").read_text().splitlines()]
    tokenizer = make_tokenizer(texts)
    model = make_model(tokenizer)
    tokenizer.save_pretrained(folder)
    model.save_pretrained(folder)
    return folder
