"""``sciglm convert chatglm3``'s one config: every option with its default and help, in one
place; the command's click options are derived from it (:func:`sciglm.config.click_options`)."""

from __future__ import annotations

from dataclasses import dataclass

from sciglm.config import option
from sciglm.train.convert_chatglm3 import DEFAULT_SHARD_BYTES, DTYPES

MB = 1024**2


@dataclass
class ConvertChatglm3Config:
    """How an original ChatGLM3 checkpoint is converted."""

    dtype: str | None = option(None, "Save the weights in this dtype (default: the source's).",
                               choices=DTYPES)
    max_shard_size: int = option(DEFAULT_SHARD_BYTES // MB, "Output shard size; peak memory is "
                                 "about the largest source shard plus one output shard.", min=1,
                                 metavar="MB")
    special_tokens_in_text: bool = option(
        False, "Write a tokenizer that turns special-token strings in text into special tokens, "
        "for servers that encode the rendered chat template as one string (vLLM, transformers "
        "serve). Default: text is always encoded as SentencePiece does.")
    tokenizer_only: bool = option(False, "Write only the tokenizer (e.g. a serving tokenizer for "
                                  "vLLM's --tokenizer).")
