"""The plugin host seen from a plugin author: pip install/uninstall of a real distribution,
and a plugin that raises at import.
(In-process registration is tested in tests/core/test_registry.py.)"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from importlib import metadata
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "sciglm-units-quiz"
BIN = Path(sys.executable).parent
SCIGLM = str(BIN / "sciglm")


def _pip(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", "-q", *args], check=True, capture_output=True,
                   timeout=300)


def _plugins_json() -> dict:
    result = subprocess.run([SCIGLM, "plugins", "--json"], capture_output=True, text=True,
                            timeout=60, check=True)
    return json.loads(result.stdout)


def _installed(dist: str) -> bool:
    try:
        metadata.distribution(dist)
    except metadata.PackageNotFoundError:
        return False
    return True


@pytest.mark.slow
def test_pip_install_example_plugin_then_uninstall(tmp_path: Path) -> None:
    if _installed("sciglm-units-quiz"):
        pytest.skip("sciglm-units-quiz is already installed here; not touching the user's copy")
    records = tmp_path / "quiz.jsonl"
    records.write_text(
        json.dumps({"id": "ok", "subject": "units_quiz", "response": "The answer is 10 m/s",
                    "reference": "36 km/h"}) + "\n"
        + json.dumps({"id": "no-unit", "subject": "units_quiz", "response": "The answer is 10",
                      "reference": "36 km/h"}) + "\n"
    )
    _pip("install", "--no-deps", "--no-build-isolation", str(EXAMPLE))
    try:
        listed = {r["subject"]: r for r in _plugins_json()["subjects"]}
        assert listed["units_quiz"]["package"] == "sciglm-units-quiz"
        assert listed["units_quiz"]["version"] == "0.1.0"
        out = tmp_path / "verdicts.jsonl"
        result = subprocess.run([SCIGLM, "verify", str(records), "-o", str(out), "--workers", "1"],
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        verdicts = [json.loads(line) for line in out.read_text().splitlines()]
        assert [v["correct"] for v in verdicts] == [True, False]
    finally:
        _pip("uninstall", "-y", "sciglm-units-quiz")
    assert "units_quiz" not in {r["subject"] for r in _plugins_json()["subjects"]}
    result = subprocess.run([SCIGLM, "verify", str(records)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 1 and "unknown subject 'units_quiz'" in result.stderr


@pytest.mark.slow
def test_plugin_that_raises_at_import_is_reported_by_name(tmp_path: Path) -> None:
    dist = tmp_path / "broken"
    (dist / "sciglm_broken_demo").mkdir(parents=True)
    (dist / "sciglm_broken_demo" / "__init__.py").write_text(
        'raise RuntimeError("this plugin is broken on purpose")\n'
    )
    (dist / "pyproject.toml").write_text(textwrap.dedent("""
        [build-system]
        requires = ["setuptools>=68"]
        build-backend = "setuptools.build_meta"
        [project]
        name = "sciglm-broken-demo"
        version = "0.0.1"
        [project.entry-points.sciglm]
        broken_demo = "sciglm_broken_demo"
        [tool.setuptools]
        packages = ["sciglm_broken_demo"]
    """))
    records = tmp_path / "answers.jsonl"
    records.write_text(json.dumps({"id": "1", "subject": "physics", "response": r"\boxed{36 km/h}",
                                   "reference": "10 m/s"}) + "\n")
    _pip("install", "--no-deps", "--no-build-isolation", str(dist))
    try:
        listing = _plugins_json()
        failed = {f["name"]: f for f in listing["failed"]}
        assert "broken on purpose" in failed["broken_demo"]["error"]
        assert failed["broken_demo"]["distribution"] == "sciglm-broken-demo"
        assert {"physics", "chemistry"} <= {r["subject"] for r in listing["subjects"]}
        text = subprocess.run([SCIGLM, "plugins"], capture_output=True, text=True, timeout=60)
        assert "broken_demo" in text.stderr + text.stdout
        out = tmp_path / "verdicts.jsonl"
        result = subprocess.run([SCIGLM, "verify", str(records), "-o", str(out), "--workers", "1"],
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        assert json.loads(out.read_text())["correct"] is True
    finally:
        _pip("uninstall", "-y", "sciglm-broken-demo")
