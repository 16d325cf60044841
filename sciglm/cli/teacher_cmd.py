"""``sciglm teacher serve``: the embedded teacher on loopback, started by hand."""

from __future__ import annotations

import signal
import threading

import click

from sciglm.cli.common import console, print_json


@click.group()
def teacher() -> None:
    """The embedded teacher: a local model behind an OpenAI-compatible server on 127.0.0.1.

    \b
    Example:
      sciglm teacher serve --port 8011
    """


@teacher.command()
@click.option("--model", help="Model to serve: a folder, Hub id or catalogue name (see `sciglm "
                               "models`; default: the embedded SmolLM2-135M).")
@click.option("--port", type=click.IntRange(1, 65535), help="Port (default: a free one).")
@click.option("--ready-timeout", type=float, default=300.0, show_default=True,
              help="Seconds to wait for the model to load.")
@click.option("--threads", type=click.IntRange(1), default=1, show_default=True,
              help="Torch CPU threads of the server (more only helps on an idle machine).")
@click.option("--json", "as_json", is_flag=True, help="Print base_url and model as JSON on stdout.")
def serve(model: str | None, port: int | None, ready_timeout: float, threads: int,
          as_json: bool) -> None:
    """Serve a model folder with ``transformers serve --continuous-batching`` until Ctrl-C.

    Requests must name the served folder as their ``model`` (printed at start).

    \b
    Examples:
      sciglm teacher serve --port 8011
      sciglm annotate q.jsonl -o out.jsonl --base-url http://127.0.0.1:8011/v1
    """
    from sciglm.teacher import EmbeddedTeacher

    server = EmbeddedTeacher(model, port, ready_timeout=ready_timeout, threads=threads)
    console.print(f"loading {server.model} …", highlight=False)
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        with server:
            if as_json:
                print_json({"base_url": server.base_url, "model": server.model})
            else:
                click.echo(f"base_url: {server.base_url}\nmodel: {server.model}")
            console.print("serving; Ctrl-C to stop", highlight=False)
            while not stop.is_set():
                if server.process is None or server.process.poll() is not None:
                    raise click.ClickException(f"the server exited: {server.log_tail()}")
                stop.wait(1.0)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
    console.print("stopped", highlight=False)
