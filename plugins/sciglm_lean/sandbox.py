"""Run a command in a bubblewrap sandbox: read-only file system, no network, a private /tmp of
bounded size, write access only where asked, killed with its parent. A sandbox may run inside
another one (``nested``: each step of the trusted check), optionally with only the named
environment variables (``env``).

Where ``bwrap`` is absent or cannot create namespaces here, :func:`sandbox_problem` says why;
the checker then never answers ``true`` (see docs/lean.md, "What a `true` means").
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

#: The size of the sandbox's private /tmp (a tmpfs, held in memory).
TMPFS_MB = 1024


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
    readable: Sequence[Path] = (),
    nested: bool = False,
    env: Mapping[str, str] | None = None,
) -> list[str]:
    """``command`` wrapped in bubblewrap (``bwrap`` defaults to :func:`find_bwrap`).

    The sandbox's ``/tmp`` is empty, private and at most :data:`TMPFS_MB`; what the command
    needs from the real one (its own installation, the files it names, ``cwd``, ``readable``)
    is shown read-only, ``writable`` read-write. ``nested``: inside another sandbox (whose
    ``/proc`` and ``/dev`` are reused, as a new ``/proc`` cannot be mounted there). ``env``:
    the command's whole environment (else it inherits the caller's).
    """
    binary = bwrap or find_bwrap()
    if binary is None:
        raise RuntimeError("bubblewrap (bwrap) not found")
    args = [binary, "--ro-bind", "/", "/"]
    if nested:
        args += ["--dev-bind", "/dev", "/dev", "--ro-bind", "/proc", "/proc"]
    else:
        args += ["--dev", "/dev", "--proc", "/proc"]
    args += ["--size", str(TMPFS_MB << 20), "--tmpfs", "/tmp"]
    named = [Path(arg) for arg in command[1:] if os.path.isabs(arg)]  # _in_tmp: those that exist
    for path in _in_tmp([_installation(command[0]), *named, cwd, *readable]):
        args += ["--ro-bind", str(path), str(path)]
    for path in writable:
        args += ["--bind", str(path), str(path)]
    args += ["--unshare-all", "--die-with-parent", "--new-session"]
    if env is not None:
        args.append("--clearenv")
        for key, value in env.items():
            args += ["--setenv", key, value]
    if cwd is not None:
        args += ["--chdir", str(cwd)]
    return args + ["--", *command]


def _installation(program: str) -> Path | None:
    """The folder a program is installed in: ``…/.venv`` for ``…/.venv/bin/python``."""
    found = shutil.which(program)
    if found is None:
        return None
    path = Path(os.path.abspath(found))
    return path.parent.parent if path.parent.name == "bin" else path.parent


def _in_tmp(paths: Sequence[Path | None]) -> list[Path]:
    """Those of ``paths`` inside the real ``/tmp``, which the sandbox's own ``/tmp`` hides."""
    tmp = Path("/tmp")
    found = [Path(os.path.abspath(p)) for p in paths if p is not None]
    return [p for p in dict.fromkeys(found)
            if p != tmp and p.is_relative_to(tmp) and p.exists()]


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
