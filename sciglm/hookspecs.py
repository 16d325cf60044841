"""The plugin contract of sciglm: every hook a subject plugin may implement.

A plugin is any module registered under the entry-point group ``sciglm``; it implements
some of these hooks with ``@sciglm.hookimpl``. Hooks hand the plugin a ``register``
callback so one plugin can provide several things and the host settles name clashes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pluggy import HookimplMarker, HookspecMarker

hookspec = HookspecMarker("sciglm")
hookimpl = HookimplMarker("sciglm")


@hookspec
def register_subjects(register: Callable[[Any], None]) -> None:
    """Register subjects: call ``register(subject)`` with a :class:`sciglm.subject.Subject` each.

    Called once per process when the subject registry is first built.
    """


@hookspec
def register_loaders(register: Callable[..., None]) -> None:
    """Register question loaders: ``register(name, loader, subject=None, description="")``.

    ``loader(path, **options)`` yields :class:`sciglm.records.Question`; ``name`` is what users
    write before the colon in ``--source NAME:PATH``.
    """


@hookspec
def register_benchmarks(register: Callable[[Any], None]) -> None:
    """Register benchmarks: ``register(benchmark)`` with a
    :class:`sciglm.eval.benchmarks.Benchmark` each: its data source and split (or a file it
    ships), question loader, answer form, question text per protocol and scorer per protocol.

    Called once per process when the benchmark registry is first built (``sciglm eval``, the
    decontamination defaults, and inside verifier workers for ``custom`` scorers); the first
    plugin to register a name wins, and a clash is reported as that plugin's failure.
    """


@hookspec
def register_checks(register: Callable[[str, Callable[[], Any]], None]) -> None:
    """Register ``sciglm doctor`` checks: ``register(name, check)``, ``check()`` returning a
    :class:`sciglm.doctor.Check` (name, status, detail, fix).

    Called once per ``sciglm doctor``; a check must be fast (no model, no network) and report a
    missing piece with its fix rather than raise (an exception is shown as ``failed``).
    """


@hookspec
def register_commands(cli: Any) -> None:
    """Add subcommands to the ``sciglm`` click group (e.g. ``sciglm lean setup``)."""
