"""``sciglm convert``: checkpoint conversions (ChatGLM3 → native GLM)."""

from __future__ import annotations

import click

from sciglm.cli.common import console


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
@click.option("--dtype", type=click.Choice(["bfloat16", "float16", "float32"]),
              help="Save the weights in this dtype (default: the source's).")
def chatglm3(src: str, dst: str, dtype: str | None) -> None:
    """Convert an original ChatGLM3 checkpoint SRC (e.g. a download of THUDM/chatglm3-6b-base:
    config.json, weights, tokenizer.model) into DST: transformers' GlmForCausalLM plus a fast
    tokenizer with ChatGLM3's chat format. No trust_remote_code is needed afterwards.

    \b
    Example:
      sciglm convert chatglm3 chatglm3-6b-base/ chatglm3-6b-base-glm/
      sciglm train --data mix/ --model chatglm3-6b-base-glm/ --output runs/sciglm
    """
    from sciglm.train.convert_chatglm3 import convert as run

    out = run(src, dst, dtype)
    console.print(f"converted {src} -> {out} (GlmForCausalLM)")
    click.echo(str(out))
