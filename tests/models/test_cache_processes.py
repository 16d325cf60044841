"""The conversion cache across processes: two first uses at once convert once (the other waits
on the lock); a conversion killed with SIGKILL never leaves an entry that reads as complete."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from sciglm.catalog.models import CATALOG
from sciglm.models import cache
from sciglm.models.resolve import resolve_model
from tests.models.conftest import hub_repo

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow  # each process imports torch and transformers (~20 s here)
BASE = CATALOG["chatglm3-6b-base"]

# A process resolving the model by name; its converter is wrapped to log each run and to pause
# (after writing part of the output) where a test wants to overlap or kill it.
SCRIPT = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    import sciglm.train.convert_chatglm3 as conv
    real = conv.convert
    def logged(src, dst, dtype=None):
        with open(os.environ["LOG"], "a") as log:
            log.write(f"{os.getpid()}\\n")
        out = real(src, dst, dtype)
        Path(os.environ["LOG"] + ".midway").write_text(str(dst))
        time.sleep(float(os.environ["PAUSE"]))
        return out
    conv.convert = logged
    from sciglm.models.resolve import resolve_model
    print(resolve_model(sys.argv[1]))
""")


def start(env: dict[str, str], pause: float) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", SCRIPT, "THUDM/chatglm3-6b-base"],
                            env=env | {"PAUSE": str(pause)}, cwd=REPO, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.fixture
def proc_env(templates, model_env, tmp_path) -> dict[str, str]:
    hub_repo(model_env["hub"], BASE.hub_id, BASE.revision, templates["safetensors"])
    return {**os.environ, "PYTHONPATH": f"{REPO}:{REPO / 'plugins'}",
            "LOG": str(tmp_path / "conversions.log"), "OMP_NUM_THREADS": "1"}


def test_two_processes_convert_once(proc_env, tmp_path) -> None:
    first = start(proc_env, pause=3)
    log = Path(proc_env["LOG"])
    deadline = time.monotonic() + 120
    while not log.exists() and time.monotonic() < deadline:  # the first holds the lock
        time.sleep(0.1)
    second = start(proc_env, pause=0)
    out1, err1 = first.communicate(timeout=300)
    out2, err2 = second.communicate(timeout=300)
    assert first.returncode == 0 and second.returncode == 0, err1[-2000:] + err2[-2000:]
    assert out1.strip() == out2.strip() and Path(out1.strip()).parent == cache.root()
    assert len(log.read_text().split()) == 1  # converted once
    assert "waiting for another process converting THUDM/chatglm3-6b-base" in err2
    assert "converting THUDM/chatglm3-6b-base" not in err2.replace("process converting", "")
    assert [e["source"] for e in cache.entries()] == [BASE.hub_id]


def test_killed_conversion_never_reads_as_complete(proc_env, capfd) -> None:
    victim = start(proc_env, pause=600)
    midway = Path(proc_env["LOG"] + ".midway")
    deadline = time.monotonic() + 120
    while not midway.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert midway.exists(), victim.stderr.read() if victim.poll() is not None else "timeout"
    partial = Path(midway.read_text())
    assert (partial / "config.json").exists()  # the weights are written, the entry is not
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(timeout=30)
    assert cache.entries() == [] and partial.exists()
    assert [p for p in cache.root().iterdir() if cache.is_complete(p)] == []
    folder = Path(resolve_model("THUDM/chatglm3-6b-base"))  # converts again, cleanly
    assert cache.is_complete(folder) and not partial.exists()
    assert [e["key"] for e in cache.entries()] == [folder.name]
    info = json.loads((folder / cache.META_FILE).read_text())
    assert info["converter_version"] == cache.converter_version()
