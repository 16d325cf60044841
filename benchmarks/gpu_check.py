"""One-command GPU check: ChatGLM3-6B's real architecture, bf16, DeepSpeed ZeRO-2, the packed
recipe and the paper's padded recipe, then generation throughput for eval. No network.

The model is ``GlmForCausalLM`` with the config ``sciglm convert chatglm3`` writes for
THUDM/chatglm3-6b-base (hidden 4096, 32 heads, 2 KV groups, head dim 128, FFN 13696, vocabulary
65024), randomly initialised. All 28 layers need about 16 bytes per parameter for bf16 training
with Adam (≈ 100 GB) on one GPU, where ZeRO-2 splits nothing: by default the script keeps as
many layers as fit in 75% of the GPU's memory (28 on an H200, 15 on an H100) and says so;
``--layers`` overrides. Examples are random token ids with the lengths of the paper's recipe
(question ≤ 128 + solution ≤ 512 tokens; lognormal, seeded) unless ``--tokenizer`` and
``--data`` give real ones.

Figures: training tokens/s (real, non-pad tokens), MFU = 6 · N · tokens/s / peak (N = the
parameters in matrix products, i.e. all but the input embedding; peak = the datasheet dense bf16
figure, H100/H200 989 TFLOP/s), peak GPU memory per phase; then greedy generation at batch 32
(new tokens/s). ``--tiny`` runs a 2-layer model on CPU in fp32 in a few seconds (the slow test
suite runs it so the script cannot rot).

    python benchmarks/gpu_check.py                 # on one GPU, about 3 minutes
    python benchmarks/gpu_check.py --json          # the same figures as JSON on stdout
    python benchmarks/gpu_check.py --tiny          # CPU smoke run
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
import time
from pathlib import Path
from typing import Any

import torch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sciglm.train.convert_chatglm3 import glm_config  # noqa: E402
from sciglm.train.deepspeed_config import load_deepspeed_config  # noqa: E402
from sciglm.train.packing import PackedCollator, PaddedCollator, pack_examples  # noqa: E402

#: THUDM/chatglm3-6b-base's config.json (the keys the converter reads).
CHATGLM3_6B = dict(model_type="chatglm", hidden_size=4096, num_layers=28, ffn_hidden_size=13696,
                   kv_channels=128, num_attention_heads=32, multi_query_attention=True,
                   multi_query_group_num=2, padded_vocab_size=65024, layernorm_epsilon=1e-5,
                   seq_length=32768, add_qkv_bias=True, add_bias_linear=False, rmsnorm=True,
                   post_layer_norm=True, apply_residual_connection_post_layernorm=False,
                   eos_token_id=2, pad_token_id=0)
TINY = CHATGLM3_6B | dict(hidden_size=64, num_layers=2, ffn_hidden_size=96, kv_channels=16,
                          num_attention_heads=4, padded_vocab_size=512)
#: Dense bf16 peak FLOP/s by GPU name fragment (datasheets, no sparsity).
GPU_PEAK_BF16 = {"H200": 989e12, "H100": 989e12, "A100": 312e12, "L40S": 362e12, "A10G": 125e12}


def synthetic_examples(count: int, vocab: int, seed: int = 0) -> list[dict[str, list[int]]]:
    """Random examples with the paper recipe's shape: a question of ≤ 128 tokens (loss off) and
    a solution of ≤ 512 tokens (loss on), lognormal lengths (median 60 + 180 tokens)."""
    g = torch.Generator().manual_seed(seed)
    source = torch.empty(count).log_normal_(4.1, 0.5, generator=g).clamp(8, 128).long()
    target = torch.empty(count).log_normal_(5.2, 0.6, generator=g).clamp(8, 512).long()
    examples = []
    for s, t in zip(source.tolist(), target.tolist(), strict=True):
        ids = torch.randint(5, vocab, (s + t,), generator=g).tolist()
        examples.append({"input_ids": ids, "labels": [-100] * s + ids[s:]})
    return examples


def real_examples(tokenizer_dir: str, data: str, count: int) -> list[dict[str, list[int]]]:
    """``{"content"|"question", "summary"|"answer"}`` records in the paper's prompt format."""
    from transformers import AutoTokenizer

    from sciglm.prompt_format import sciglm_prompt

    tokenizer = AutoTokenizer.from_pretrained(tokenizer_dir)
    examples = []
    with open(data, encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            question = row.get("content") or row["question"]
            answer = row.get("summary") or row["answer"]
            prompt = tokenizer(sciglm_prompt(question))["input_ids"][-128:]
            response = tokenizer(answer, add_special_tokens=False)["input_ids"][:511]
            response.append(tokenizer.eos_token_id)
            examples.append({"input_ids": prompt + response,
                             "labels": [-100] * len(prompt) + response})
            if len(examples) == count:
                break
    return examples


def layers_that_fit(config: dict[str, Any], memory: int, share: float = 0.75) -> int:
    """How many layers fit ``share`` of ``memory`` at 16 bytes/parameter (bf16 + Adam)."""
    h, f = config["hidden_size"], config["ffn_hidden_size"]
    kv = config["multi_query_group_num"] * config["kv_channels"]
    per_layer = h * (h + 2 * kv) + (h + 2 * kv) + h * h + 3 * h * f + 2 * h
    fixed = 2 * config["padded_vocab_size"] * h
    return max(1, min(config["num_layers"], int((share * memory / 16 - fixed) // per_layer)))


def build_model(config: dict[str, Any], device: str, dtype: torch.dtype,
                attn: str = "sdpa") -> Any:
    """A randomly initialised ``GlmForCausalLM`` with the converter's config."""
    from transformers import GlmForCausalLM

    torch.manual_seed(0)
    glm = glm_config(config)
    glm.use_cache = False
    with torch.device(device):
        model = GlmForCausalLM._from_config(glm, attn_implementation=attn, dtype=dtype)
    return model


def start_deepspeed(model: Any, device: str, micro_batch: int) -> Any:
    """DeepSpeed ZeRO-2 from the bundled ``zero2`` config (the ``auto`` values filled in), one
    process, with torch's AdamW (fused on GPU) so no DeepSpeed op is compiled first."""
    import deepspeed

    if "RANK" not in os.environ:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        os.environ.update({"RANK": "0", "LOCAL_RANK": "0", "WORLD_SIZE": "1",
                           "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(port)})
    deepspeed.init_distributed(dist_backend="nccl" if device == "cuda" else "gloo")
    config = load_deepspeed_config("zero2")
    config.pop("optimizer", None)
    config["bf16"] = {"enabled": device == "cuda"}
    config["fp16"] = {"enabled": False}
    config.update(gradient_accumulation_steps=1, gradient_clipping=1.0,
                  train_micro_batch_size_per_gpu=micro_batch, train_batch_size=micro_batch,
                  zero_allow_untested_optimizer=True)
    config["zero_optimization"]["reduce_bucket_size"] = 5e8
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-5, fused=device == "cuda")
    engine, *_ = deepspeed.initialize(model=model, optimizer=optimizer, config=config)
    return engine


def train_phase(engine: Any, batches: list[dict[str, torch.Tensor]], steps: int, warmup: int,
                device: str) -> dict[str, float]:
    """Real tokens/s over ``steps`` timed optimizer steps after ``warmup`` untimed ones."""
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
    if device == "cuda":
        torch.cuda.reset_peak_memory_stats()
    tokens, start = 0, 0.0
    for step in range(warmup + steps):
        if step == warmup:
            sync()
            start = time.perf_counter()
        batch = batches[step % len(batches)]
        inputs = {k: v.to(device) for k, v in batch.items() if k != "n_real"}
        loss = engine(**inputs).loss
        engine.backward(loss)
        engine.step()
        if step >= warmup:
            tokens += int(batch["n_real"])
    sync()
    seconds = time.perf_counter() - start
    peak = torch.cuda.max_memory_allocated() if device == "cuda" else 0
    return {"real_tokens": tokens, "seconds": round(seconds, 3),
            "tokens_per_s": round(tokens / seconds, 1), "peak_memory_gib": round(peak / 2**30, 2),
            "loss": round(float(loss.detach()), 3)}


def generation_phase(model: Any, vocab: int, batch: int, prompt: int, new: int,
                     device: str) -> dict[str, float]:
    """Greedy generation of ``new`` tokens for ``batch`` random prompts of ``prompt`` tokens."""
    model.eval()
    model.config.use_cache = True
    ids = torch.randint(5, vocab, (batch, prompt), generator=torch.Generator().manual_seed(1))
    ids = ids.to(device)
    kwargs = dict(max_new_tokens=new, min_new_tokens=new, do_sample=False, pad_token_id=0)
    with torch.no_grad():
        model.generate(ids[:, :8], **(kwargs | {"max_new_tokens": 2, "min_new_tokens": 2}))
        if device == "cuda":
            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats()
        start = time.perf_counter()
        out = model.generate(ids, attention_mask=torch.ones_like(ids), **kwargs)
        if device == "cuda":
            torch.cuda.synchronize()
    seconds = time.perf_counter() - start
    made = (out.shape[1] - prompt) * batch
    peak = torch.cuda.max_memory_allocated() if device == "cuda" else 0
    return {"batch": batch, "prompt_tokens": prompt, "new_tokens": made,
            "seconds": round(seconds, 3), "tokens_per_s": round(made / seconds, 1),
            "peak_memory_gib": round(peak / 2**30, 2)}


def matmul_params(model: Any) -> int:
    """Parameters that take part in matrix products (everything but the input embedding)."""
    embed = model.get_input_embeddings().weight.numel()
    return sum(p.numel() for p in model.parameters()) - embed


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help="2-layer model on CPU (smoke run).")
    parser.add_argument("--layers", type=int, default=None,
                        help="Layers to keep (default: as many as fit, at most 28).")
    parser.add_argument("--steps", type=int, default=10, help="Timed steps per recipe.")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--packed-rows", type=int, default=8,
                        help="Packed recipe: 640-token rows per step.")
    parser.add_argument("--padded-rows", type=int, default=4,
                        help="Paper recipe: examples per step, each padded to 641 tokens.")
    parser.add_argument("--gen-batch", type=int, default=32)
    parser.add_argument("--gen-prompt", type=int, default=256)
    parser.add_argument("--gen-new", type=int, default=256)
    parser.add_argument("--tokenizer", help="A converted ChatGLM3 folder for real lengths.")
    parser.add_argument("--data", help="JSONL of question/answer records (with --tokenizer).")
    parser.add_argument("--attn", default="sdpa",
                        help="attn_implementation: sdpa (default; packed rows get a "
                        "block-diagonal mask) or flash_attention_2 where installed.")
    parser.add_argument("--peak-tflops", type=float, default=None)
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    args = parser.parse_args(argv)
    if args.tiny:
        args.steps, args.warmup = min(args.steps, 3), 1
        args.gen_batch, args.gen_prompt, args.gen_new = 4, 16, 8
    device = "cpu" if args.tiny or not torch.cuda.is_available() else "cuda"
    if device == "cpu" and not args.tiny:
        parser.error("no CUDA GPU found; use --tiny for the CPU smoke run")
    os.environ.setdefault("DS_ACCELERATOR", "cpu" if device == "cpu" else "cuda")

    base = TINY if args.tiny else CHATGLM3_6B
    memory = torch.cuda.get_device_properties(0).total_memory if device == "cuda" else 0
    layers = args.layers or (base["num_layers"] if args.tiny else layers_that_fit(base, memory))
    config = base | {"num_layers": layers}
    dtype = torch.bfloat16 if device == "cuda" else torch.float32
    vocab = config["padded_vocab_size"]
    count = 64 if args.tiny else 2000
    examples = (real_examples(args.tokenizer, args.data, count) if args.tokenizer and args.data
                else synthetic_examples(count, vocab))

    rows = pack_examples(examples, 640)
    packed_collate = PackedCollator(0)
    packed = [packed_collate(rows[i:i + args.packed_rows])
              | {"n_real": sum(len(r["input_ids"]) for r in rows[i:i + args.packed_rows])}
              for i in range(0, len(rows) - args.packed_rows + 1, args.packed_rows)]
    padded_collate = PaddedCollator(0, length=641)
    padded = [padded_collate(examples[i:i + args.padded_rows])
              for i in range(0, len(examples) - args.padded_rows + 1, args.padded_rows)]
    padded = [b | {"n_real": int(b["attention_mask"].sum())} for b in padded]

    model = build_model(config, device, dtype, args.attn)
    n = matmul_params(model)
    results: dict[str, Any] = {}
    engine = start_deepspeed(model, device, args.packed_rows)
    results["packed"] = train_phase(engine, packed, args.steps, args.warmup, device)
    # The padded recipe: a second engine would double the optimizer state; the same engine
    # trains on padded batches (ZeRO-2 does not fix the micro-batch shape).
    results["padded"] = train_phase(engine, padded, args.steps, args.warmup, device)
    model = engine.module
    del engine
    if device == "cuda":
        torch.cuda.empty_cache()
    results["generation"] = generation_phase(model, vocab, args.gen_batch, args.gen_prompt,
                                             args.gen_new, device)

    if args.peak_tflops:
        peak, source = args.peak_tflops * 1e12, "given with --peak-tflops"
    elif device == "cuda":
        name = torch.cuda.get_device_name(0)
        peak, source = next(((v, f"{name} datasheet dense bf16")
                             for k, v in GPU_PEAK_BF16.items() if k in name),
                            (float("nan"), f"{name}: unknown, pass --peak-tflops"))
    else:
        peak, source = float("nan"), "CPU: no datasheet peak (pass --peak-tflops)"
    for name in ("packed", "padded"):
        mfu = 6 * n * results[name]["tokens_per_s"] / peak
        results[name]["mfu"] = round(mfu, 4) if mfu == mfu else None  # None: no known peak
    report = {
        "device": torch.cuda.get_device_name(0) if device == "cuda" else "CPU",
        "model": f"GlmForCausalLM, ChatGLM3-6B shapes, {layers} of 28 layers"
                 if not args.tiny else "GlmForCausalLM, tiny (2 layers, hidden 64)",
        "layers": layers, "attn": args.attn, "params_matmul": n,
        "dtype": str(dtype).removeprefix("torch."),
        "zero_stage": 2, "examples": "real" if args.tokenizer and args.data else "synthetic",
        "mean_example_tokens": round(sum(len(e["input_ids"]) for e in examples) / len(examples),
                                     1),
        **results,
        "packed_over_padded": round(results["packed"]["tokens_per_s"]
                                    / results["padded"]["tokens_per_s"], 2),
        "peak_tflops": round(peak / 1e12, 1) if peak == peak else None, "peak_source": source,
        "mfu_formula": "6 * params_matmul * real_tokens_per_s / peak",
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return report
    print(f"device: {report['device']}; {report['model']}; {n / 1e6:,.1f}M matmul params, "
          f"{report['dtype']}, DeepSpeed ZeRO-2; {report['examples']} examples, mean "
          f"{report['mean_example_tokens']} tokens")
    if not args.tiny and layers < 28:
        print(f"note: {layers} of ChatGLM3-6B's 28 layers fit this GPU's memory for training")
    print(f"{'recipe':<10}{'tokens/s':>11}{'MFU':>8}{'peak GiB':>10}{'loss':>8}")
    for name in ("packed", "padded"):
        r = results[name]
        mfu = f"{r['mfu']:.1%}" if r["mfu"] is not None else "-"
        print(f"{name:<10}{r['tokens_per_s']:>11.1f}{mfu:>8}{r['peak_memory_gib']:>10}"
              f"{r['loss']:>8}")
    g = results["generation"]
    print(f"packed / padded: {report['packed_over_padded']:.2f}x; generation: batch "
          f"{g['batch']}, {g['tokens_per_s']:.1f} new tokens/s, peak {g['peak_memory_gib']} GiB")
    print(f"MFU = 6 * N * tokens/s / peak; N = {n}, peak {report['peak_tflops']} TFLOP/s "
          f"({source})")
    return report


if __name__ == "__main__":
    main()
