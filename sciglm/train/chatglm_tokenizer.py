"""ChatGLM3's SentencePiece tokenizer as a fast ``tokenizers`` tokenizer, and chat encoding that
puts special tokens only where the chat template writes them.

Upstream (``THUDM/chatglm3-6b`` ``tokenization_chatglm.py``) encodes any text with SentencePiece
alone: ``[gMASK]``, ``sop`` or ``<|assistant|>`` typed in text stay text, and ``tokenizer(text)``
prefixes ``[gMASK] sop`` (``build_inputs_with_special_tokens``; pairs end with ``</s>``). The
converted tokenizer does the same: its special tokens are never matched in text
(``split_special_tokens=True``; otherwise ``sop``/``eop`` would match inside "people" or
"Aesop"), the ``[gMASK] sop`` prefix comes from the post-processor with ``add_special_tokens``,
and chats are encoded by :func:`encode_chat`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sciglm.errors import InputError, SciglmError

#: Special tokens appended after the SentencePiece vocabulary, in ChatGLM3's order.
SPECIAL_TOKENS = ["[MASK]", "[gMASK]", "[sMASK]", "sop", "eop", "<|system|>", "<|user|>",
                  "<|assistant|>", "<|observation|>"]
#: ChatGLM3's chat format, as upstream ``build_chat_input`` and its fine-tuning code build it:
#: ``[gMASK] sop``, then per message ``<|role|>`` + encode("\n") + encode(content); the
#: generation prompt ends at ``<|assistant|>`` (the model writes the "\n" itself).
CHAT_TEMPLATE = (
    "{% for message in messages %}{% if loop.first %}[gMASK]sop{% endif %}"
    "<|{{ message['role'] }}|>\n {{ message['content'] }}{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>{% endif %}"
)
#: Private-use markers that wrap special-token strings found in message text while rendering.
_OPEN, _CLOSE = "\U000f0000", "\U000f0001"


def read_spm(model_file: Path) -> Any:
    """The ``ModelProto`` of a SentencePiece BPE model file."""
    from sentencepiece import sentencepiece_model_pb2

    proto = sentencepiece_model_pb2.ModelProto()
    try:
        proto.ParseFromString(model_file.read_bytes())
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", str(model_file)) from exc
    except Exception as exc:  # noqa: BLE001 - protobuf raises its own DecodeError
        raise InputError(f"not a SentencePiece model ({exc})", str(model_file)) from exc
    if not proto.pieces:
        raise InputError("not a SentencePiece model (no pieces)", str(model_file))
    if proto.trainer_spec.model_type != 2:
        raise InputError("expected a SentencePiece BPE model (ChatGLM3's)", str(model_file))
    return proto


def bpe_merges(proto: Any) -> list[tuple[str, str]]:
    """SentencePiece BPE as merges: a piece's rank is its id, and every split of an ordinary
    piece into two pieces of the vocabulary is a merge of that rank (control, byte and unknown
    pieces are never produced by merging, as in SentencePiece)."""
    vocab = {p.piece: i for i, p in enumerate(proto.pieces)}
    merges = []
    for piece in proto.pieces:
        if piece.type != 1:  # NORMAL
            continue
        word = piece.piece
        splits = [(word[:k], word[k:]) for k in range(1, len(word))
                  if word[:k] in vocab and word[k:] in vocab]
        merges += sorted(splits, key=lambda pair: (vocab[pair[0]], vocab[pair[1]]))
    return merges


def spm_backend(model_file: Path) -> tuple[Any, Any]:
    """A ``tokenizers`` BPE equivalent of a SentencePiece BPE model (byte fallback, dummy prefix,
    its normalizer), built from the model's pieces; returns ``(backend, proto)``."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers

    proto = read_spm(model_file)
    vocab = {p.piece: i for i, p in enumerate(proto.pieces)}
    unk = proto.pieces[proto.trainer_spec.unk_id].piece
    backend = Tokenizer(models.BPE(vocab=vocab, merges=bpe_merges(proto), unk_token=unk,
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


def convert_tokenizer(src: Path, special_tokens_in_text: bool = False) -> Any:
    """A fast tokenizer from ChatGLM3's ``tokenizer.model``: SentencePiece's ids, the special
    tokens at upstream's ids, ``[gMASK] sop`` added with ``add_special_tokens`` and the chat
    template.

    ``special_tokens_in_text=True`` is for servers that encode the rendered chat template as one
    string (vLLM, ``transformers serve``): special-token strings in text then become special
    tokens (user text can write role tokens). Wherever they are read from text (also with
    ``split_special_tokens=False`` per call), ``sop``/``eop`` match only as whole words.
    """
    from tokenizers import AddedToken, processors
    from transformers import PreTrainedTokenizerFast

    model_file = src / "tokenizer.model"
    if not model_file.exists():
        raise InputError("no tokenizer.model (ChatGLM3's SentencePiece model)", str(src))
    backend, proto = spm_backend(model_file)
    pieces = [p.piece for p in proto.pieces]
    unk = pieces[proto.trainer_spec.unk_id]
    eos_id = proto.trainer_spec.eos_id
    if not 0 <= eos_id < len(pieces):
        raise InputError("the SentencePiece model has no end-of-sequence piece", str(model_file))
    eos = pieces[eos_id]
    base = len(pieces)
    # Whole-word matching keeps "people" intact wherever special tokens are read from text
    # (the serving tokenizer, or a caller passing split_special_tokens=False).
    added = [AddedToken(t, special=True, normalized=False, single_word=t in ("sop", "eop"))
             for t in SPECIAL_TOKENS]
    backend.add_special_tokens(added)
    ids = [backend.token_to_id(t) for t in SPECIAL_TOKENS]
    if ids != list(range(base, base + len(SPECIAL_TOKENS))):
        raise SciglmError(f"special tokens landed at ids {ids}, expected from {base}")
    gmask, sop = ids[1], ids[3]
    backend.post_processor = processors.TemplateProcessing(
        single="[gMASK] sop $A", pair=f"[gMASK] sop $A $B {eos}",
        special_tokens=[("[gMASK]", gmask), ("sop", sop), (eos, eos_id)])
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=backend, unk_token=unk, eos_token=eos, pad_token=unk,
        clean_up_tokenization_spaces=False, split_special_tokens=not special_tokens_in_text,
        additional_special_tokens=SPECIAL_TOKENS)
    tokenizer.chat_template = CHAT_TEMPLATE
    return tokenizer


def _control_tokens(tokenizer: Any) -> list[str]:
    """Every added token's text (special or not), longest first."""
    found = {token.content for token in tokenizer.added_tokens_decoder.values()}
    return sorted((t for t in found if t and not t.isspace()), key=len, reverse=True)


def _mark(value: Any, pattern: re.Pattern[str]) -> Any:
    """Wrap special-token strings in message text with the private markers (recursively)."""
    if isinstance(value, str):
        value = value.replace(_OPEN, "").replace(_CLOSE, "")
        return pattern.sub(lambda m: _OPEN + m.group(0) + _CLOSE, value)
    if isinstance(value, dict):
        return {key: _mark(item, pattern) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_mark(item, pattern) for item in value]
    return value


def encode_chat(tokenizer: Any, messages: Iterable[dict[str, Any]],
                add_generation_prompt: bool = False) -> list[int]:
    """Token ids of ``messages`` rendered with the tokenizer's chat template, with special tokens
    only where the template writes them: the same strings inside message text stay text.

    Works for any tokenizer with a chat template and on every transformers version: the text
    between the template's special tokens is encoded as plain text, in one piece, so
    SentencePiece's dummy prefix and merges fall exactly as when the whole string is encoded.
    For the converted ChatGLM3 tokenizer this equals upstream's ``build_chat_input`` (and, for
    assistant turns, its fine-tuning format ``<|assistant|>`` + encode("\\n") + encode(text)).
    """
    tokens = _control_tokens(tokenizer)
    if not tokens:
        rendered = tokenizer.apply_chat_template(list(messages), tokenize=False,
                                                 add_generation_prompt=add_generation_prompt)
        return list(tokenizer(rendered, add_special_tokens=False)["input_ids"])
    alternatives = "|".join(map(re.escape, tokens))
    rendered = tokenizer.apply_chat_template(
        _mark(list(messages), re.compile(alternatives)), tokenize=False,
        add_generation_prompt=add_generation_prompt)
    # A marked span (text) is consumed whole; an unmarked token is one the template wrote.
    scanner = re.compile(f"{_OPEN}(?:{alternatives}){_CLOSE}|({alternatives})")
    ids: list[int] = []
    pos = 0
    for match in scanner.finditer(rendered):
        if match.group(1) is None:
            continue
        ids += _plain(tokenizer, rendered[pos:match.start()])
        ids.append(tokenizer.convert_tokens_to_ids(match.group(1)))
        pos = match.end()
    return ids + _plain(tokenizer, rendered[pos:])


def _plain(tokenizer: Any, text: str) -> list[int]:
    """``text`` (markers removed) encoded with no special token matched or added."""
    text = text.replace(_OPEN, "").replace(_CLOSE, "")
    if not text:
        return []
    return list(tokenizer(text, add_special_tokens=False,
                          split_special_tokens=True)["input_ids"])
