"""ChatGLM3 → GlmForCausalLM: tiny random weights in the original layout, logits compared with an
independent reference forward written here in ChatGLM3's own formulation."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import torch
from safetensors.torch import save_file

from sciglm.cli.main import main
from sciglm.errors import InputError
from sciglm.train.convert_chatglm3 import SPECIAL_TOKENS, convert

CFG = dict(model_type="chatglm", hidden_size=64, num_layers=2, ffn_hidden_size=96, kv_channels=16,
           num_attention_heads=4, multi_query_attention=True, multi_query_group_num=2,
           padded_vocab_size=128, layernorm_epsilon=1e-5, seq_length=256, add_qkv_bias=True,
           add_bias_linear=False, rmsnorm=True, post_layer_norm=True, original_rope=True,
           apply_residual_connection_post_layernorm=False, eos_token_id=2, pad_token_id=0)


def original_weights(seed: int = 0) -> dict[str, torch.Tensor]:
    """Random tensors named and shaped like THUDM/chatglm3-6b-base."""
    g = torch.Generator().manual_seed(seed)
    h, f, v, hd = CFG["hidden_size"], CFG["ffn_hidden_size"], CFG["padded_vocab_size"], 16
    qkv = (CFG["num_attention_heads"] + 2 * CFG["multi_query_group_num"]) * hd

    def r(*shape: int, scale: float = 0.1) -> torch.Tensor:
        return torch.randn(*shape, generator=g) * scale

    w = {"transformer.embedding.word_embeddings.weight": r(v, h, scale=1.0),
         "transformer.rotary_pos_emb.inv_freq": 1.0 / 10000 ** (torch.arange(0, 8, 2).float() / 8),
         "transformer.encoder.final_layernorm.weight": 1 + r(h),
         "transformer.output_layer.weight": r(v, h)}
    for i in range(CFG["num_layers"]):
        p = f"transformer.encoder.layers.{i}."
        w |= {p + "input_layernorm.weight": 1 + r(h),
              p + "self_attention.query_key_value.weight": r(qkv, h),
              p + "self_attention.query_key_value.bias": r(qkv),
              p + "self_attention.dense.weight": r(h, h),
              p + "post_attention_layernorm.weight": 1 + r(h),
              p + "mlp.dense_h_to_4h.weight": r(2 * f, h),
              p + "mlp.dense_4h_to_h.weight": r(h, f)}
    return w


def reference_logits(w: dict[str, torch.Tensor], ids: torch.Tensor) -> torch.Tensor:
    """ChatGLM3's forward, [seq, batch, ...] layout, as in its modeling_chatglm.py."""
    nh, ng, hd, eps = CFG["num_attention_heads"], CFG["multi_query_group_num"], 16, 1e-5

    def rms(x: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
        return weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))

    sq, b = ids.shape[1], ids.shape[0]
    rot_dim = hd // 2  # rotary on half the head dimension
    theta = 1.0 / (10000 ** (torch.arange(0, rot_dim, 2, dtype=torch.float) / rot_dim))
    idx_theta = torch.outer(torch.arange(sq, dtype=torch.float), theta)
    cache = torch.stack([torch.cos(idx_theta), torch.sin(idx_theta)], dim=-1)  # [sq, rot/2, 2]

    def rope(x: torch.Tensor) -> torch.Tensor:  # x [sq, b, np, hn]
        xr, xp = x[..., :rot_dim], x[..., rot_dim:]
        xs = xr.reshape(sq, b, x.shape[2], rot_dim // 2, 2)
        c = cache.view(sq, 1, 1, rot_dim // 2, 2)
        out = torch.stack([xs[..., 0] * c[..., 0] - xs[..., 1] * c[..., 1],
                           xs[..., 1] * c[..., 0] + xs[..., 0] * c[..., 1]], -1).flatten(3)
        return torch.cat([out, xp], dim=-1)

    hidden = w["transformer.embedding.word_embeddings.weight"][ids].transpose(0, 1)  # [sq, b, h]
    causal = torch.ones(sq, sq, dtype=torch.bool).tril()
    for i in range(CFG["num_layers"]):
        p = f"transformer.encoder.layers.{i}."
        x = rms(hidden, w[p + "input_layernorm.weight"])
        mixed = x @ w[p + "self_attention.query_key_value.weight"].T + \
            w[p + "self_attention.query_key_value.bias"]
        q, k, v = mixed.split([nh * hd, ng * hd, ng * hd], dim=-1)
        q, k, v = q.view(sq, b, nh, hd), k.view(sq, b, ng, hd), v.view(sq, b, ng, hd)
        q, k = rope(q), rope(k)
        k = k.unsqueeze(-2).expand(-1, -1, -1, nh // ng, -1).reshape(sq, b, nh, hd)
        v = v.unsqueeze(-2).expand(-1, -1, -1, nh // ng, -1).reshape(sq, b, nh, hd)
        scores = torch.einsum("qbnd,kbnd->bnqk", q, k) / math.sqrt(hd)
        probs = scores.masked_fill(~causal, float("-inf")).softmax(-1)
        ctx = torch.einsum("bnqk,kbnd->qbnd", probs, v).reshape(sq, b, nh * hd)
        hidden = hidden + ctx @ w[p + "self_attention.dense.weight"].T
        x = rms(hidden, w[p + "post_attention_layernorm.weight"])
        a, gate = (x @ w[p + "mlp.dense_h_to_4h.weight"].T).chunk(2, dim=-1)
        hidden = hidden + (torch.nn.functional.silu(a) * gate) @ w[p + "mlp.dense_4h_to_h.weight"].T
    hidden = rms(hidden, w["transformer.encoder.final_layernorm.weight"])
    return (hidden @ w["transformer.output_layer.weight"].T).transpose(0, 1)


def write_original(folder: Path, weights: dict[str, torch.Tensor]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps(CFG))
    save_file(weights, str(folder / "model.safetensors"))
    return folder


def test_converted_glm_matches_reference_forward(tmp_path: Path) -> None:
    from transformers import AutoModelForCausalLM, GlmForCausalLM

    weights = original_weights()
    src = write_original(tmp_path / "chatglm3", weights)
    dst = convert(src, tmp_path / "glm")
    model = AutoModelForCausalLM.from_pretrained(dst, attn_implementation="eager").eval()
    assert isinstance(model, GlmForCausalLM)
    generator = torch.Generator().manual_seed(1)
    ids = torch.randint(0, CFG["padded_vocab_size"], (2, 19), generator=generator)
    with torch.no_grad():
        ours = model(input_ids=ids).logits
        sdpa = AutoModelForCausalLM.from_pretrained(dst, attn_implementation="sdpa")(
            input_ids=ids).logits
    expected = reference_logits(weights, ids)
    assert torch.allclose(ours, expected, atol=1e-4, rtol=1e-4), (ours - expected).abs().max()
    assert torch.allclose(sdpa, expected, atol=1e-4, rtol=1e-4)
    # A wrong conversion is caught: e.g. swapped K and V groups change the logits.
    swapped = dict(weights)
    for i in range(CFG["num_layers"]):
        key = f"transformer.encoder.layers.{i}.self_attention.query_key_value.weight"
        q, k, v = weights[key].split([64, 32, 32])
        swapped[key] = torch.cat([q, v, k])
    assert not torch.allclose(reference_logits(swapped, ids), expected, atol=1e-3)


def test_tokenizer_conversion_keeps_sentencepiece_ids(tmp_path: Path, shared_data: Path) -> None:
    import sentencepiece

    texts = [json.loads(line)["question"] for line in
             (shared_data / "gsm8k" / "test.jsonl").read_text().splitlines()[:300]]
    src = write_original(tmp_path / "chatglm3", original_weights())
    (tmp_path / "corpus.txt").write_text("\n".join(texts))
    sentencepiece.SentencePieceTrainer.train(
        input=str(tmp_path / "corpus.txt"), model_prefix=str(src / "tokenizer"), vocab_size=800,
        model_type="bpe", byte_fallback=True, character_coverage=1.0, minloglevel=2,
        normalization_rule_name="identity", remove_extra_whitespaces=False)
    sp = sentencepiece.SentencePieceProcessor(model_file=str(src / "tokenizer.model"))
    convert(src, tmp_path / "glm")
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tmp_path / "glm")
    for text in texts[:50] + ["Émile paid 3€ ∑x²", "two  spaces\nnew line"]:
        assert tok(text, add_special_tokens=False)["input_ids"] == sp.encode(text), text
    base = sp.vocab_size()
    special = dict(zip(SPECIAL_TOKENS, range(base, base + len(SPECIAL_TOKENS)), strict=True))
    prompt = tok.apply_chat_template([{"role": "user", "content": texts[0]}],
                                     tokenize=False, add_generation_prompt=True)
    ids = tok(prompt, add_special_tokens=False)["input_ids"]
    # ChatGLM3's build_chat_input: [gMASK] sop <|user|> encode("\n") encode(question) <|assistant|>
    expected = [special["[gMASK]"], special["sop"], special["<|user|>"]] + sp.encode("\n") + \
        sp.encode(texts[0]) + [special["<|assistant|>"]]
    assert ids == expected


def test_cli_convert_and_bad_source(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write_original(tmp_path / "chatglm3", original_weights())
    with pytest.raises(SystemExit) as exit_info:
        main(["convert", "chatglm3", str(src), str(tmp_path / "out")])
    assert exit_info.value.code == 0
    assert (tmp_path / "out" / "config.json").exists()
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "config.json").write_text('{"model_type": "llama"}')
    with pytest.raises(InputError, match="not a ChatGLM config"):
        convert(tmp_path / "bad", tmp_path / "out2")
