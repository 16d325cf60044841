"""Stand in for ``landrun`` inside sciglm's bubblewrap sandbox: each step in a sandbox of its own.

Comparator runs each ``lake build``/``lean4export`` step as ``landrun FLAGS -- CMD ...``, where
the flags say what the step may write (``--rw``/``--rwx PATH``: for ``lake build``, only the
workspace's ``.lake``) and which environment variables it keeps (``--env NAME``). Where no
``landrun`` is installed, sciglm points ``COMPARATOR_LANDRUN`` at this shim, which honours those
flags with a nested bubblewrap sandbox (:func:`sciglm_lean.sandbox.sandboxed`, ``nested``): the
file system read-only except the writable paths, no network, only the kept variables, and the
command found on the trusted ``PATH`` by absolute path. So a Solution build cannot rewrite
``Challenge.lean`` or ``config.json``, plant a ``lean4export`` on ``PATH`` or reach the network.
``$SCIGLM_SHIM_BWRAP`` names the bubblewrap binary (set by the script sciglm writes).
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from sciglm_lean.sandbox import sandboxed

VALUE_FLAGS = {
    "--ro",
    "--rox",
    "--rw",
    "--rwx",
    "--bind-tcp",
    "--connect-tcp",
    "--log-level",
    "--env",
}
#: Landrun's flags granting write access to the path after them.
WRITE_FLAGS = {"--rw", "--rwx"}
#: Paths the nested sandbox provides itself.
PROVIDED = {"/dev", "/proc"}


@dataclass
class Step:
    """One landrun invocation: the command, the paths it may write, the variables it keeps."""

    command: list[str]
    writable: list[Path] = field(default_factory=list)
    keep: list[str] = field(default_factory=list)


def parse(args: list[str]) -> Step:
    """Landrun's own flags and the command after them."""
    step = Step([])
    i = 0
    while i < len(args):
        flag = args[i]
        if flag == "--":
            step.command = args[i + 1 :]
            return step
        if not flag.startswith("-"):
            step.command = args[i:]
            return step
        value = args[i + 1] if flag in VALUE_FLAGS and i + 1 < len(args) else None
        if flag in WRITE_FLAGS and value is not None and value not in PROVIDED:
            step.writable.append(Path(value))
        if flag == "--env" and value is not None:
            step.keep.append(value)
        i += 2 if flag in VALUE_FLAGS else 1
    return step


def command_of(args: list[str]) -> list[str]:
    """The command after landrun's own flags."""
    return parse(args).command


def nested_command(step: Step, bwrap: str, environ: dict[str, str], cwd: Path) -> list[str]:
    """The bubblewrap command line running ``step`` (its program by absolute path)."""
    program = shutil.which(step.command[0], path=environ.get("PATH", os.defpath))
    if program is None:
        raise FileNotFoundError(f"{step.command[0]!r} is not on the trusted PATH")
    env = {name: environ[name] for name in step.keep if name in environ}
    env.setdefault("PATH", environ.get("PATH", os.defpath))
    writable = [p for p in step.writable if p.exists()]
    return sandboxed(
        [os.path.abspath(program), *step.command[1:]],
        writable=writable,
        cwd=cwd,
        bwrap=bwrap,
        nested=True,
        env=env,
    )


def main() -> None:
    step = parse(sys.argv[1:])
    if not step.command:
        sys.exit("landrun shim: no command given")
    bwrap = os.environ.get("SCIGLM_SHIM_BWRAP")
    if not bwrap:
        sys.exit("landrun shim: SCIGLM_SHIM_BWRAP is not set")
    try:
        command = nested_command(step, bwrap, dict(os.environ), Path.cwd())
    except FileNotFoundError as exc:
        sys.exit(f"landrun shim: {exc}")
    os.execv(command[0], command)


if __name__ == "__main__":
    main()
