"""The trusted verdict path: leanprover/comparator run inside a bubblewrap sandbox.

For one proof a fresh Lake workspace is written (``Challenge.lean``: the header and the asked
statement with ``sorry``; ``Solution.lean``: the header and the submitted code; comparator's
``config.json``), read-only, with only its ``.lake`` writable, reusing the checker project's
built packages. Comparator runs under the workspace's ``lake env`` (its ``LEAN_PATH``, not the
project's), with its own resource limits (:mod:`.launch`), a minimal environment and a ``PATH``
of read-only folders; tools are named by absolute path (``COMPARATOR_LANDRUN``,
``COMPARATOR_LEAN4EXPORT``). It compiles the challenge, compiles the solution, exports both with
lean4export, checks that the target's type and every constant it mentions are the same in both,
that the proof uses only the permitted axioms, and replays the solution into Lean's kernel.
Each build/export step runs under ``landrun`` where it is installed, else under
:mod:`sciglm_lean.landrun_shim` in a nested sandbox that may write the workspace's ``.lake``
only, so no step can write what a later step trusts. The binaries' sha256 must match what
``sciglm lean setup`` recorded (:mod:`.integrity`).

Exit 0 within the time limit is ``true``. A failure comparator reports from its comparison or
kernel replay (after both builds and exports succeeded) is ``false`` with its message; anything
else (a build or export that failed, a timeout, a crash) is ``null``: could not check.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sciglm.records import Verdict
from sciglm_lean import integrity
from sciglm_lean.audit import PERMITTED_AXIOMS
from sciglm_lean.compose import Submission
from sciglm_lean.config import find_lake
from sciglm_lean.project import (
    LEAN_TOOLCHAIN,
    MATHLIB_REV,
    comparator_binary,
    comparator_supports,
    lean4export_binary,
)
from sciglm_lean.sandbox import find_bwrap, sandbox_problem, sandboxed

#: Comparator's messages when it rejects a solution (Comparator/Compare.lean, Axioms.lean and
#: Main.lean at the pinned commit): only these, after both exports, make a ``false``.
REJECTIONS = (
    "does not match",
    "don't match",
    "do not match",
    "Illegal axiom detected",
    "not found in solution",
    "Solution constant is not",
    "kernel rejects the solution",
    "Quotient post-check rejects",
    "Quotient constant mismatch",
)
#: Comparator's message when a sandboxed step (a build, an export) failed: could not check.
STEP_FAILED = "Child exited with"
#: The largest file a trusted run may write, and how many processes it may run.
TRUSTED_MAX_FILE_MB = 8192
TRUSTED_MAX_PROCESSES = 8192

WORKSPACE_LAKEFILE = """import Lake
open Lake DSL

package sciglm_check where
  packagesDir := {packages}

require mathlib from git
  "https://github.com/leanprover-community/mathlib4" @ "{rev}"

