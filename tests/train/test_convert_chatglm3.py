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
from sciglm.errors import InputError, SciglmError
from sciglm.train.convert_chatglm3 import convert

CFG = dict(model_type="chatglm", hidden_size=64, num_layers=2, ffn_hidden_size=96, kv_channels=16,
           num_attention_heads=4, multi_query_attention=True, multi_query_group_num=2,
           padded_vocab_size=128, layernorm_epsilon=1e-5, seq_length=256, add_qkv_bias=True,
           add_bias_linear=False, rmsnorm=True, post_layer_norm=True, original_rope=True,
           apply_residual_connection_post_layernorm=False, eos_token_id=2, pad_token_id=0)


def original_weights(seed: int = 0, cfg: dict | None = None) -> dict[str, torch.Tensor]:
    """Random tensors named and shaped like THUDM/chatglm3-6b-base (for ``cfg``, else CFG)."""
    cfg = cfg or CFG
    g = torch.Generator().manual_seed(seed)
    h, f, v, hd = cfg["hidden_size"], cfg["ffn_hidden_size"], cfg["padded_vocab_size"], 16
    qkv = (cfg["num_attention_heads"] + 2 * cfg["multi_query_group_num"]) * hd

    def r(*shape: int, scale: float = 0.1) -> torch.Tensor:
        return torch.randn(*shape, generator=g) * scale

    w = {"transformer.embedding.word_embeddings.weight": r(v, h, scale=1.0),
         "transformer.rotary_pos_emb.inv_freq": 1.0 / 10000 ** (torch.arange(0, 8, 2).float() / 8),
         "transformer.encoder.final_layernorm.weight": 1 + r(h),
         "transformer.output_layer.weight": r(v, h)}
    for i in range(cfg["num_layers"]):
        p = f"transformer.encoder.layers.{i}."
        w |= {p + "input_layernorm.weight": 1 + r(h),
              p + "self_attention.query_key_value.weight": r(qkv, h),
              p + "self_attention.query_key_value.bias": r(qkv),
              p + "self_attention.dense.weight": r(h, h),
              p + "post_attention_layernorm.weight": 1 + r(h),
              p + "mlp.dense_h_to_4h.weight": r(2 * f, h),
              p + "mlp.dense_4h_to_h.weight": r(h, f)}
    return w


def reference_logits(w: dict[str, torch.Tensor], ids: torch.Tensor,
                     rope_ratio: float = 1.0) -> torch.Tensor:
    """ChatGLM3's forward, [seq, batch, ...] layout, as in its modeling_chatglm.py (the base of
    its rotary embedding is ``10000 * rope_ratio``)."""
    nh, ng, hd, eps = CFG["num_attention_heads"], CFG["multi_query_group_num"], 16, 1e-5

    def rms(x: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
        return weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))

    sq, b = ids.shape[1], ids.shape[0]
    rot_dim = hd // 2  # rotary on half the head dimension
    base = 10000 * rope_ratio
    theta = 1.0 / (base ** (torch.arange(0, rot_dim, 2, dtype=torch.float) / rot_dim))
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


