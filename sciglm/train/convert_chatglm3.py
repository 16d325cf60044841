"""Convert an original ChatGLM3 checkpoint (``THUDM/chatglm3-6b-base``, remote-code layout) into
transformers' native ``GlmForCausalLM`` plus a fast tokenizer with ChatGLM3's chat format.

The architectures are the same family: ChatGLM3's fused ``query_key_value`` (with bias) splits
into ``q_proj``/``k_proj``/``v_proj`` (2 KV groups), its rotary embedding on the first half of
each head's dimensions, on interleaved pairs, is GLM's ``partial_rotary_factor=0.5`` rotary, and
its SwiGLU ``dense_h_to_4h`` is GLM's fused ``gate_up_proj``. No weight is permuted.

Conversion streams: one source shard is read at a time (``.bin`` shards memory-mapped, safetensors
tensor by tensor) and converted tensors go out in output shards of ``max_shard_size`` bytes, so
peak memory is about the largest source shard plus one output shard, never the whole model.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sciglm.errors import InputError, SciglmError
from sciglm.train.chatglm_tokenizer import CHAT_TEMPLATE, SPECIAL_TOKENS, convert_tokenizer

__all__ = ["CHAT_TEMPLATE", "SPECIAL_TOKENS", "convert", "convert_tokenizer", "glm_config",
           "read_chatglm_config", "write_tokenizer"]

#: Output shard size: 2 GB keeps the buffer small next to a 6B model's 12 GB of bf16 weights.
DEFAULT_SHARD_BYTES = 2 * 1024**3
#: The dtypes the weights can be saved in (default: the source's).
DTYPES = ("bfloat16", "float16", "float32")

_LAYER = re.compile(r"transformer\.encoder\.layers\.(\d+)\.(.+)")
_RENAME = {
    "input_layernorm.weight": "input_layernorm.weight",
    "post_attention_layernorm.weight": "post_attention_layernorm.weight",
    "self_attention.dense.weight": "self_attn.o_proj.weight",
    "mlp.dense_h_to_4h.weight": "mlp.gate_up_proj.weight",
    "mlp.dense_4h_to_h.weight": "mlp.down_proj.weight",
}
_TOP = {
    "transformer.embedding.word_embeddings.weight": "model.embed_tokens.weight",
    "transformer.encoder.final_layernorm.weight": "model.norm.weight",
    "transformer.output_layer.weight": "lm_head.weight",
}
_INDEXES = ("model.safetensors.index.json", "pytorch_model.bin.index.json")


def read_chatglm_config(src: Path) -> dict[str, Any]:
    """The original ``config.json``; refuses ChatGLM variants the native GLM cannot represent."""
    path = src / "config.json"
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", str(path)) from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON ({exc.msg})", str(path), exc.lineno) from exc
    if not isinstance(config, dict) or config.get("model_type") != "chatglm":
        kind = config.get("model_type") if isinstance(config, dict) else None
        raise InputError(f"not a ChatGLM config (model_type {kind!r})", str(path))
    problems = []
    if (config.get("apply_residual_connection_post_layernorm")
            or config.get("post_layer_norm") is False or config.get("rmsnorm") is False
            or config.get("add_bias_linear")):
        problems.append("needs RMSNorm, pre-norm and no linear bias")
    if not config.get("multi_query_attention"):
        problems.append("multi_query_attention is false (ChatGLM3 uses grouped KV heads; the "
                        "per-head interleaved QKV of this variant is not supported)")
    if config.get("pre_seq_len"):
        problems.append(f"p-tuning prefix (pre_seq_len={config['pre_seq_len']}): convert the "
                        "base checkpoint and fine-tune that instead")
    if config.get("quantization_bit"):
        problems.append(f"quantized weights (quantization_bit={config['quantization_bit']}): "
                        "use the unquantized checkpoint")
    missing = [key for key in ("hidden_size", "num_layers", "ffn_hidden_size",
                               "num_attention_heads", "padded_vocab_size") if key not in config]
    if missing:
        problems.append(f"missing keys {missing}")
    if problems:
        raise InputError("unsupported ChatGLM variant: " + "; ".join(problems), str(path))
    return config


def glm_config(chatglm: dict[str, Any]) -> Any:
    """The native ``GlmConfig`` with the same shapes; ``rope_ratio`` scales ``rope_theta``."""
    from transformers import GlmConfig

    heads = chatglm["num_attention_heads"]
    head_dim = chatglm.get("kv_channels") or chatglm["hidden_size"] // heads
    kv_heads = chatglm.get("multi_query_group_num", heads)
    theta = 10000.0 * float(chatglm.get("rope_ratio", 1.0))
    pad = chatglm.get("pad_token_id")
    config = GlmConfig(
        vocab_size=chatglm["padded_vocab_size"],
        hidden_size=chatglm["hidden_size"],
        intermediate_size=chatglm["ffn_hidden_size"],
        num_hidden_layers=chatglm["num_layers"],
        num_attention_heads=heads,
        num_key_value_heads=kv_heads,
        head_dim=head_dim,
        max_position_embeddings=chatglm.get("seq_length", 8192),
        rms_norm_eps=chatglm.get("layernorm_epsilon", 1e-5),
        attention_bias=bool(chatglm.get("add_qkv_bias", True)),
        rope_parameters={"rope_type": "default", "rope_theta": theta, "partial_rotary_factor": 0.5},
        pad_token_id=pad if pad is not None else 0,
        eos_token_id=chatglm.get("eos_token_id", 2),
        bos_token_id=None,
        tie_word_embeddings=False,
        use_cache=True,
    )
    _check_rotary(config, theta, head_dim)
    config.architectures = ["GlmForCausalLM"]
    return config


def _check_rotary(config: Any, theta: float, head_dim: int) -> None:
    """The rotary embedding transformers builds from ``config`` must be ChatGLM3's (base
    ``10000 * rope_ratio`` on half of each head); an old transformers ignores the parameters."""
    import torch
    from transformers.models.glm.modeling_glm import GlmRotaryEmbedding

    rot = head_dim // 2
    expected = 1.0 / (theta ** (torch.arange(0, rot, 2, dtype=torch.float64) / rot))
    got = GlmRotaryEmbedding(config=config).inv_freq.double()
    if got.shape != expected.shape or not torch.allclose(got, expected, rtol=1e-5):
        import transformers

        raise SciglmError(f"transformers {transformers.__version__} does not build ChatGLM3's "
                          f"rotary embedding (base {theta:g}, rope_ratio); upgrade it to the "
                          "version pyproject.toml asks for")


def source_shards(src: Path) -> list[Path]:
    """The weight files in reading order: those named by the index file if there is one, else
    ``*.safetensors``, else ``pytorch_model*.bin``; a shard the index names must exist."""
    for name in _INDEXES:
        index = src / name
        if not index.exists():
            continue
        try:
            weight_map = json.loads(index.read_text(encoding="utf-8"))["weight_map"]
            files = sorted(set(weight_map.values()))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise InputError(f"not a shard index ({exc})", str(index)) from exc
        missing = [f for f in files if not (src / f).is_file()]
        if missing:
            raise InputError(f"shard {missing[0]} named by the index is missing", str(index))
        return [src / f for f in files]
    files = sorted(src.glob("*.safetensors")) or sorted(src.glob("pytorch_model*.bin"))
    if not files:
        raise InputError("no *.safetensors or pytorch_model*.bin weights", str(src))
    return files


def iter_shard(file: Path) -> Iterator[tuple[str, Any]]:
    """(name, tensor) of one shard: safetensors tensor by tensor; ``.bin`` memory-mapped and
    loaded with ``weights_only=True`` (no pickled code runs)."""
    import torch
    from safetensors import safe_open

    try:
        if file.suffix == ".safetensors":
            with safe_open(str(file), framework="pt") as handle:
                for name in handle.keys():
                    yield name, handle.get_tensor(name)
            return
        try:
            state = torch.load(file, map_location="cpu", weights_only=True, mmap=True)
        except RuntimeError:  # legacy (non-zip) serialisation cannot be memory-mapped
            state = torch.load(file, map_location="cpu", weights_only=True)
    except (OSError, RuntimeError, ValueError, EOFError) as exc:
        raise InputError(f"cannot read weights ({str(exc).splitlines()[0][:200]})",
                         str(file)) from exc
    while state:
        name = next(iter(state))
        yield name, state.pop(name)


def convert_tensor(name: str, tensor: Any, config: Any) -> list[tuple[str, Any]]:
    """GLM (name, tensor) pairs for one ChatGLM3 tensor; the fused QKV splits in three."""
    if name.endswith("rotary_pos_emb.inv_freq"):
        return []  # recomputed from the config
    if name in _TOP:
        return [(_TOP[name], tensor)]
    match = _LAYER.fullmatch(name)
    if not match:
        raise SciglmError(f"unexpected tensor {name!r} in a ChatGLM3 checkpoint")
    layer, rest = match.groups()
    prefix = f"model.layers.{layer}."
    if rest in _RENAME:
        return [(prefix + _RENAME[rest], tensor)]
    if rest.startswith("self_attention.query_key_value."):
        kind = rest.rsplit(".", 1)[1]  # weight | bias
        q_size = config.num_attention_heads * config.head_dim
        kv_size = config.num_key_value_heads * config.head_dim
        if tensor.shape[0] != q_size + 2 * kv_size:
            raise SciglmError(f"{name} has {tensor.shape[0]} rows, expected {q_size + 2 * kv_size}")
        parts = tensor.split([q_size, kv_size, kv_size], dim=0)
        return [(f"{prefix}self_attn.{proj}.{kind}", part.contiguous())
                for proj, part in zip(("q_proj", "k_proj", "v_proj"), parts, strict=True)]
    raise SciglmError(f"unexpected tensor {name!r} in a ChatGLM3 checkpoint")


class ShardWriter:
    """Buffers tensors and writes ``model-XXXXX-of-YYYYY.safetensors`` files of at most
    ``max_bytes`` each (a single larger tensor gets a shard of its own), then the index."""

    def __init__(self, dst: Path, max_bytes: int) -> None:
        self.dst, self.max_bytes = dst, max_bytes
        self.buffer: dict[str, Any] = {}
        self.buffered = 0
        self.written: list[tuple[Path, list[str]]] = []
        self.total = 0

    def add(self, name: str, tensor: Any) -> None:
        size = tensor.numel() * tensor.element_size()
        if self.buffer and self.buffered + size > self.max_bytes:
            self.flush()
        self.buffer[name] = tensor
        self.buffered += size
        self.total += size

    def flush(self) -> None:
        from safetensors.torch import save_file

        if not self.buffer:
            return
        part = self.dst / f".part-{len(self.written) + 1:05d}.safetensors"
        save_file(self.buffer, str(part), metadata={"format": "pt"})
        self.written.append((part, list(self.buffer)))
        self.buffer, self.buffered = {}, 0

    def finish(self) -> None:
        """Name the shards and write the index (a single shard is ``model.safetensors``)."""
        self.flush()
        count = len(self.written)
        if count == 1:
            os.replace(self.written[0][0], self.dst / "model.safetensors")
            return
        weight_map = {}
        for number, (part, names) in enumerate(self.written, start=1):
            final = f"model-{number:05d}-of-{count:05d}.safetensors"
            os.replace(part, self.dst / final)
            weight_map |= dict.fromkeys(names, final)
        index = {"metadata": {"total_size": self.total}, "weight_map": dict(sorted(
            weight_map.items()))}
        (self.dst / "model.safetensors.index.json").write_text(json.dumps(index, indent=2) + "\n")


def _check_destination(src: Path, dst: Path) -> None:
    """Refuse to write over the source or over another checkpoint; clear our own old output."""
    if dst.exists() and not dst.is_dir():
        raise InputError("destination exists and is not a folder", str(dst))
    if dst.resolve() == src.resolve() or (dst.exists() and os.path.samefile(src, dst)):
        raise InputError("destination is the source folder; choose a new folder", str(dst))
    config = dst / "config.json"
    weights = [*dst.glob("model*.safetensors"), *dst.glob("model.safetensors.index.json")]
    if config.exists():
        try:
            kind = json.loads(config.read_text(encoding="utf-8")).get("model_type")
        except (OSError, ValueError, AttributeError):
            kind = None
        if kind != "glm":
            raise InputError(f"destination holds another checkpoint (model_type {kind!r}); "
                             "choose a new folder", str(dst))
    elif weights:
        raise InputError("destination holds weights without a config.json; choose a new "
                         "folder", str(dst))
    dst.mkdir(parents=True, exist_ok=True)
    for old in [*weights, *dst.glob(".part-*.safetensors")]:  # an earlier conversion's
        old.unlink()


def _expected_shapes(config: Any) -> dict[str, tuple[int, ...]]:
    """Names and shapes of every ``GlmForCausalLM`` parameter (built on the meta device)."""
    import torch
    from transformers import GlmForCausalLM

    with torch.device("meta"):
        model = GlmForCausalLM(config)
    return {name: tuple(t.shape) for name, t in model.state_dict().items()}


def _own(new: Any, source: Any, mapped: bool) -> Any:
    """``new`` in memory of its own: a QKV part (a view) or a tensor of a memory-mapped ``.bin``
    shard is copied, so the output buffer never pins the source shard."""
    shares = new.untyped_storage().data_ptr() == source.untyped_storage().data_ptr()
    return new.clone() if shares and (mapped or new is not source) else new


def _convert_shards(shards: list[Path], config: Any, expected: dict[str, tuple[int, ...]],
                    target: Any, writer: ShardWriter,
                    progress: Callable[[int, int], None] | None) -> dict[str, Any]:
    """Feed every converted tensor to ``writer``, shard by shard; returns {name: source dtype}."""
    seen: dict[str, Any] = {}
    for done, file in enumerate(shards, start=1):
        for name, tensor in iter_shard(file):
            for new_name, new in convert_tensor(name, tensor, config):
                if new_name in seen:
                    raise SciglmError(f"{file}: tensor {name!r} appears twice")
                if tuple(new.shape) != expected.get(new_name, tuple(new.shape)):
                    raise SciglmError(f"{file}: {name} has shape {tuple(new.shape)}, the config "
                                      f"gives {expected[new_name]}")
                seen[new_name] = new.dtype
                new = new.to(target) if target is not None else new
                writer.add(new_name, _own(new, tensor, mapped=file.suffix != ".safetensors"))
            del tensor
        if progress is not None:
            progress(done, len(shards))
    return seen


def convert(src: str | Path, dst: str | Path, dtype: str | None = None, *,
            max_shard_size: int = DEFAULT_SHARD_BYTES, special_tokens_in_text: bool = False,
            progress: Callable[[int, int], None] | None = None) -> Path:
    """Write a native GLM folder (config, safetensors shards + index, tokenizer) for ``src``
    into ``dst``, one source shard at a time; returns ``dst``.

    ``dtype`` ("bfloat16", "float16", "float32") casts the weights (default: the source's).
    ``progress(done, total)`` is called after each source shard. ``special_tokens_in_text``
    writes the tokenizer for string-based servers (see :func:`convert_tokenizer`).
    """
    import torch

    src, dst = Path(src), Path(dst)
    if dtype is not None and dtype not in DTYPES:
        raise InputError(f"unknown dtype {dtype!r} ({', '.join(DTYPES)})", str(dst))
    chatglm = read_chatglm_config(src)
    config = glm_config(chatglm)
    shards = source_shards(src)
    _check_destination(src, dst)
    expected = _expected_shapes(config)
    target = getattr(torch, dtype) if dtype else None
    writer = ShardWriter(dst, max_shard_size)
    try:
        seen = _convert_shards(shards, config, expected, target, writer, progress)
        missing = sorted(set(expected) - set(seen))
        if missing:
            raise SciglmError(f"{src}: checkpoint lacks {len(missing)} tensor(s), e.g. "
                              f"{missing[0]}")
        writer.finish()
    except BaseException:
        for part in dst.glob(".part-*.safetensors"):  # half a conversion is of no use
            part.unlink()
        raise
    source_dtypes = sorted({str(d).removeprefix("torch.") for d in seen.values()})
    config.dtype = dtype or (source_dtypes[0] if len(source_dtypes) == 1 else "float32")
    config.save_pretrained(dst)
    _write_tokenizer_and_generation(src, dst, config, special_tokens_in_text)
    return dst


def write_tokenizer(src: str | Path, dst: str | Path,
                    special_tokens_in_text: bool = False) -> Path:
    """Only the converted tokenizer of ``src`` into ``dst`` (e.g. a serving tokenizer)."""
    src, dst = Path(src), Path(dst)
    if dst.exists() and dst.resolve() == src.resolve():
        raise InputError("destination is the source folder; choose a new folder", str(dst))
    tokenizer = convert_tokenizer(src, special_tokens_in_text=special_tokens_in_text)
    dst.mkdir(parents=True, exist_ok=True)
    tokenizer.save_pretrained(dst)
    return dst


def _write_tokenizer_and_generation(src: Path, dst: Path, config: Any,
                                    special_tokens_in_text: bool) -> None:
    """The converted tokenizer (if ``tokenizer.model`` is there) and the generation config:
    stop at ``</s>``, ``<|user|>`` or ``<|observation|>`` like upstream's ``chat``."""
    from transformers import GenerationConfig

    generation = GenerationConfig(eos_token_id=config.eos_token_id,
                                  pad_token_id=config.pad_token_id)
    if (src / "tokenizer.model").exists():
        tokenizer = convert_tokenizer(src, special_tokens_in_text=special_tokens_in_text)
        tokenizer.save_pretrained(dst)
        stops = tokenizer.convert_tokens_to_ids(["<|user|>", "<|observation|>"])
        generation.eos_token_id = [tokenizer.eos_token_id, *stops]
        generation.pad_token_id = tokenizer.pad_token_id
    generation.save_pretrained(dst)
