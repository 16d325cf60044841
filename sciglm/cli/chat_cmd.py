"""``sciglm chat``: talk to a local model folder, the embedded SmolLM2, or an endpoint."""

from __future__ import annotations

import click
from rich.console import Console

from sciglm.cli.common import console as log
from sciglm.generation.base import GenParams


@click.command()
@click.option("--model", "model_name", default=None,
              help="'embedded' (default), a local folder, a Hub id or catalogue name "
                   "(e.g. zd21/SciGLM-6B; see `sciglm models`), or the endpoint's model name.")
@click.option("--base-url", default=None,
              help="OpenAI-compatible endpoint, e.g. http://localhost:8000/v1 "
                   "(key: $OPENAI_API_KEY).")
@click.option("--system", "system", default=None, help="System prompt (default: the model's own).")
@click.option("--subject", default="math", show_default=True, help="Subject used by /verify.")
@click.option("--temperature", type=float, default=0.0, show_default=True,
              help="Sampling temperature; 0 is greedy.")
@click.option("--top-p", type=float, default=1.0, show_default=True, help="Nucleus sampling mass.")
@click.option("--max-tokens", type=int, default=512, show_default=True,
              help="Longest reply, in tokens.")
@click.option("--load", "load_path", default=None, type=click.Path(dir_okay=False),
              help="Continue a conversation saved with /save.")
def chat(model_name: str | None, base_url: str | None, system: str | None, subject: str,
         temperature: float, top_p: float, max_tokens: int, load_path: str | None) -> None:
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
    params = GenParams(max_tokens=max_tokens, temperature=temperature, top_p=top_p)
    params.check()
    session = ChatSession.load(load_path) if load_path else ChatSession(params=params)
    if system is not None:
        session.system = system
    session.subject = subject if not load_path else session.subject
    with log.status("loading model…"):
        model = load_model(model_name, base_url, batch_size=1)
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
