"""Convert an original ChatGLM3 checkpoint (``THUDM/chatglm3-6b-base``, remote-code layout) into
transformers' native ``GlmForCausalLM`` plus a fast tokenizer with ChatGLM3's chat format.

The architectures are the same family: ChatGLM3's fused ``query_key_value`` (with bias) splits
into ``q_proj``/``k_proj``/``v_proj`` (2 KV groups), its rotary embedding on the first half of
each head's dimensions, on interleaved pairs, is GLM's ``partial_rotary_factor=0.5`` rotary, and
its SwiGLU ``dense_h_to_4h`` is GLM's fused ``gate_up_proj``. No weight is permuted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sciglm.errors import InputError, SciglmError

#: ChatGLM3's chat format: ``[gMASK]sop<|user|>\n question<|assistant|>``.
CHAT_TEMPLATE = (
    "{% for message in messages %}{% if loop.first %}[gMASK]sop{% endif %}"
    "<|{{ message['role'] }}|>\n {{ message['content'] }}{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>{% endif %}"
)
#: Special tokens appended after the SentencePiece vocabulary, in ChatGLM3's order.
SPECIAL_TOKENS = ["[MASK]", "[gMASK]", "[sMASK]", "sop", "eop", "<|system|>", "<|user|>",
                  "<|assistant|>", "<|observation|>"]

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


def read_chatglm_config(src: Path) -> dict[str, Any]:
    """The original ``config.json``; checks that it is a ChatGLM config we can map."""
    path = src / "config.json"
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", str(path)) from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON ({exc.msg})", str(path), exc.lineno) from exc
    if config.get("model_type") != "chatglm":
        kind = config.get("model_type")
        raise InputError(f"not a ChatGLM config (model_type {kind!r})", str(path))
    unsupported = (config.get("apply_residual_connection_post_layernorm")
                   or config.get("post_layer_norm") is False
                   or config.get("rmsnorm") is False or config.get("add_bias_linear"))
    if unsupported:
        raise InputError("unsupported ChatGLM variant (needs RMSNorm, pre-norm, no linear bias)",
                         str(path))
    return config


def glm_config(chatglm: dict[str, Any]) -> Any:
    """The native ``GlmConfig`` with the same shapes."""
    from transformers import GlmConfig

    heads = chatglm["num_attention_heads"]
    head_dim = chatglm.get("kv_channels") or chatglm["hidden_size"] // heads
    kv_heads = chatglm.get("multi_query_group_num", heads) if chatglm.get(
        "multi_query_attention") else heads
    theta = 10000.0 * float(chatglm.get("rope_ratio", 1.0))
    pad = chatglm.get("pad_token_id")
    eos = chatglm.get("eos_token_id", 2)
    return GlmConfig(
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
        eos_token_id=eos,
        bos_token_id=None,
        tie_word_embeddings=False,
        use_cache=True,
    )


def iter_source_tensors(src: Path) -> Iterator[tuple[str, Any]]:
    """(name, tensor) from ``*.safetensors`` or, failing that, ``pytorch_model*.bin`` (loaded
    with ``weights_only=True``: no pickled code runs)."""
    import torch
    from safetensors import safe_open

    files = sorted(src.glob("*.safetensors"))
    if files:
        for file in files:
            with safe_open(str(file), framework="pt") as handle:
                for name in handle.keys():
                    yield name, handle.get_tensor(name)
        return
    files = sorted(src.glob("pytorch_model*.bin"))
    if not files:
        raise InputError("no *.safetensors or pytorch_model*.bin weights", str(src))
    for file in files:
        for name, tensor in torch.load(file, map_location="cpu", weights_only=True).items():
            yield name, tensor


def convert_state_dict(tensors: Iterator[tuple[str, Any]], config: Any) -> dict[str, Any]:
    """Rename ChatGLM3 tensors to GLM names; split the fused QKV (weights and bias)."""
    head_dim = config.head_dim
    q_size = config.num_attention_heads * head_dim
    kv_size = config.num_key_value_heads * head_dim
    out: dict[str, Any] = {}
    for name, tensor in tensors:
        if name.endswith("rotary_pos_emb.inv_freq"):
            continue  # recomputed from the config
        if name in _TOP:
            out[_TOP[name]] = tensor
            continue
        match = _LAYER.fullmatch(name)
        if not match:
            raise SciglmError(f"unexpected tensor {name!r} in a ChatGLM3 checkpoint")
        layer, rest = match.groups()
        prefix = f"model.layers.{layer}."
        if rest in _RENAME:
            out[prefix + _RENAME[rest]] = tensor
        elif rest.startswith("self_attention.query_key_value."):
            kind = rest.rsplit(".", 1)[1]  # weight | bias
            q, k, v = tensor.split([q_size, kv_size, kv_size], dim=0)
            for proj, part in (("q_proj", q), ("k_proj", k), ("v_proj", v)):
                out[f"{prefix}self_attn.{proj}.{kind}"] = part.contiguous()
        else:
            raise SciglmError(f"unexpected tensor {name!r} in a ChatGLM3 checkpoint")
    return out


def spm_backend(model_file: Path) -> Any:
    """A ``tokenizers`` BPE equivalent of a SentencePiece BPE model (byte fallback, dummy prefix,
    its normalizer), built from the model's pieces."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers
    from transformers.convert_slow_tokenizer import SentencePieceExtractor

    extractor = SentencePieceExtractor(str(model_file))
    proto = extractor.proto
    if proto.trainer_spec.model_type != 2:
        raise InputError("expected a SentencePiece BPE model (ChatGLM3's)", str(model_file))
    parts = extractor.extract(None)
    unk = proto.pieces[proto.trainer_spec.unk_id].piece
    backend = Tokenizer(models.BPE(vocab=parts["vocab"], merges=parts["merges"], unk_token=unk,
                                   fuse_unk=True, byte_fallback=proto.trainer_spec.byte_fallback))
    spec = proto.normalizer_spec
    steps = []
    if spec.precompiled_charsmap:
        steps.append(normalizers.Precompiled(spec.precompiled_charsmap))
    if spec.remove_extra_whitespaces:
        steps += [normalizers.Strip(), normalizers.Replace(Regex(" {2,}"), " ")]
    if spec.add_dummy_prefix:
        steps.append(normalizers.Prepend("\u2581"))
    steps.append(normalizers.Replace(" ", "\u2581"))
    backend.normalizer = normalizers.Sequence(steps)
    decode = [decoders.Replace("\u2581", " "), decoders.ByteFallback(), decoders.Fuse()]
    if spec.add_dummy_prefix:
        decode.append(decoders.Strip(content=" ", left=1))
    backend.decoder = decoders.Sequence(decode)
    return backend, proto


