"""``sciglm teacher serve``: the embedded teacher on loopback, started by hand."""

from __future__ import annotations

import signal
import threading
from typing import Any

import click

from sciglm.cli.common import console, print_json
from sciglm.config import click_options, from_values
from sciglm.teacher.config import TeacherServeConfig


@click.group()
def teacher() -> None:
    """The embedded teacher: a local model behind an OpenAI-compatible server on 127.0.0.1.

    \b
    Example:
      sciglm teacher serve --port 8011
    """


@teacher.command()
@click_options(TeacherServeConfig)
def serve(**values: Any) -> None:
    """Serve a model folder with ``transformers serve --continuous-batching`` until Ctrl-C.

    Requests must name the served folder as their ``model`` (printed at start).

    \b
    Examples:
      sciglm teacher serve --port 8011
      sciglm annotate q.jsonl -o out.jsonl --base-url http://127.0.0.1:8011/v1
    """
    from sciglm.teacher import EmbeddedTeacher

    config = from_values(TeacherServeConfig, values)
    server = EmbeddedTeacher(config.model, config.port, ready_timeout=config.ready_timeout,
                             threads=config.threads, kv_cache_mb=config.kv_cache_mb)
    console.print(f"loading {server.model} (log: {server.log_path}) …", highlight=False)
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        with server:
            if config.as_json:
                print_json({"base_url": server.base_url, "model": server.model})
            else:
                click.echo(f"base_url: {server.base_url}\nmodel: {server.model}")
            console.print("serving; Ctrl-C to stop", highlight=False)
            while not stop.is_set():
                if server.process is None or server.died():
                    raise click.ClickException(server.death_report("while serving"))
                stop.wait(1.0)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
    console.print("stopped", highlight=False)
