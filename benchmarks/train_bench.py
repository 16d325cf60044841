"""Packed vs. pad-to-641 training throughput, counting only real (non-pad) tokens.

The original SciGLM script padded every example to 641 tokens (128 source + 512 target + 1);
sciglm packs whole examples into 640-token rows with position ids reset per example. Both run
forward + backward + AdamW on the same GSM8K examples and the same tiny Llama (built from
config: no download), batch 4 rows. Also prints the model FLOPs utilization used for GPU runs,
MFU = 6 · N · tokens / seconds / peak FLOP/s, for the device it runs on.

    .venv/bin/python benchmarks/train_bench.py --steps 10
    .venv/bin/python benchmarks/train_bench.py --device cuda --hidden 1024 --layers 8 --json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sciglm.train.data import encode_example, ensure_chat_template  # noqa: E402
from sciglm.train.packing import PackedCollator, PaddedCollator, pack_examples  # noqa: E402

#: Dense peak FLOP/s (no sparsity) by GPU name fragment, for the dtype the bench trains in.
GPU_PEAK_BF16 = {"H200": 989e12, "H100": 989e12, "A100": 312e12, "A10G": 125e12,
                 "L40S": 362e12, "L4": 121e12, "A6000": 155e12, "4090": 165e12, "V100": 125e12}


def load_examples(data: Path, tokenizer, count: int) -> list[dict[str, list[int]]]:
    """GSM8K question/solution pairs rendered and tokenized as ``sciglm train`` does."""
    examples = []
    with open(data, encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            examples.append(encode_example(tokenizer, row["question"], row["answer"], 128, 512))
            if len(examples) == count:
                break
    return examples


def tiny_model(vocab: int, hidden: int, layers: int, device: str):
    """A Llama of the given width and depth with random weights."""
    from transformers import AutoModelForCausalLM, LlamaConfig

    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=vocab, hidden_size=hidden, intermediate_size=hidden * 8 // 3,
                         num_hidden_layers=layers, num_attention_heads=max(hidden // 64, 1),
                         num_key_value_heads=max(hidden // 64, 1), max_position_embeddings=2048,
                         tie_word_embeddings=True, use_cache=False)
    return AutoModelForCausalLM.from_config(config, attn_implementation="sdpa").to(device)


def real_tokens(batch: dict[str, torch.Tensor]) -> int:
    """Non-pad tokens: the attention mask, or for packed rows everything but the tail padding."""
    if "attention_mask" in batch:
        return int(batch["attention_mask"].sum())
    return int(batch["n_real"])


def run(model, batches: list[dict], steps: int, warmup: int, device: str) -> tuple[int, float]:
    """(real tokens, seconds) over ``steps`` optimizer steps after ``warmup`` untimed ones."""
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4)
    autocast = torch.autocast("cuda", dtype=torch.bfloat16) if device == "cuda" else \
        torch.autocast("cpu", enabled=False)
    tokens, start = 0, 0.0
    for step in range(warmup + steps):
        if step == warmup:
            if device == "cuda":
                torch.cuda.synchronize()
            start = time.perf_counter()
        batch = batches[step % len(batches)]
        inputs = {k: v.to(device) for k, v in batch.items() if k != "n_real"}
        with autocast:
            loss = model(**inputs).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        if step >= warmup:
            tokens += real_tokens(batch)
    if device == "cuda":
        torch.cuda.synchronize()
    return tokens, time.perf_counter() - start


def peak_flops(device: str, override: float | None) -> tuple[float, str]:
    """Peak FLOP/s: ``--peak-tflops``, a GPU's datasheet bf16 figure, or a measured CPU matmul."""
    if override:
        return override * 1e12, "given with --peak-tflops"
    if device == "cuda":
        name = torch.cuda.get_device_name(0)
        for fragment, flops in GPU_PEAK_BF16.items():
            if fragment in name:
                return flops, f"{name} datasheet dense bf16"
        return float("nan"), f"{name}: unknown, pass --peak-tflops"
    a, b = torch.randn(2048, 2048), torch.randn(2048, 2048)
    a @ b
    start = time.perf_counter()
    for _ in range(5):
        a @ b
    seconds = time.perf_counter() - start
    threads = torch.get_num_threads()
    return 5 * 2 * 2048**3 / seconds, f"measured fp32 2048² matmul on {threads} threads"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared/data/gsm8k/test.jsonl")
    parser.add_argument("--examples", type=int, default=400)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--peak-tflops", type=float, default=None)
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    args = parser.parse_args()

    from transformers import AutoTokenizer

    from sciglm.models.embedded import embedded_model_dir

    tokenizer = AutoTokenizer.from_pretrained(embedded_model_dir())
    ensure_chat_template(tokenizer)
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    examples = load_examples(args.data, tokenizer, args.examples)
    padded_collate = PaddedCollator(pad, length=641)
    padded = [padded_collate(examples[i:i + args.batch])
              for i in range(0, len(examples) - args.batch + 1, args.batch)]
    rows = pack_examples(examples, 640)
    packed_collate = PackedCollator(pad)
    packed = []
    for i in range(0, len(rows) - args.batch + 1, args.batch):
        chunk = rows[i:i + args.batch]
        packed.append(packed_collate(chunk) | {"n_real": sum(len(r["input_ids"]) for r in chunk)})

    model = tiny_model(len(tokenizer), args.hidden, args.layers, args.device)
    params = sum(p.numel() for p in model.parameters())
    results = {}
    for name, batches in (("pad-to-641", padded), ("packed-640", packed)):
        tokens, seconds = run(model, batches, args.steps, args.warmup, args.device)
        results[name] = {"real_tokens": tokens, "seconds": round(seconds, 3),
                         "tokens_per_s": round(tokens / seconds, 1)}
    peak, source = peak_flops(args.device, args.peak_tflops)
    for result in results.values():
        result["mfu"] = round(6 * params * result["tokens_per_s"] / peak, 4)
    mean_len = sum(len(e["input_ids"]) for e in examples) / len(examples)
    report = {
        "device": torch.cuda.get_device_name(0) if args.device == "cuda" else
        f"CPU ({torch.get_num_threads()} threads)",
        "params": params, "examples": len(examples), "mean_example_tokens": round(mean_len, 1),
        "packed_rows": len(rows), "steps": args.steps, "batch_rows": args.batch, **results,
        "speedup": round(results["packed-640"]["tokens_per_s"]
                         / results["pad-to-641"]["tokens_per_s"], 2),
        "peak_tflops": round(peak / 1e12, 3), "peak_source": source,
        "mfu_formula": "6 * params * real_tokens_per_s / peak_flops",
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"device: {report['device']}; model: {params / 1e6:.1f}M params (Llama, "
          f"{args.layers} layers, hidden {args.hidden}); {len(examples)} GSM8K examples, "
          f"mean {mean_len:.0f} tokens; batch {args.batch} rows, {args.steps} timed steps")
    print(f"{'layout':<12}{'real tokens':>12}{'seconds':>10}{'tokens/s':>11}{'MFU':>9}")
    for name, result in results.items():
        print(f"{name:<12}{result['real_tokens']:>12}{result['seconds']:>10.2f}"
              f"{result['tokens_per_s']:>11.1f}{result['mfu']:>9.2%}")
    print(f"packed / padded: {report['speedup']:.2f}x (goal >= 2x)")
    print(f"MFU = 6 * N * tokens/s / peak; N = {params}, peak = {report['peak_tflops']} TFLOP/s "
          f"({source})")


if __name__ == "__main__":
    main()
