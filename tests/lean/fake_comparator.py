"""A stand-in for leanprover/comparator: same command line (``comparator config.json``), run in
the workspace sciglm writes; exit 0 accepts, exit 1 rejects.

It checks what the real one is given: ``config.json`` names the target and the permitted axioms,
``Challenge.lean`` states the target with ``sorry``, ``Solution.lean`` declares it. It runs one
step through ``landrun`` found on PATH, as the pinned comparator does. A solution holding
``COMPARATOR_REJECT`` is rejected. ``$FAKE_COMPARATOR_ESCAPE``: a path outside the workspace it
tries to write (the sandbox must keep that write from reaching the real file system);
``$FAKE_COMPARATOR_SLEEP``: seconds to hang first.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path


def main() -> None:
    config_path = Path(sys.argv[1])
    config = json.loads(config_path.read_text())
    root = config_path.parent
    challenge = (root / f"{config['challenge_module']}.lean").read_text()
    solution = (root / f"{config['solution_module']}.lean").read_text()
    if os.environ.get("FAKE_COMPARATOR_SLEEP"):
        time.sleep(float(os.environ["FAKE_COMPARATOR_SLEEP"]))
    escape = os.environ.get("FAKE_COMPARATOR_ESCAPE")
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
    step = subprocess.run(
        [
            "landrun",
            "--best-effort",
            "--ro",
            "/",
            "--rw",
            "/dev",
            "-ldd",
            "--",
            sys.executable,
            "-c",
            "print('built')",
        ],
        capture_output=True,
        text=True,
    )
    if step.returncode != 0 or step.stdout.strip() != "built":
        sys.exit(f"fake comparator: landrun step failed: {step.stderr}")
    if "COMPARATOR_REJECT" in solution or f"theorem {name}" not in solution:
        print("uncaught exception: theorem does not match the challenge", file=sys.stderr)
        sys.exit(1)
    print("Your solution is okay!")


if __name__ == "__main__":
    main()
