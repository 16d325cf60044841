"""A stand-in for leanprover/comparator: same command line (``comparator config.json``), run in
the workspace sciglm writes; exit 0 accepts, exit 1 rejects.

It checks what the real one is given: ``config.json`` names the target and the permitted axioms
(and ``enable_nanoda``, required by the pinned comparator), ``Challenge.lean`` states the target
with ``sorry``, ``Solution.lean`` declares it. It runs the Solution build step through
``$COMPARATOR_LANDRUN`` with the pinned comparator's flags (only ``<ws>/.lake`` writable);
``--step CODE`` is Python code that step runs (an attack on later steps). After the
step it trusts the workspace as the real one does, but exits 3 ("tampered") when the step
changed a file a later step reads, planted a ``lean4export`` on ``PATH`` or found a writable
``PATH`` folder. Exit 4: ``LEAN_PATH`` is not the workspace's (``lake env`` was not used, where
``--want-lake-env``); exit 5: its address space is capped below the hard limit.
A solution holding ``COMPARATOR_REJECT`` is rejected with comparator's message, one holding
``COMPARATOR_BUILD_FAILS`` fails its build step. ``--escape PATH``: a path outside
the workspace it tries to write; ``--sleep S``: seconds to hang first. (Options come before the
config path, which sciglm appends: the sandbox passes no environment variable of the tests.)
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path


def snapshot(root: Path) -> dict[str, str]:
    """The workspace's files outside ``.lake`` (what later steps trust)."""
    return {
        str(p.relative_to(root)): p.read_text(errors="replace")
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".lake" not in p.parts
    }


def tampered(root: Path, before: dict[str, str], export: str | None) -> str | None:
    if snapshot(root) != before:
        return "a workspace file changed"
    if shutil.which("lean4export") not in (None, export):
        return "a lean4export was planted on PATH"
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        if folder in ("", ".") or os.access(folder, os.W_OK):
            return f"PATH folder {folder!r} is writable"
    return None


def options(argv: list[str]) -> dict[str, str]:
    """``--name value`` pairs (``--want-lake-env`` alone) before the config path."""
    found: dict[str, str] = {}
    i = 0
    while i < len(argv) - 1:
        if argv[i] == "--want-lake-env":
            found["want-lake-env"] = "1"
            i += 1
        else:
            found[argv[i].lstrip("-")] = argv[i + 1]
            i += 2
    return found


def main() -> None:
    opts = options(sys.argv[1:])
    config_path = Path(sys.argv[-1])
    config = json.loads(config_path.read_text())
    root = config_path.parent
    challenge = (root / f"{config['challenge_module']}.lean").read_text()
    solution = (root / f"{config['solution_module']}.lean").read_text()
    if "sleep" in opts:
        time.sleep(float(opts["sleep"]))
    escape = opts.get("escape")
    if escape:
        try:
            Path(escape).write_text("escaped")
        except OSError:
            pass
    (name,) = config["theorem_names"]
    if f"theorem {name}" not in challenge or not challenge.rstrip().endswith(":= by sorry"):
        sys.exit(f"fake comparator: bad challenge for {name}")
    if config["permitted_axioms"] != ["propext", "Classical.choice", "Quot.sound"]:
        sys.exit("fake comparator: unexpected permitted axioms")
    if config.get("enable_nanoda") is not False:
        sys.exit("fake comparator: config.json lacks enable_nanoda (the pinned one requires it)")
    if "want-lake-env" in opts:
        if not os.environ.get("LEAN_PATH", "").startswith(str(root)):
            print(f"LEAN_PATH is not the workspace's: {os.environ.get('LEAN_PATH')}")
            sys.exit(4)
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if soft != hard:
        print(f"address space capped at {soft} below the hard limit {hard}")
        sys.exit(5)
    before = snapshot(root)
    code = opts.get("step", "print('built')")
    if "COMPARATOR_BUILD_FAILS" in solution:
        code = "import sys; sys.exit(1)"
    landrun = os.environ.get("COMPARATOR_LANDRUN", "landrun")
    flags = ["--best-effort", "--ro", "/", "--rw", "/dev", "-ldd", "-add-exec"]
    flags += ["--env", "PATH", "--env", "HOME", "--env", "LEAN_ABORT_ON_PANIC"]
    flags += ["--ro", str(root), "--rwx", str(root / ".lake")]
    step = subprocess.run(
        [landrun, *flags, "--", "python3", "-c", code], capture_output=True, text=True, cwd=root
    )
    print(step.stdout, end="")
    if step.returncode != 0:
        print(f"uncaught exception: Child exited with {step.returncode}", file=sys.stderr)
        sys.exit(1)
    problem = tampered(root, before, os.environ.get("COMPARATOR_LEAN4EXPORT"))
    if problem:
        print(f"tampered: {problem}")
        sys.exit(3)
    if "COMPARATOR_REJECT" in solution or f"theorem {name}" not in solution:
        print(
            f"uncaught exception: Challenge and solution theorem statement do not match: '{name}'",
            file=sys.stderr,
        )
        sys.exit(1)
    print("Your solution is okay!")


if __name__ == "__main__":
    main()
