"""A pip-installed sciglm is whole: the wheel holds every file the commands read (the DeepSpeed
configs, the pipeline's samples, the plugins), and installed into a fresh virtualenv, with no
source tree on the path, its commands run."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from sciglm.pipeline.config import sample_path
from sciglm.train.config import git_revision
from sciglm.train.deepspeed_config import BUNDLED

REPO = Path(__file__).resolve().parents[2]
#: What the wheel is built from (pyproject.toml's packages and readme).
SOURCES = ("pyproject.toml", "README.md", "sciglm", "plugins")


def package_files() -> list[str]:
    """Every file of the packages in the source tree, as the wheel names it."""
    roots = [REPO / "sciglm", *sorted((REPO / "plugins").glob("sciglm_*"))]
    return sorted(str(path.relative_to(root.parent)) for root in roots
                  for path in root.rglob("*")
                  if path.is_file() and "__pycache__" not in path.parts)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``pip wheel --no-deps`` of a clean copy of the sources (no stale build/ of a checkout)."""
    root = tmp_path_factory.mktemp("wheel")
    source = root / "src"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in SOURCES:
        path = REPO / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=ignore)
        else:
            shutil.copy2(path, source / name)
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                           "--no-build-isolation", "-w", str(root / "dist"), str(source)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    (built,) = (root / "dist").glob("sciglm-*.whl")
    return built


def test_the_wheel_holds_every_file_a_command_reads(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [name for name in package_files() if name not in names]
    assert missing == []
    for file in BUNDLED.values():
        assert f"sciglm/train/deepspeed/{file}" in names
    for sample in ("questions.jsonl", "heldout.jsonl"):
        assert Path(sample_path(sample)).relative_to(REPO).as_posix() in names
    (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "sciglm = sciglm.cli.main:main" in text
    assert all(f"{s} = sciglm_{s}" in text for s in ("math", "physics", "chemistry", "lean"))


def test_an_installed_package_reports_no_git_revision(tmp_path: Path) -> None:
    """site-packages inside some git repository is no checkout of sciglm."""
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True, timeout=60)
    subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", "x"], check=True, timeout=60)
    site = tmp_path / "venv" / "lib" / "site-packages"
    site.mkdir(parents=True)
    assert git_revision(site) is None


def outside_env() -> dict[str, str]:
    """This environment without the source tree on the path (or pip would take the checkout's
    metadata for an installed sciglm and skip the wheel)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return env | {"HF_HUB_OFFLINE": "1", "DS_ACCELERATOR": "cpu"}


def run_installed(venv: Path, args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """``sciglm ARGS`` of ``venv``, with no source tree on the path."""
    return subprocess.run([str(venv / "bin" / "sciglm"), *args], cwd=cwd, env=outside_env(),
                          capture_output=True, text=True, timeout=600)


@pytest.mark.slow
@pytest.mark.timeout(1800)  # installs torch, transformers and DeepSpeed (minutes)
def test_the_wheel_installed_in_a_fresh_virtualenv_runs(wheel: Path, tmp_path: Path) -> None:
    """``pip install "sciglm[train]"`` from the wheel (dependencies under constraints.txt;
    pip's cache and configured wheel folders keep it offline-capable), then the commands from a
    folder that is no checkout."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = str(venv / "bin" / "python")
    proc = subprocess.run([python, "-m", "pip", "install", "-q", "-c",
                           str(REPO / "constraints.txt"), "--find-links", str(wheel.parent),
                           f"sciglm[train] @ {wheel.as_uri()}"],
                          cwd=tmp_path, env=outside_env(), capture_output=True, text=True,
                          timeout=1500)
    assert proc.returncode == 0, proc.stderr[-3000:]
    work = tmp_path / "work"
    work.mkdir()
    where = subprocess.run([python, "-c", "import sciglm; print(sciglm.__file__)"], cwd=work,
                           capture_output=True, text=True, timeout=60, env=outside_env())
    assert where.stdout.startswith(str(venv)), where

    plugins = run_installed(venv, ["plugins", "--json"], work)
    assert plugins.returncode == 0, plugins.stderr[-3000:]
    subjects = {row["subject"] for row in json.loads(plugins.stdout)["subjects"]}
    assert {"math", "physics", "chemistry", "lean"} <= subjects

    from tests.train.conftest import make_model, make_tokenizer

    texts = [f"What is {i} + {i}? The answer is {2 * i}." for i in range(40)]
    tokenizer = make_tokenizer(texts)
    model = work / "tiny"
    tokenizer.save_pretrained(model)
    make_model(tokenizer).save_pretrained(model)
    data = work / "train.jsonl"
    data.write_text("".join(f'{{"content": "What is {i} + {i}?", "summary": "{2 * i}"}}\n'
                            for i in range(40)))
    dry = run_installed(venv, ["train", "--dry-run", "--deepspeed", "zero2", "--data", str(data),
                               "--model", str(model), "--show", "1"], work)
    assert dry.returncode == 0, dry.stderr[-3000:]
    text = " ".join(dry.stderr.split())
    assert "DeepSpeed ZeRO-2 (" in text and f"{venv}/lib/" in text

    launcher = run_installed(venv, ["train", "--print-launcher", "paper", "--data", "mix/"], work)
    assert launcher.returncode == 0, launcher.stderr[-3000:]
    assert "--module sciglm.cli.main train --recipe sciglm" in launcher.stdout

    pipeline = run_installed(venv, ["pipeline", "--help"], work)
    assert pipeline.returncode == 0 and "Usage: sciglm pipeline" in pipeline.stdout
