"""Arrows point inward: nothing outside ``sciglm/cli`` imports the CLI, and the core imports no
plugin (the built-in subjects are plugins like a stranger's)."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def offenders(root: Path, bad: tuple[str, ...], skip: Path | None = None) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        if skip is not None and skip in path.parents:
            continue
        for name in imported_modules(path):
            if name == bad[0].rstrip(".") or name.startswith(bad):
                found.append(f"{path.relative_to(root)} imports {name}")
    return found


def test_no_cli_import_outside_the_cli() -> None:
    bad = ("sciglm.cli.",)
    assert offenders(REPO / "sciglm", bad, skip=REPO / "sciglm" / "cli") == []
    assert offenders(REPO / "plugins", bad) == []


def test_the_core_imports_no_plugin() -> None:
    plugins = tuple(f"{p.name}." for p in (REPO / "plugins").iterdir()
                    if p.is_dir() and p.name.startswith("sciglm_"))
    assert plugins
    for plugin in plugins:
        assert offenders(REPO / "sciglm", (plugin,)) == [], plugin


def test_the_check_sees_an_offender(tmp_path: Path) -> None:
    """Control: a module importing the CLI is reported."""
    (tmp_path / "bad.py").write_text("from sciglm.cli.common import console\n")
    assert offenders(tmp_path, ("sciglm.cli.",)) != []
