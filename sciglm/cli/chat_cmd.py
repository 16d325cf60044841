"""``sciglm chat``: talk to a local model folder, the embedded SmolLM2, or an endpoint."""

from __future__ import annotations

from typing import Any

import click
from rich.console import Console

from sciglm.chat.config import ChatConfig
from sciglm.cli.common import console as log
from sciglm.config import click_options, from_values


@click.command()
@click_options(ChatConfig)
def chat(**values: Any) -> None:
    """Chat in the terminal: replies stream as Markdown with LaTeX shown readably.

    Commands inside the chat: /clear, /save FILE, /load FILE, /system [TEXT], /params
    NAME=VALUE, /subject NAME, /verify REFERENCE (checks the last answer with the subject's
    verifier), /help, /exit. Ctrl-C stops a reply being generated; Ctrl-D quits.

    \b
    Examples:
      sciglm chat                                   # the embedded SmolLM2-135M
      sciglm chat --model run/final --system "You are a physics tutor."
      sciglm chat --model zd21/SciGLM-6B                 # fetched + converted on first use
      sciglm chat --base-url http://localhost:8000/v1 --model Qwen2.5-7B-Instruct
    """
    from sciglm.chat.app import ChatApp
    from sciglm.chat.session import ChatSession
    from sciglm.generation.factory import load_model

    try:
        import readline  # noqa: F401 - line editing and history for input()
    except ImportError:  # pragma: no cover - not on every platform
        pass
    config = from_values(ChatConfig, values)
    base_url, load_path = config.base_url, config.load_path
    params = config.params()
    session = ChatSession.load(load_path) if load_path else ChatSession(params=params)
    if config.system is not None:
        session.system = config.system
    session.subject = config.subject if not load_path else session.subject
    with log.status("loading model…"):
        model = load_model(config.model, base_url, batch_size=1)
        warmup = getattr(model, "warmup", None)
        if warmup is not None:
            warmup()
    where = f"endpoint {base_url}" if base_url else "local"
    log.print(f"[bold]sciglm chat[/] — {model.label} ({where}). "
              "/help for commands, Ctrl-C stops a reply, Ctrl-D quits.")
    if session.history:
        log.print(f"continuing {len(session.history)} message(s) from {load_path}")
    try:
        ChatApp(model, session, Console(highlight=False)).run()
    finally:
        model.close()
