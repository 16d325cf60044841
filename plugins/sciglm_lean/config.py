"""Settings of the Lean checker (from the environment) and how to launch its REPL.

Environment variables: ``SCIGLM_LEAN_PROJECT`` (the Lake project), ``SCIGLM_LEAN_REPL`` (a
command that runs a REPL, e.g. one built elsewhere; overrides the project's), and
``SCIGLM_LEAN_TIMEOUT`` / ``SCIGLM_LEAN_HEADER_TIMEOUT`` / ``SCIGLM_LEAN_MEMORY_MB`` /
``SCIGLM_LEAN_RECYCLE`` / ``SCIGLM_LEAN_REUSE_HEADER`` (0: import for every proof) /
``SCIGLM_LEAN_ALLOW_NATIVE`` / ``SCIGLM_LEAN_ALLOW_META``;
``SCIGLM_LEAN_COMPARATOR`` (the comparator command of the trusted path; default: the one
``sciglm lean setup`` builds), ``SCIGLM_LEAN_TRUSTED_TIMEOUT``, ``SCIGLM_LEAN_TRUSTED_MEMORY_MB``
(0: the hard limit, never the verifier worker's cap), ``SCIGLM_LEAN_BWRAP`` (the bubblewrap
binary; empty: none), ``SCIGLM_LEAN_UNSANDBOXED=1`` (local use only: run the REPL without a
sandbox where there is none; a ``true`` still needs the sandboxed trusted path).
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from sciglm_lean.project import default_project_dir, repl_binary
from sciglm_lean.sandbox import find_bwrap, sandbox_problem, sandboxed
from sciglm_lean.screen import ScreenConfig

NO_TOOLCHAIN = "unchecked: Lean toolchain not found"


@dataclass(frozen=True)
class LeanConfig:
    """How proofs are checked: timeouts (seconds), memory per REPL (MB), recycling, screen."""

    project: Path = field(default_factory=default_project_dir)
    repl_command: tuple[str, ...] | None = None
    proof_timeout: float = 60.0
    header_timeout: float = 900.0
    memory_mb: int = 16384
    recycle_after: int = 200
    reuse_header: bool = True
    screen: ScreenConfig = field(default_factory=ScreenConfig)
    comparator_command: tuple[str, ...] | None = None
    trusted_timeout: float = 900.0
    trusted_memory_mb: int = 0
    unsandboxed: bool = False

    @classmethod
    def from_env(cls) -> LeanConfig:
        env = os.environ
        repl = env.get("SCIGLM_LEAN_REPL")
        comparator = env.get("SCIGLM_LEAN_COMPARATOR")
        return cls(
            project=default_project_dir(),
            repl_command=tuple(shlex.split(repl)) if repl else None,
            proof_timeout=float(env.get("SCIGLM_LEAN_TIMEOUT", 60)),
            header_timeout=float(env.get("SCIGLM_LEAN_HEADER_TIMEOUT", 900)),
            memory_mb=int(env.get("SCIGLM_LEAN_MEMORY_MB", 16384)),
            recycle_after=int(env.get("SCIGLM_LEAN_RECYCLE", 200)),
            reuse_header=env.get("SCIGLM_LEAN_REUSE_HEADER", "1") != "0",
            screen=ScreenConfig(
                allow_native=env.get("SCIGLM_LEAN_ALLOW_NATIVE", "") == "1",
                allow_meta=env.get("SCIGLM_LEAN_ALLOW_META", "") == "1",
            ),
            comparator_command=tuple(shlex.split(comparator)) if comparator else None,
            trusted_timeout=float(env.get("SCIGLM_LEAN_TRUSTED_TIMEOUT", 900)),
            trusted_memory_mb=int(env.get("SCIGLM_LEAN_TRUSTED_MEMORY_MB", 0)),
            unsandboxed=env.get("SCIGLM_LEAN_UNSANDBOXED", "") == "1",
        )


@dataclass(frozen=True)
class Launch:
    """A resolved way to start a REPL: command, working directory, environment."""

    command: tuple[str, ...]
    cwd: Path
    env: dict[str, str] | None = None


def find_lake() -> str | None:
    """``lake`` on PATH, else elan's default install location."""
    found = shutil.which("lake")
    if found:
        return found
    elan = Path.home() / ".elan" / "bin" / "lake"
    return str(elan) if elan.is_file() else None


_lake_env_cache: dict[Path, dict[str, str]] = {}


def lake_environment(lake: str, project: Path) -> dict[str, str]:
    """The environment ``lake env`` sets up for ``project`` (LEAN_PATH …), computed once."""
    if project not in _lake_env_cache:
        out = subprocess.run(
            [lake, "env", "env", "-0"], cwd=project, capture_output=True, timeout=300, check=True
        ).stdout.decode("utf-8", errors="replace")
        pairs = (item.split("=", 1) for item in out.split("\0") if "=" in item)
        _lake_env_cache[project] = {k: v for k, v in pairs}
    return dict(_lake_env_cache[project])


def resolve_launch(config: LeanConfig) -> Launch | str:
    """How to start a REPL, or the reason (starting with ``unchecked:``) why none can start.

    Lean never runs on untrusted text outside a sandbox: the REPL (the project's, or a custom
    ``SCIGLM_LEAN_REPL`` command) runs in bubblewrap (read-only files, no network, private
    ``/tmp``); where bubblewrap is missing or broken no REPL starts (``null`` verdicts), unless
    ``config.unsandboxed`` (``SCIGLM_LEAN_UNSANDBOXED=1``, for local use) says otherwise. The
    project's REPL binary is run directly with ``lake env``'s environment rather than under
    ``lake env``, so killing it (timeout) or losing its parent leaves no orphan behind.
    """
    cwd = config.project if config.project.is_dir() else Path.cwd()
    env: dict[str, str] | None = None
    if config.repl_command:
        command = config.repl_command
    else:
        lake = find_lake()
        if lake is None:
            return f"{NO_TOOLCHAIN} (no `lake` on PATH; install elan, then `sciglm lean setup`)"
        binary = repl_binary(config.project)
        if binary is None:
            return f"{NO_TOOLCHAIN} (no built REPL in {config.project}; run `sciglm lean setup`)"
        try:
            env = lake_environment(lake, config.project)
        except (OSError, subprocess.SubprocessError) as exc:
            return f"unchecked: `lake env` failed in {config.project}: {exc}"
        command, cwd = (str(binary),), config.project
    problem = sandbox_problem(find_bwrap())
    if problem is None:
        return Launch(tuple(sandboxed(command, cwd=cwd)), cwd, env)
    if config.unsandboxed:
        return Launch(command, cwd, env)
    return (
        f"unchecked: {problem}; Lean never runs on untrusted text outside a sandbox "
        "(SCIGLM_LEAN_UNSANDBOXED=1 allows it for local use)"
    )
