"""Subjects, question loaders and benchmarks collected from the plugins' ``register_*`` hooks."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sciglm import plugins
from sciglm.config import option
from sciglm.errors import SciglmError, UnknownSubjectError
from sciglm.records import Question
from sciglm.subject import Subject

Loader = Callable[..., Iterable[Question]]


@dataclass(frozen=True)
class LoaderInfo:
    """A named question loader and the subject its questions belong to by default."""

    name: str
    loader: Loader
    subject: str | None
    description: str
    plugin: str


_subjects: dict[str, tuple[Subject, str]] | None = None
_loaders: dict[str, LoaderInfo] | None = None
_benchmarks: dict[str, Any] | None = None


def _call_each(hook_name: str, make_register: Callable[[str], Callable[..., None]]) -> None:
    """Call a hook's implementations one by one (through pluggy's hook caller), so one failing
    plugin is reported by name and the others still register."""
    plugins.load_plugins()
    caller = getattr(plugins.pm.hook, hook_name)
    for impl in reversed(caller.get_hookimpls()):  # pluggy's call order: last registered first
        name = impl.plugin_name
        try:
            impl.function(register=make_register(name))
        except Exception as exc:  # noqa: BLE001 - report the plugin by name, keep going
            dist = plugins.loaded[name].distribution if name in plugins.loaded else "?"
            plugins.failures.append(
                plugins.PluginFailure(name, dist, f"{hook_name}: {type(exc).__name__}: {exc}")
            )


def _collect(hook_name: str, kind: str,
             make: Callable[..., tuple[str, Any]]) -> dict[str, Any]:
    """Everything the plugins register through ``hook_name``, by name, in registration order.

    ``make(plugin_name, *args, **kwargs)`` turns one ``register(...)`` call into ``(name,
    entry)`` (raising ``TypeError`` for a bad one); the first plugin to register a name wins and
    a later one is reported as a failure, naming both plugins.
    """
    found: dict[str, Any] = {}
    owners: dict[str, str] = {}

    def make_register(plugin_name: str) -> Callable[..., None]:
        def register(*args: Any, **kwargs: Any) -> None:
            name, entry = make(plugin_name, *args, **kwargs)
            if name in found:
                plugins.failures.append(plugins.PluginFailure(
                    plugin_name, "?", f"{hook_name}: {kind} {name!r} is already registered by "
                    f"{owners[name]!r}; ignored"))
                return
            found[name], owners[name] = entry, plugin_name

        return register

    _call_each(hook_name, make_register)
    return found


def _subject_entry(plugin_name: str, subject: Subject) -> tuple[str, tuple[Subject, str]]:
    if not isinstance(subject, Subject) or not subject.name:
        raise TypeError(f"register() needs a named Subject, got {subject!r}")
    return subject.name, (subject, plugin_name)


def _loader_entry(plugin_name: str, name: str, loader: Loader, subject: str | None = None,
                  description: str = "") -> tuple[str, LoaderInfo]:
    return name, LoaderInfo(name, loader, subject, description, plugin_name)


def _benchmark_entry(plugin_name: str, benchmark: Any) -> tuple[str, Any]:
    from sciglm.eval.benchmarks import Benchmark

    if not isinstance(benchmark, Benchmark) or not benchmark.name:
        raise TypeError(f"register() needs a named Benchmark, got {benchmark!r}")
    return benchmark.name, benchmark


def subjects() -> dict[str, tuple[Subject, str]]:
    """Every registered subject by name, with the plugin that registered it (first wins)."""
    global _subjects
    if _subjects is None:
        _subjects = _collect("register_subjects", "subject", _subject_entry)
    return _subjects


def get_subject(name: str) -> Subject:
    """The subject called ``name``; a clear error naming the known ones otherwise."""
    table = subjects()
    if name not in table:
        known = ", ".join(sorted(table)) or "none installed"
        raise UnknownSubjectError(f"unknown subject {name!r} (known: {known})")
    return table[name][0]


def loaders() -> dict[str, LoaderInfo]:
    """Every registered question loader by name (first wins)."""
    global _loaders
    if _loaders is None:
        _loaders = _collect("register_loaders", "loader", _loader_entry)
    return _loaders


def get_loader(name: str) -> LoaderInfo:
    table = loaders()
    if name not in table:
        known = ", ".join(sorted(table)) or "none installed"
        raise SciglmError(f"unknown question loader {name!r} (known: {known})")
    return table[name]


def benchmarks() -> dict[str, Any]:
    """Every registered :class:`sciglm.eval.benchmarks.Benchmark` by name, in registration
    order (first wins)."""
    global _benchmarks
    if _benchmarks is None:
        _benchmarks = _collect("register_benchmarks", "benchmark", _benchmark_entry)
    return _benchmarks


def get_benchmark(name: str) -> Any:
    """The benchmark called ``name`` (or an alias of :mod:`sciglm.catalog.names`); a clear
    error naming the known ones otherwise."""
    from sciglm.catalog.names import canonical

    table = benchmarks()
    if canonical(name) not in table:
        known = ", ".join(sorted(table)) or "none installed"
        raise SciglmError(f"unknown benchmark {name!r} (known: {known})")
    return table[canonical(name)]


def reset() -> None:
    """Forget the collected subjects, loaders and benchmarks (after registering plugins)."""
    global _subjects, _loaders, _benchmarks
    _subjects = None
    _loaders = None
    _benchmarks = None


@dataclass
class PluginsConfig:
    """``sciglm plugins``'s one config: how to show :func:`describe_plugins`."""

    as_json: bool = option(False, "Print the list as JSON on stdout.", flag="--json")


def describe_plugins() -> list[dict[str, Any]]:
    """One row per subject: name, plugin, distribution and version."""
    rows = []
    for name, (subject, plugin_name) in sorted(subjects().items()):
        info = plugins.loaded.get(plugin_name)
        rows.append(
            {
                "subject": name,
                "plugin": plugin_name,
                "package": info.distribution if info else "(registered in process)",
                "version": info.version if info else "",
                "description": subject.description,
            }
        )
    return rows