lean_lib Challenge
lean_lib Solution
"""


@dataclass(frozen=True)
class Workspace:
    """The files of one comparator run: the workspace ``root`` (read-only), its writable
    ``.lake``, ``config.json``, and ``tools`` (a read-only folder for the landrun shim)."""

    root: Path
    config: Path
    lake_dir: Path
    tools: Path


def write_workspace(root: Path, sub: Submission, project: Path) -> Workspace:
    """Write Challenge.lean, Solution.lean, config.json and the Lake files under ``root``
    (read-only), an empty writable ``.lake``, and a ``tools`` folder beside the workspace."""
    root.mkdir(parents=True, exist_ok=True)
    files = {
        "Challenge.lean": f"{sub.header}\n\n{sub.reference} := by sorry\n",
        "Solution.lean": f"{sub.header}\n\n{sub.body}\n",
        "lakefile.lean": WORKSPACE_LAKEFILE.format(
            packages=json.dumps(str(project / ".lake" / "packages")), rev=MATHLIB_REV
        ),
        "config.json": json.dumps(
            {
                "challenge_module": "Challenge",
                "solution_module": "Solution",
                "theorem_names": [sub.name],
                "permitted_axioms": list(PERMITTED_AXIOMS),
                "enable_nanoda": False,
            },
            indent=1,
        ),
    }
    for name in ("lean-toolchain", "lake-manifest.json"):
        if (project / name).is_file():
            files[name] = (project / name).read_text(encoding="utf-8")
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
        (root / name).chmod(0o444)
    lake_dir = root / ".lake"
    lake_dir.mkdir(exist_ok=True)
    tools = root.parent / f"{root.name}-tools"
    tools.mkdir(exist_ok=True)
    return Workspace(root, root / "config.json", lake_dir, tools)


def landrun_for(workspace: Workspace, bwrap: str) -> tuple[str, str]:
    """The ``landrun`` comparator should call (absolute), and the sandbox's name for the
    verdict: real landrun where installed, else the shim (:mod:`.landrun_shim`), written into the
    read-only tools folder, never into the workspace."""
    real = shutil.which("landrun")
    if real:
        return os.path.abspath(real), "bubblewrap+landrun"
    shim = workspace.tools / "landrun"
    paths = os.pathsep.join(str(p) for p in shim_import_path())
    shim.write_text(
        "#!/bin/sh\n"
        f"SCIGLM_SHIM_BWRAP={shlex.quote(bwrap)} PYTHONPATH={shlex.quote(paths)} "
        f'exec {shlex.quote(sys.executable)} -m sciglm_lean.landrun_shim "$@"\n',
        encoding="utf-8",
    )
    shim.chmod(0o555)
    return str(shim), "bubblewrap, each step in a nested sandbox"


def shim_import_path() -> list[Path]:
    """Where the shim's Python finds sciglm: this process's ``sys.path`` and the folders that
    hold ``sciglm`` and ``sciglm_lean`` themselves (an editable install finds them through an
    import hook, not ``sys.path``: a checkout under ``/tmp`` was then hidden by the sandbox)."""
    import sciglm
    import sciglm_lean

    homes = [Path(module.__file__).resolve().parent.parent for module in (sciglm, sciglm_lean)]
    return [*homes, *(Path(p) for p in sys.path if p)]


def shim_needs() -> list[Path]:
    """What the landrun shim reads: this Python's installation and import path."""
    return [Path(sys.prefix), *shim_import_path()]


def trusted_path(*folders: Path | None) -> str:
    """A ``PATH`` of the given tool folders and the system's, none of them writable in the
    sandbox (the workspace is never on it)."""
    system = [Path("/usr/local/bin"), Path("/usr/bin"), Path("/bin")]
    found = [str(f) for f in [*folders, *system] if f is not None]
    return os.pathsep.join(dict.fromkeys(found))


def judge(returncode: int, output: str, sandbox: str) -> Verdict:
    """The verdict from comparator's exit status and output (see the module's docstring)."""
    if returncode == 0:
        return Verdict(
            True,
            None,
            "Lean accepted the proof: exact statement, permitted axioms, kernel replay "
            f"(comparator in {sandbox})",
            {"axioms_permitted": list(PERMITTED_AXIOMS), "sandbox": sandbox},
        )
    tail = output.strip()[-400:]
    last = (output.strip().splitlines() or [""])[-1]
    if STEP_FAILED not in last and any(marker in last for marker in REJECTIONS):
        return Verdict(
            False, None, f"rejected by comparator: {last[-600:]}", {"trusted": "rejected"}
        )
    return Verdict(
        None,
        None,
        f"the trusted check could not run to its end (comparator exit {returncode}): {tail}"[:800],
        {"trusted": "not confirmed"},
    )


