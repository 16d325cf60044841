"""First use vs second use of a model by name: converting an original ChatGLM checkpoint once into
the cache, then resolving it again.

A random checkpoint with ChatGLM3's tensor names, vocabulary (65,024) and head layout (2 KV groups
of 128) but a smaller width and depth (``--hidden``, ``--layers``) is written as fp16
``pytorch_model-0000N-of-0000M.bin`` shards into a temporary Hub cache
(``models--THUDM--chatglm3-6b-base/snapshots/REV``); ``resolve_model("THUDM/chatglm3-6b-base")``
runs offline through ``huggingface_hub.snapshot_download``, converts, and is timed twice.

    python benchmarks/models_bench.py --hidden 1024 --layers 4
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def build(snapshot: Path, hidden: int, layers: int, vocab: int) -> int:
    """Write the checkpoint; returns its size in bytes."""
    import torch

    heads, groups, head_dim = hidden // 128, 2, 128
    ffn = hidden * 27 // 8
    config = dict(model_type="chatglm", hidden_size=hidden, num_layers=layers, ffn_hidden_size=ffn,
                  kv_channels=head_dim, num_attention_heads=heads, multi_query_attention=True,
                  multi_query_group_num=groups, padded_vocab_size=vocab, layernorm_epsilon=1e-5,
                  seq_length=8192, add_qkv_bias=True, add_bias_linear=False, rmsnorm=True,
                  post_layer_norm=True, original_rope=True, eos_token_id=2, pad_token_id=0,
                  apply_residual_connection_post_layernorm=False, torch_dtype="float16")
    snapshot.mkdir(parents=True)
    (snapshot / "config.json").write_text(json.dumps(config))
    qkv = (heads + 2 * groups) * head_dim
    shards: list[dict[str, torch.Tensor]] = [{
        "transformer.embedding.word_embeddings.weight": torch.randn(vocab, hidden).half(),
        "transformer.encoder.final_layernorm.weight": torch.ones(hidden).half(),
        "transformer.output_layer.weight": torch.randn(vocab, hidden).half()}]
    for i in range(layers):
        p = f"transformer.encoder.layers.{i}."
        shards.append({p + "input_layernorm.weight": torch.ones(hidden).half(),
                       p + "self_attention.query_key_value.weight": torch.randn(qkv, hidden).half(),
                       p + "self_attention.query_key_value.bias": torch.randn(qkv).half(),
                       p + "self_attention.dense.weight": torch.randn(hidden, hidden).half(),
                       p + "post_attention_layernorm.weight": torch.ones(hidden).half(),
                       p + "mlp.dense_h_to_4h.weight": torch.randn(2 * ffn, hidden).half(),
                       p + "mlp.dense_4h_to_h.weight": torch.randn(hidden, ffn).half()})
    weight_map = {}
    for n, shard in enumerate(shards, 1):
        name = f"pytorch_model-{n:05d}-of-{len(shards):05d}.bin"
        torch.save(shard, snapshot / name)
        weight_map |= dict.fromkeys(shard, name)
    (snapshot / "pytorch_model.bin.index.json").write_text(json.dumps({"weight_map": weight_map}))
    return sum(p.stat().st_size for p in snapshot.iterdir())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hidden", type=int, default=1024)
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--vocab", type=int, default=65024)
    parser.add_argument("--repeats", type=int, default=5, help="second-use resolutions timed")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    with tempfile.TemporaryDirectory(prefix="sciglm-models-bench-") as tmp:
        os.environ |= {"HF_HUB_CACHE": f"{tmp}/hub", "HF_HUB_OFFLINE": "1",
                       "SCIGLM_CACHE": f"{tmp}/sciglm"}
        os.environ.pop("SCIGLM_NO_CONVERT", None)
        from sciglm.catalog.models import CATALOG
        from sciglm.models.resolve import resolve_model

        source = CATALOG["chatglm3-6b-base"]
        repo = Path(tmp, "hub", "models--THUDM--chatglm3-6b-base")
        size = build(repo / "snapshots" / source.revision, args.hidden, args.layers, args.vocab)
        (repo / "refs").mkdir()
        (repo / "refs" / "main").write_text(source.revision)
        start = time.perf_counter()
        folder = resolve_model(source.hub_id)
        first = time.perf_counter() - start
        again = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            assert resolve_model(source.hub_id) == folder
            again.append(time.perf_counter() - start)
        second = statistics.median(again)
        print(f"checkpoint: hidden {args.hidden}, {args.layers} layers, vocab {args.vocab}, "
              f"{size / 2**20:.0f} MiB fp16 in {args.layers + 1} .bin shards")
        print(f"first use (snapshot lookup + conversion + atomic cache entry): {first:.2f} s "
              f"= {size / 2**20 / first:.0f} MiB/s")
        print(f"second use (median of {args.repeats}): {second * 1000:.1f} ms")
        print(f"ratio first/second: {first / second:,.0f}x")


if __name__ == "__main__":
    main()
