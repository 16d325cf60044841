"""Shared fixtures: the public data in ../shared, and explicit plugin registration."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sciglm import plugins, registry

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SCIGLM_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data``; tests that need it skip with the reason where it is absent."""
    path = SHARED / "data"
    if not path.exists():
        pytest.skip(f"public data folder not found at {path}")
    return path


@pytest.fixture
def register_plugin() -> Iterator[Any]:
    """Register plugin objects for one test; they are unregistered afterwards."""
    added: list[str] = []

    def register(plugin: object, name: str) -> None:
        plugins.pm.register(plugin, name=name)
        added.append(name)
        registry.reset()

    try:
        yield register
    finally:
        for name in added:
            plugins.pm.unregister(name=name)
        registry.reset()



_config: pytest.Config | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _config
    _config = config


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """With ``-v`` (the slow suite) or under CI, print a failure the moment it happens: a run
    later stopped by CI's own time limit still shows why each test failed (pytest's summary
    comes only at the end)."""
    if not report.failed or _config is None:
        return
    if _config.option.verbose <= 0 and not os.environ.get("CI"):
        return
    reporter = _config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"\n--- FAILED {report.nodeid} ({report.when}, "
                            f"{report.duration:.0f} s) ---\n{report.longreprtext[-4000:]}")