class TrustedChecker:
    """Runs comparator on one submission; ``problem()`` says why it cannot run here."""

    def __init__(
        self,
        project: Path,
        command: tuple[str, ...] | None = None,
        timeout: float = 900.0,
        memory_mb: int = 0,
    ) -> None:
        self.project = project
        self.timeout = timeout
        self.memory_mb = memory_mb
        binary = comparator_binary(project)
        self.built = command is None
        self.command = command or ((str(binary),) if binary else None)

    def binaries(self) -> list[Path]:
        """The built binaries whose sha256 ``sciglm lean setup`` records."""
        found = [comparator_binary(self.project), lean4export_binary(self.project)]
        return [b for b in found if b is not None]

    def problem(self) -> str | None:
        """None when comparator and the sandbox are both available, else why not."""
        if self.command is None:
            return (
                f"no comparator built in {self.project} (run `sciglm lean setup`, "
                "or set SCIGLM_LEAN_COMPARATOR)"
            )
        if self.built:
            toolchain = self.project / "lean-toolchain"
            pinned = toolchain.read_text() if toolchain.is_file() else LEAN_TOOLCHAIN
            unsupported = comparator_supports(pinned)
            if unsupported:
                return unsupported
            if lean4export_binary(self.project) is None:
                return f"no lean4export built in {self.project} (run `sciglm lean setup`)"
            changed = integrity.changed(self.project, self.binaries())
            if changed:
                return changed
        return sandbox_problem(find_bwrap())

    def _environment(self, landrun: str, lake: str | None) -> dict[str, str]:
        """A minimal environment: a read-only ``PATH``, ``HOME``, the tools by absolute path."""
        export = lean4export_binary(self.project)
        env = {
            "PATH": trusted_path(
                Path(landrun).parent,
                Path(lake).parent if lake else None,
                export.parent if export else None,
                Path(sys.executable).parent,
            ),
            "HOME": os.environ.get("HOME", "/"),
            "LANG": "C.UTF-8",
            "COMPARATOR_LANDRUN": landrun,
        }
        if export is not None:
            env["COMPARATOR_LEAN4EXPORT"] = str(export.resolve())
        return env

    def command_line(self, workspace: Workspace, bwrap: str) -> tuple[list[str], str]:
        """The whole command (limits, sandbox, ``lake env``, comparator) and the sandbox name."""
        assert self.command is not None
        landrun, sandbox = landrun_for(workspace, bwrap)
        lake = find_lake()
        inner = [*([lake, "env"] if lake else []), *self.command, str(workspace.config)]
        shim = shim_needs() if landrun.startswith(str(workspace.tools)) else []
        boxed = sandboxed(
            inner,
            writable=[workspace.lake_dir],
            cwd=workspace.root,
            bwrap=bwrap,
            readable=[workspace.root, workspace.tools, self.project, *shim],
            env=self._environment(landrun, lake),
        )
        launcher = [sys.executable, "-m", "sciglm_lean.launch", "--parent", str(os.getpid())]
        launcher += ["--memory-mb", str(self.memory_mb)]
        launcher += ["--max-file-mb", str(TRUSTED_MAX_FILE_MB)]
        launcher += ["--max-processes", str(TRUSTED_MAX_PROCESSES), "--"]
        return launcher + boxed, sandbox

    def check(self, sub: Submission) -> Verdict:
        """``true`` only when comparator accepts within the time limit, in the sandbox."""
        problem = self.problem()
        if problem is not None:
            return Verdict(None, None, f"unchecked: the trusted check cannot run: {problem}")
        bwrap = find_bwrap()
        assert bwrap is not None
        with tempfile.TemporaryDirectory(prefix="sciglm-trusted-") as tmp:
            workspace = write_workspace(Path(tmp) / "ws", sub, self.project)
            command, sandbox = self.command_line(workspace, bwrap)
            try:
                run = subprocess.run(
                    command,
                    cwd=workspace.root,
                    capture_output=True,
                    text=True,
                    errors="replace",
                    timeout=self.timeout,
                    stdin=subprocess.DEVNULL,
                )
            except subprocess.TimeoutExpired:
                return Verdict(
                    None,
                    None,
                    f"the trusted check timed out after {self.timeout:g}s",
                    {"trusted": "timeout"},
                )
            except OSError as exc:
                return Verdict(None, None, f"the trusted check cannot start: {exc}")
            finally:
                _writable(Path(tmp))
        return judge(run.returncode, f"{run.stdout}\n{run.stderr}", sandbox)


def _writable(root: Path) -> None:
    """Make the read-only workspace removable again."""
    for path in [root, *root.rglob("*")]:
        if not path.is_symlink():
            path.chmod(path.stat().st_mode | 0o200)
