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


def subjects() -> dict[str, tuple[Subject, str]]:
    """Every registered subject by name, with the plugin that registered it (first wins)."""
    global _subjects
    if _subjects is None:
        found: dict[str, tuple[Subject, str]] = {}

        def make_register(plugin_name: str) -> Callable[[Subject], None]:
            def register(subject: Subject) -> None:
                if not isinstance(subject, Subject) or not subject.name:
                    raise TypeError(f"register() needs a named Subject, got {subject!r}")
                found.setdefault(subject.name, (subject, plugin_name))

            return register

        _call_each("register_subjects", make_register)
        _subjects = found
    return _subjects


def get_subject(name: str) -> Subject:
    """The subject called ``name``; a clear error naming the known ones otherwise."""
    table = subjects()
    if name not in table:
        known = ", ".join(sorted(table)) or "none installed"
        raise UnknownSubjectError(f"unknown subject {name!r} (known: {known})")
    return table[name][0]


def loaders() -> dict[str, LoaderInfo]:
    """Every registered question loader by name."""
    global _loaders
    if _loaders is None:
        found: dict[str, LoaderInfo] = {}

        def make_register(plugin_name: str) -> Callable[..., None]:
            def register(
                name: str, loader: Loader, subject: str | None = None, description: str = ""
            ) -> None:
                found.setdefault(name, LoaderInfo(name, loader, subject, description, plugin_name))

            return register

        _call_each("register_loaders", make_register)
        _loaders = found
    return _loaders


def get_loader(name: str) -> LoaderInfo:
    table = loaders()
    if name not in table:
        known = ", ".join(sorted(table)) or "none installed"
        raise SciglmError(f"unknown question loader {name!r} (known: {known})")
    return table[name]


def benchmarks() -> dict[str, Any]:
    """Every registered :class:`sciglm.eval.benchmarks.Benchmark` by name, in registration
    order; the first plugin to register a name wins and a clash is reported as a failure."""
    global _benchmarks
    if _benchmarks is None:
        from sciglm.eval.benchmarks import Benchmark

        found: dict[str, Any] = {}
        owners: dict[str, str] = {}

        def make_register(plugin_name: str) -> Callable[[Any], None]:
            def register(benchmark: Any) -> None:
                if not isinstance(benchmark, Benchmark) or not benchmark.name:
                    raise TypeError(f"register() needs a named Benchmark, got {benchmark!r}")
                if benchmark.name in found:
                    plugins.failures.append(plugins.PluginFailure(
                        plugin_name, "?", f"register_benchmarks: benchmark {benchmark.name!r} "
                        f"is already registered by {owners[benchmark.name]!r}; ignored"))
                    return
                found[benchmark.name] = benchmark
                owners[benchmark.name] = plugin_name

            return register

        _call_each("register_benchmarks", make_register)
        _benchmarks = found
    return _benchmarks


def get_benchmark(name: str) -> Any:
    """The benchmark called ``name``; a clear error naming the known ones otherwise."""
    table = benchmarks()
    if name not in table:
        known = ", ".join(sorted(table)) or "none installed"
        raise SciglmError(f"unknown benchmark {name!r} (known: {known})")
    return table[name]


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