def convert_tokenizer(src: Path) -> Any:
    """A fast tokenizer from ChatGLM3's SentencePiece ``tokenizer.model`` with its special
    tokens at the same ids and its chat template."""
    from transformers import PreTrainedTokenizerFast

    model_file = src / "tokenizer.model"
    if not model_file.exists():
        raise InputError("no tokenizer.model (ChatGLM3's SentencePiece model)", str(src))
    backend, proto = spm_backend(model_file)
    pieces = [p.piece for p in proto.pieces]
    unk = pieces[proto.trainer_spec.unk_id]
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=backend, unk_token=unk, eos_token="</s>",
                                        pad_token=unk, clean_up_tokenization_spaces=False)
    tokenizer.add_special_tokens({"additional_special_tokens": SPECIAL_TOKENS})
    base = len(pieces)
    ids = tokenizer.convert_tokens_to_ids(SPECIAL_TOKENS)
    if ids != list(range(base, base + len(SPECIAL_TOKENS))):
        raise SciglmError(f"special tokens landed at ids {ids}, expected from {base}")
    tokenizer.chat_template = CHAT_TEMPLATE
    return tokenizer


def convert(src: str | Path, dst: str | Path, dtype: str | None = None) -> Path:
    """Write a native GLM folder (config, safetensors, tokenizer) for ``src`` into ``dst``."""
    import torch
    from transformers import GlmForCausalLM

    src, dst = Path(src), Path(dst)
    chatglm = read_chatglm_config(src)
    config = glm_config(chatglm)
    state = convert_state_dict(iter_source_tensors(src), config)
    source_dtype = next(iter(state.values())).dtype
    target_dtype = getattr(torch, dtype) if dtype else source_dtype
    with torch.device("meta"):
        model = GlmForCausalLM(config)
    missing = sorted(set(model.state_dict()) - set(state))
    if missing:
        raise SciglmError(f"{src}: checkpoint lacks {len(missing)} tensor(s), e.g. {missing[0]}")
    model.load_state_dict({k: v.to(target_dtype) for k, v in state.items()}, strict=True,
                          assign=True)
    model.config.dtype = target_dtype
    dst.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(dst, max_shard_size="4GB")
    if (src / "tokenizer.model").exists():
        tokenizer = convert_tokenizer(src)
        tokenizer.save_pretrained(dst)
        stops = tokenizer.convert_tokens_to_ids(["<|user|>", "<|observation|>"])
        model.generation_config.eos_token_id = [tokenizer.eos_token_id, *stops]
        model.generation_config.pad_token_id = tokenizer.pad_token_id
        model.generation_config.save_pretrained(dst)
    return dst
