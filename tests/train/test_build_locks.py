"""A lock left by a killed DeepSpeed op build is removed before it can hang a run; a young one
(a build that may still run) is kept and named. The DeepSpeed runs in ``test_trainer.py`` plant
a stale lock where torch builds ``fused_adam`` and must still finish."""

from __future__ import annotations

import os
import time
from pathlib import Path

from sciglm.train.build_locks import STALE_AFTER_S, build_locks, clear_stale_locks


def lock(path: Path, age_s: float) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
    then = time.time() - age_s
    os.utime(path, (then, then))
    return path


def test_a_stale_lock_is_removed_and_a_young_one_kept(tmp_path, capsys) -> None:
    stale = lock(tmp_path / "py311_cpu" / "fused_adam" / "lock", STALE_AFTER_S + 60)
    young = lock(tmp_path / "py311_cpu" / "cpu_adam" / "lock", 5)
    assert build_locks(tmp_path) == [young, stale]

    assert clear_stale_locks(tmp_path) == [stale]
    assert not stale.exists() and young.exists()
    said = capsys.readouterr().err.replace("\n", "")
    assert f"removed a stale DeepSpeed build lock {stale}" in said
    assert "DeepSpeed's build of cpu_adam holds" in said and "waits until it ends" in said


def test_the_torch_extensions_dir_layout_and_its_variable(tmp_path, monkeypatch) -> None:
    stale = lock(tmp_path / "fused_adam" / "lock", 2 * STALE_AFTER_S)  # OP/lock, no pyXY_ACCEL
    built = tmp_path / "fused_adam" / "fused_adam.so"
    built.touch()
    monkeypatch.setenv("TORCH_EXTENSIONS_DIR", str(tmp_path))
    assert clear_stale_locks() == [stale]
    assert built.exists()  # only the lock goes
    assert clear_stale_locks() == []
