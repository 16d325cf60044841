"""The lock a killed DeepSpeed op build leaves behind, found before it can hang a run.

DeepSpeed JIT-builds its ops with torch's ``cpp_extension``, which takes a ``lock`` file in the
op's build folder (``torch.utils.file_baton``) and makes every other build wait for that file
to go, with no time limit and without a word. A build killed mid-way (SIGKILL, out of memory, a
job's time limit) never removes it, so every DeepSpeed run after it waits forever, even where
the op was built long ago. :func:`clear_stale_locks` runs before a DeepSpeed run: a lock older
than any build takes is removed, with a line naming it; a younger one is named, since the run
will wait for it.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from sciglm.console import console

#: A lock this old belongs to no running build: the slowest DeepSpeed op builds in minutes.
STALE_AFTER_S = 30 * 60


def extensions_root() -> Path:
    """Where torch builds extensions: ``$TORCH_EXTENSIONS_DIR``, else its per-user cache."""
    from torch.utils.cpp_extension import get_default_build_root

    return Path(os.environ.get("TORCH_EXTENSIONS_DIR") or get_default_build_root())


def build_locks(root: Path) -> list[Path]:
    """The lock files under ``root``: ``OP/lock`` (``$TORCH_EXTENSIONS_DIR``) or
    ``pyXY_ACCEL/OP/lock`` (the default root)."""
    return sorted([*root.glob("*/lock"), *root.glob("*/*/lock")])


def clear_stale_locks(root: Path | None = None, stale_after: float = STALE_AFTER_S) -> list[Path]:
    """Remove the build locks older than ``stale_after`` seconds (returned) and name the
    younger ones, which the run will wait for."""
    removed = []
    for lock in build_locks(root or extensions_root()):
        try:
            age = time.time() - lock.stat().st_mtime
            if age < stale_after:
                console.print(f"DeepSpeed's build of {lock.parent.name} holds {lock} "
                              f"({age:.0f} s old): this run waits until it ends (if no build "
                              "is running, a killed one left it: remove the file)")
                continue
            lock.unlink()
        except FileNotFoundError:  # its build ended, or another rank removed it
            continue
        removed.append(lock)
        console.print(f"removed a stale DeepSpeed build lock {lock} ({age / 3600:.1f} h old): "
                      "a build killed mid-way left it, and every build after would wait on it "
                      "forever")
    return removed