def write_original(folder: Path, weights: dict[str, torch.Tensor], shards: int = 0,
                   **config: object) -> Path:
    """The original layout: one ``model.safetensors``, or (``shards`` > 0) upstream's
    ``pytorch_model-0000k-of-0000n.bin`` files with ``pytorch_model.bin.index.json``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps(CFG | config))
    if not shards:
        save_file(weights, str(folder / "model.safetensors"))
        return folder
    names = list(weights)
    weight_map = {}
    for k in range(shards):
        file = f"pytorch_model-{k + 1:05d}-of-{shards:05d}.bin"
        part = {n: weights[n] for n in names[k::shards]}
        torch.save(part, folder / file)
        weight_map |= dict.fromkeys(part, file)
    index = {"metadata": {"total_size": 0}, "weight_map": weight_map}
    (folder / "pytorch_model.bin.index.json").write_text(json.dumps(index))
    return folder


def glm_logits(folder: Path, ids: torch.Tensor) -> torch.Tensor:
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(folder, attn_implementation="eager").eval()
    with torch.no_grad():
        return model(input_ids=ids).logits.float()


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


def test_sharded_bin_with_index_streams_shard_by_shard(tmp_path: Path) -> None:
    """Seven .bin shards + index (upstream's layout), several output shards: the index is read
    (a stray file it does not name is ignored), one shard is converted at a time."""
    weights = original_weights(3)
    src = write_original(tmp_path / "src", weights, shards=7)
    torch.save({"junk": torch.zeros(1)}, src / "pytorch_model-stray.bin")
    calls: list[tuple[int, int]] = []
    dst = convert(src, tmp_path / "glm", max_shard_size=40_000, progress=lambda *a: calls.append(a))
    assert calls == [(k, 7) for k in range(1, 8)]
    index = json.loads((dst / "model.safetensors.index.json").read_text())
    files = sorted(set(index["weight_map"].values()))
    assert len(files) > 2 and all((dst / f).exists() for f in files)
    assert not list(dst.glob(".part-*"))
    ids = torch.randint(0, CFG["padded_vocab_size"], (2, 11), generator=torch.Generator())
    expected = reference_logits(weights, ids)
    assert torch.allclose(glm_logits(dst, ids), expected, atol=1e-4, rtol=1e-4)


def test_rope_ratio_and_dtype(tmp_path: Path) -> None:
    """chatglm3-6b-32k's rope_ratio reaches the native config and the logits; --dtype casts."""
    weights = original_weights(4)
    src = write_original(tmp_path / "src", weights, rope_ratio=50.0)
    dst = convert(src, tmp_path / "glm")
    config = json.loads((dst / "config.json").read_text())
    assert config["rope_parameters"]["rope_theta"] == 500_000.0
    ids = torch.randint(0, CFG["padded_vocab_size"], (1, 40), generator=torch.Generator())
    ours = glm_logits(dst, ids)
    assert torch.allclose(ours, reference_logits(weights, ids, rope_ratio=50.0), atol=1e-4)
    assert not torch.allclose(ours, reference_logits(weights, ids), atol=1e-2)
    half = convert(src, tmp_path / "bf16", dtype="bfloat16")
    from safetensors import safe_open

    with safe_open(str(half / "model.safetensors"), framework="pt") as handle:
        assert {handle.get_tensor(k).dtype for k in handle.keys()} == {torch.bfloat16}
    assert json.loads((half / "config.json").read_text())["dtype"] == "bfloat16"


@pytest.mark.parametrize(("change", "message"), [
    ({"multi_query_attention": False}, "multi_query_attention is false"),
    ({"pre_seq_len": 128}, "p-tuning prefix"),
    ({"quantization_bit": 4}, "quantization_bit=4"),
    ({"add_bias_linear": True}, "no linear bias"),
    ({"model_type": "llama"}, "not a ChatGLM config"),
])
def test_unsupported_variants_are_refused(tmp_path: Path, change: dict, message: str) -> None:
    src = write_original(tmp_path / "src", original_weights(), **change)
    with pytest.raises(InputError, match=message):
        convert(src, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_refusals_that_protect_files(tmp_path: Path) -> None:
    src = write_original(tmp_path / "src", original_weights(), shards=2)
    before = {p.name: p.read_bytes() for p in src.iterdir()}
    with pytest.raises(InputError, match="destination is the source"):
        convert(src, src)
    with pytest.raises(InputError, match="destination is the source"):
        convert(src, tmp_path / "src" / ".." / "src")
    other = write_original(tmp_path / "other", original_weights())
    with pytest.raises(InputError, match="another checkpoint"):
        convert(src, other)
    (tmp_path / "loose").mkdir()
    (tmp_path / "loose" / "model.safetensors").write_bytes(b"keep me")
    with pytest.raises(InputError, match="weights without a config"):
        convert(src, tmp_path / "loose")
    assert (tmp_path / "loose" / "model.safetensors").read_bytes() == b"keep me"
    with pytest.raises(InputError, match="unknown dtype"):
        convert(src, tmp_path / "x", dtype="int8")
    assert {p.name: p.read_bytes() for p in src.iterdir()} == before
    (src / "pytorch_model-00002-of-00002.bin").unlink()
    with pytest.raises(InputError, match="pytorch_model-00002-of-00002.bin named by the index"):
        convert(src, tmp_path / "out")
    # Re-converting into an earlier conversion's folder replaces it.
    again = write_original(tmp_path / "again", original_weights(), shards=2)
    convert(again, tmp_path / "glm", max_shard_size=40_000)
    convert(again, tmp_path / "glm")
    assert sorted(p.name for p in (tmp_path / "glm").glob("model*")) == ["model.safetensors"]


def test_missing_and_misshaped_tensors(tmp_path: Path) -> None:
    weights = original_weights()
    del weights["transformer.encoder.layers.1.mlp.dense_4h_to_h.weight"]
    with pytest.raises(SciglmError, match="lacks 1 tensor"):
        convert(write_original(tmp_path / "a", weights), tmp_path / "out-a",
                max_shard_size=10_000)
    assert list((tmp_path / "out-a").iterdir()) == []  # no half-written shards left behind
    weights = original_weights()
    weights["transformer.output_layer.weight"] = torch.zeros(5, 64)
    with pytest.raises(SciglmError, match="shape"):
        convert(write_original(tmp_path / "b", weights), tmp_path / "out-b")
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "config.json").write_text("{not json")
    with pytest.raises(InputError, match="not valid JSON"):
        convert(tmp_path / "c", tmp_path / "out-c")


def test_cli_convert_with_tokenizer(tmp_path: Path, shared_data: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    from transformers import AutoTokenizer, GenerationConfig

    from tests.train.test_chatglm_tokenizer import Upstream, build_spm

    texts = [json.loads(line)["question"] for line in
             (shared_data / "gsm8k" / "test.jsonl").read_text().splitlines()[:200]]
    src = write_original(tmp_path / "chatglm3", original_weights(), shards=3)
    up = Upstream(build_spm(src, texts))
    with pytest.raises(SystemExit) as exit_info:
        main(["convert", "chatglm3", str(src), str(tmp_path / "out"), "--dtype", "float32"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "out")
    tok = AutoTokenizer.from_pretrained(tmp_path / "out")
    assert tok("people")["input_ids"] == up.call("people")
    # sciglm chat / eval on the converted folder see upstream's prompt ids, words intact.
    from sciglm.generation.local import LocalModel

    local = LocalModel(tmp_path / "out", device="cpu")
    messages = [{"role": "user", "content": "Do people use isopropyl?"}]
    assert local.encode(messages) == up.chat_input("Do people use isopropyl?")
    generation = GenerationConfig.from_pretrained(tmp_path / "out")
    assert generation.eos_token_id == [2, up.special["<|user|>"], up.special["<|observation|>"]]
    with pytest.raises(SystemExit) as exit_info:
        main(["convert", "chatglm3", str(src), str(src)])
    assert exit_info.value.code == 1
    assert "destination is the source folder" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["convert", "chatglm3", str(src), str(tmp_path / "serve"), "--tokenizer-only",
              "--special-tokens-in-text"])
    assert exit_info.value.code == 0
    assert not list((tmp_path / "serve").glob("*.safetensors"))
    serving = AutoTokenizer.from_pretrained(tmp_path / "serve")
    rendered = serving.apply_chat_template([{"role": "user", "content": "hi"}], tokenize=False,
                                           add_generation_prompt=True)
    assert serving(rendered, add_special_tokens=False)["input_ids"] == up.chat_input("hi")


@pytest.mark.slow
def test_peak_memory_is_a_shard_not_the_model(tmp_path: Path) -> None:
    """Peak resident memory of a conversion in a fresh process, above the same process's
    baseline (imports, a tiny conversion): about the largest shard plus one output shard."""
    import subprocess
    import sys

    layers, h, f, v = 16, 512, 1536, 8000
    config = dict(hidden_size=h, num_layers=layers, ffn_hidden_size=f, kv_channels=64,
                  num_attention_heads=8, padded_vocab_size=v)
    g = torch.Generator().manual_seed(0)
    weights = {"transformer.embedding.word_embeddings.weight": torch.randn(v, h, generator=g),
               "transformer.encoder.final_layernorm.weight": torch.ones(h),
               "transformer.output_layer.weight": torch.randn(v, h, generator=g)}
    for i in range(layers):
        p = f"transformer.encoder.layers.{i}."
        weights |= {p + "input_layernorm.weight": torch.ones(h),
                    p + "self_attention.query_key_value.weight": torch.randn(768, h, generator=g),
                    p + "self_attention.query_key_value.bias": torch.randn(768, generator=g),
                    p + "self_attention.dense.weight": torch.randn(h, h, generator=g),
                    p + "post_attention_layernorm.weight": torch.ones(h),
                    p + "mlp.dense_h_to_4h.weight": torch.randn(2 * f, h, generator=g),
                    p + "mlp.dense_4h_to_h.weight": torch.randn(h, f, generator=g)}
    total = sum(t.numel() * 4 for t in weights.values())
    src = write_original(tmp_path / "src", weights, shards=12, **config)
    del weights
    largest = max(p.stat().st_size for p in src.glob("*.bin"))
    out_shard = 8 * 1024**2
    script = (  # VmHWM (peak RSS) is reset after the warm-up by writing 5 to clear_refs
        "import re, sys\n"
        "from sciglm.train.convert_chatglm3 import convert\n"
        "def kib(key):\n"
        "    status = open('/proc/self/status').read()\n"
        "    return int(re.search(key + r':\\s+(\\d+)', status).group(1))\n"
        "convert(sys.argv[1], sys.argv[2] + '-warm', max_shard_size=int(sys.argv[3]))\n"
        "open('/proc/self/clear_refs', 'w').write('5')\n"
        "base = kib('VmRSS')\n"
        "convert(sys.argv[4], sys.argv[2], max_shard_size=int(sys.argv[3]))\n"
        "print(base, kib('VmHWM'))\n")
    tiny = write_original(tmp_path / "tiny", original_weights())
    out = subprocess.run([sys.executable, "-c", script, str(tiny), str(tmp_path / "glm"),
                          str(out_shard), str(src)], capture_output=True, text=True, check=True)
    base, peak = (int(x) * 1024 for x in out.stdout.split())
    grew = peak - base
    print(f"model {total / 2**20:.0f} MiB, largest shard {largest / 2**20:.0f} MiB, "
          f"output shard {out_shard / 2**20:.0f} MiB, peak grew {grew / 2**20:.0f} MiB")
    assert total > 4 * (largest + out_shard)
    assert grew < largest + 2 * out_shard + 48 * 2**20
