"""``sciglm convert``: checkpoint conversions (ChatGLM3 → native GLM)."""

from __future__ import annotations

import contextlib
import sys
from typing import Any

import click

from sciglm.cli.common import console, progress_bar
from sciglm.config import click_options, from_values
from sciglm.train.convert_config import MB, ConvertChatglm3Config


@click.group()
def convert() -> None:
    """Convert checkpoints into formats maintained transformers code can train and serve.

    \b
    Example:
      sciglm convert chatglm3 ~/models/chatglm3-6b-base ~/models/chatglm3-6b-base-glm
    """


@convert.command("chatglm3")
@click.argument("src", type=click.Path(file_okay=False, exists=True))
@click.argument("dst", type=click.Path(file_okay=False))
@click_options(ConvertChatglm3Config)
def chatglm3(src: str, dst: str, **values: Any) -> None:
    """Convert an original ChatGLM3 checkpoint SRC (e.g. a download of THUDM/chatglm3-6b-base:
    config.json, weights with their index, tokenizer.model) into DST: transformers'
    GlmForCausalLM plus a fast tokenizer with ChatGLM3's chat format. No trust_remote_code is
    needed afterwards. Streams shard by shard (about 4 GB of memory for the 6B with the default
    shard size); SRC and DST must differ.

    \b
    Example:
      sciglm convert chatglm3 chatglm3-6b-base/ chatglm3-6b-base-glm/ --dtype bfloat16
      sciglm train --data mix/ --model chatglm3-6b-base-glm/ --output runs/sciglm
      sciglm convert chatglm3 chatglm3-6b-base/ serve-tokenizer/ --tokenizer-only \\
          --special-tokens-in-text
    """
    from sciglm.train.convert_chatglm3 import convert as run
    from sciglm.train.convert_chatglm3 import write_tokenizer

    config = from_values(ConvertChatglm3Config, values)
    special_tokens_in_text = config.special_tokens_in_text
    if config.tokenizer_only:
        out = write_tokenizer(src, dst, special_tokens_in_text=special_tokens_in_text)
        console.print(f"wrote the ChatGLM3 tokenizer of {src} to {out}")
        click.echo(str(out))
        return

    # Libraries print (DeepSpeed's accelerator notice, …); stdout is for the result.
    with contextlib.redirect_stdout(sys.stderr), progress_bar("converting shards", None) as bar:
        out = run(src, dst, config.dtype, max_shard_size=config.max_shard_size * MB,
                  special_tokens_in_text=special_tokens_in_text,
                  progress=lambda done, total: bar.advance(1, f"{done}/{total}"))
    console.print(f"converted {src} -> {out} (GlmForCausalLM)")
    click.echo(str(out))
