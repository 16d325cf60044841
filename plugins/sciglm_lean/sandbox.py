"""Run a command in a bubblewrap sandbox: read-only file system, no network, private /tmp,
write access only where asked, killed with its parent.

Where ``bwrap`` is absent or cannot create namespaces here, :func:`sandbox_problem` says why;
the checker then never answers ``true`` (see docs/lean.md, "What a `true` means").
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path


def find_bwrap() -> str | None:
    """``$SCIGLM_LEAN_BWRAP`` (``""`` switches the sandbox off), else ``bwrap`` on PATH."""
    configured = os.environ.get("SCIGLM_LEAN_BWRAP")
    if configured is not None:
        return configured or None
    return shutil.which("bwrap")


def sandboxed(
    command: Sequence[str],
    writable: Sequence[Path] = (),
    cwd: Path | None = None,
    bwrap: str | None = None,
) -> list[str]:
    """``command`` wrapped in bubblewrap (``bwrap`` defaults to :func:`find_bwrap`)."""
    binary = bwrap or find_bwrap()
    if binary is None:
        raise RuntimeError("bubblewrap (bwrap) not found")
    args = [binary, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
    for path in writable:
        args += ["--bind", str(path), str(path)]
    args += ["--unshare-all", "--die-with-parent", "--new-session"]
    if cwd is not None:
        args += ["--chdir", str(cwd)]
    return args + ["--", *command]


@functools.cache
def sandbox_problem(bwrap: str | None = None) -> str | None:
    """None when the sandbox works here, else why not (probed once per process)."""
    binary = bwrap or find_bwrap()
    if binary is None:
        return "no sandbox: bubblewrap (bwrap) not found (apt-get install bubblewrap)"
    try:
        probe = subprocess.run(
            sandboxed(["true"], bwrap=binary), capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return f"no sandbox: cannot run {binary}: {exc}"
    if probe.returncode != 0:
        detail = (probe.stderr.strip().splitlines() or ["no message"])[-1]
        return f"no sandbox: {binary} does not work here: {detail}"
    return None
