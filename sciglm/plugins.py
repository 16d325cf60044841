"""The plugin host: one pluggy manager, plugins found through the entry-point group ``sciglm``.

Built-in subjects (``plugins/``) are registered by entry point exactly like third-party ones.
A plugin that fails to import is recorded in :data:`failures` by name and never takes the
others down. ``SCIGLM_PLUGINS`` (comma-separated entry-point names) is an allow-list;
``SCIGLM_PLUGINS=""`` loads none (tests register plugins explicitly).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points

import pluggy

from sciglm import hookspecs

GROUP = "sciglm"


@dataclass(frozen=True)
class PluginInfo:
    """Where a loaded plugin came from."""

    name: str
    module: str
    distribution: str
    version: str


@dataclass(frozen=True)
class PluginFailure:
    """A plugin that could not be loaded, with the error it raised."""

    name: str
    distribution: str
    error: str


pm = pluggy.PluginManager(GROUP)
pm.add_hookspecs(hookspecs)
loaded: dict[str, PluginInfo] = {}
failures: list[PluginFailure] = []
_entry_points_loaded = False


def _allowed() -> set[str] | None:
    value = os.environ.get("SCIGLM_PLUGINS")
    if value is None:
        return None
    return {name.strip() for name in value.split(",") if name.strip()}


def _distribution(ep: EntryPoint, known: dict[int, tuple[str, str]]) -> tuple[str, str]:
    """Name and version of the distribution ``ep`` comes from; ``known`` keeps each
    distribution's metadata, read once (parsing it is most of the cost of loading a plugin)."""
    if ep.dist is None:
        return "?", "?"
    key = id(ep.dist)
    if key not in known:
        metadata = ep.dist.metadata
        known[key] = (metadata["Name"], metadata["Version"])
    return known[key]


def _load_entry_point(ep: EntryPoint, known: dict[int, tuple[str, str]]) -> None:
    dist, version = _distribution(ep, known)
    try:
        module = ep.load()
        if pm.get_plugin(ep.name) is None and not pm.is_registered(module):
            pm.register(module, name=ep.name)
        pm.check_pending()
    except Exception as exc:  # noqa: BLE001 - a broken plugin must not break the host
        if pm.get_plugin(ep.name) is not None:
            pm.unregister(name=ep.name)
        failures.append(PluginFailure(ep.name, dist, f"{type(exc).__name__}: {exc}"))
        return
    loaded[ep.name] = PluginInfo(ep.name, ep.value, dist, version)


def load_plugins() -> None:
    """Load every entry-point plugin once (respecting ``SCIGLM_PLUGINS``)."""
    global _entry_points_loaded
    if _entry_points_loaded:
        return
    _entry_points_loaded = True
    allowed = _allowed()
    found = entry_points(group=GROUP)  # keeps the distributions that ``known`` names alive
    known: dict[int, tuple[str, str]] = {}
    for ep in found:
        if allowed is not None and ep.name not in allowed:
            continue
        if ep.name in loaded:
            continue
        _load_entry_point(ep, known)
