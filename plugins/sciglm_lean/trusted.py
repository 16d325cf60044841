"""The trusted verdict path: leanprover/comparator run inside a bubblewrap sandbox.

For one proof a fresh Lake workspace is written (``Challenge.lean``: the header and the asked
statement with ``sorry``; ``Solution.lean``: the header and the submitted code; comparator's
``config.json``) that reuses the checker project's built packages. Comparator then compiles the
challenge on its own, compiles the solution, exports both with lean4export, checks that the
target's type and every constant it mentions are the same in both (exactly, universe parameters
included), that the proof uses only the permitted axioms, and replays the solution into Lean's
kernel. The whole run happens in bubblewrap (read-only file system except the workspace, no
network, killed with its parent); comparator's own ``landrun`` steps use ``landrun`` where it is
installed, else :mod:`sciglm_lean.landrun_shim` inside that sandbox.

Only exit status 0 within the time limit is a ``true``. Anything else is ``null`` with the reason:
comparator exits 1 both for a rejected proof and for a failed build, so its failure alone never
becomes ``false``.
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
from sciglm_lean.audit import PERMITTED_AXIOMS
from sciglm_lean.compose import Submission
from sciglm_lean.project import MATHLIB_REV, comparator_binary, lean4export_binary
from sciglm_lean.sandbox import find_bwrap, sandbox_problem, sandboxed

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
    """The files of one comparator run."""

    root: Path
    config: Path


def write_workspace(root: Path, sub: Submission, project: Path) -> Workspace:
    """Write Challenge.lean, Solution.lean, config.json and the Lake files under ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "Challenge.lean").write_text(
        f"{sub.header}\n\n{sub.reference} := by sorry\n", encoding="utf-8"
    )
    (root / "Solution.lean").write_text(f"{sub.header}\n\n{sub.body}\n", encoding="utf-8")
    packages = project / ".lake" / "packages"
    (root / "lakefile.lean").write_text(
        WORKSPACE_LAKEFILE.format(packages=json.dumps(str(packages)), rev=MATHLIB_REV),
        encoding="utf-8",
    )
    for name in ("lean-toolchain", "lake-manifest.json"):
        if (project / name).is_file():
            shutil.copyfile(project / name, root / name)
    config = root / "config.json"
    config.write_text(
        json.dumps(
            {
                "challenge_module": "Challenge",
                "solution_module": "Solution",
                "theorem_names": [sub.name],
                "permitted_axioms": list(PERMITTED_AXIOMS),
            },
            indent=1,
        ),
        encoding="utf-8",
    )
    return Workspace(root, config)


def landrun_for(root: Path) -> tuple[str, str]:
    """The ``landrun`` comparator should call, and the sandbox's name for the verdict (the shim,
    where there is no landrun, runs this Python: :func:`shim_needs`)."""
    real = shutil.which("landrun")
    if real:
        return real, "bubblewrap+landrun"
    shim = root / "landrun"
    paths = os.pathsep.join(p for p in sys.path if p)
    shim.write_text(
        "#!/bin/sh\n"
        f"PYTHONPATH={shlex.quote(paths)} exec {shlex.quote(sys.executable)} "
        '-m sciglm_lean.landrun_shim "$@"\n',
        encoding="utf-8",
    )
    shim.chmod(0o755)
    return str(shim), "bubblewrap"


def shim_needs() -> list[Path]:
    """What the landrun shim reads: this Python's installation and import path."""
    return [Path(sys.prefix), *(Path(p) for p in sys.path if p)]


class TrustedChecker:
    """Runs comparator on one submission; ``problem()`` says why it cannot run here."""

    def __init__(
        self,
        project: Path,
        command: tuple[str, ...] | None = None,
        timeout: float = 900.0,
        env: dict[str, str] | None = None,
    ) -> None:
        self.project = project
        self.timeout = timeout
        self.env = env
        binary = comparator_binary(project)
        self.command = command or ((str(binary),) if binary else None)

    def problem(self) -> str | None:
        """None when comparator and the sandbox are both available, else why not."""
        if self.command is None:
            return (
                f"no comparator built in {self.project} (run `sciglm lean setup`, "
                "or set SCIGLM_LEAN_COMPARATOR)"
            )
        return sandbox_problem(find_bwrap())

    def _environment(self, landrun: str) -> dict[str, str]:
        """The caller's (or ``lake env``'s) environment, with ``landrun`` and lean4export found
        first on PATH (the pinned comparator looks them up there; newer ones read
        ``COMPARATOR_LANDRUN`` / ``COMPARATOR_LEAN4EXPORT``)."""
        env = dict(self.env if self.env is not None else os.environ)
        front = [str(Path(landrun).parent)]
        export = lean4export_binary(self.project)
        if export is not None:
            front.append(str(export.parent))
            env.setdefault("COMPARATOR_LEAN4EXPORT", str(export))
        env["PATH"] = os.pathsep.join(front + [env.get("PATH", os.defpath)])
        env.setdefault("COMPARATOR_LANDRUN", landrun)
        return env

    def check(self, sub: Submission) -> Verdict:
        """``true`` only when comparator accepts within the time limit, in the sandbox."""
        problem = self.problem()
        if problem is not None:
            return Verdict(None, None, f"unchecked: the trusted check cannot run: {problem}")
        assert self.command is not None
        with tempfile.TemporaryDirectory(prefix="sciglm-trusted-") as tmp:
            workspace = write_workspace(Path(tmp), sub, self.project)
            landrun, sandbox = landrun_for(workspace.root)
            env = self._environment(landrun)
            command = sandboxed(
                [*self.command, str(workspace.config)],
                writable=[workspace.root],
                cwd=workspace.root,
                readable=[self.project, *(shim_needs() if sandbox == "bubblewrap" else [])],
            )
            try:
                run = subprocess.run(
                    command,
                    cwd=workspace.root,
                    env=env,
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
        tail = (run.stderr.strip() or run.stdout.strip())[-400:]
        if run.returncode != 0:
            return Verdict(
                None,
                None,
                f"the trusted check did not confirm the proof (comparator exit "
                f"{run.returncode}): {tail}"[:800],
                {"trusted": "not confirmed"},
            )
        return Verdict(
            True,
            None,
            "Lean accepted the proof: exact statement, permitted axioms, kernel replay "
            f"(comparator in {sandbox})",
            {"axioms_permitted": list(PERMITTED_AXIOMS), "sandbox": sandbox},
        )
