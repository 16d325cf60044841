"""Loading the built-in plugins and registering their subjects imports no checking library.

Every command loads the plugins, and ``sciglm verify``'s own process only reads their names,
timeouts and verdict labels: sympy, math-verify, pint and the Lean client load inside the
verifier workers, on the first check that needs them. Each probe runs in a fresh interpreter
and reads ``sys.modules``, so the figures do not depend on the machine's load.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

#: What registering must not import: checking libraries and the plugins' checking code.
HEAVY = ("sympy", "math_verify", "latex2sympy2_extended", "pint", "sciglm_math.check",
         "sciglm.answers.science", "sciglm_lean.checker", "sciglm_lean.repl")

REGISTER = """
import json, sys
from sciglm import plugins, registry
from sciglm.records import VerifyItem

subjects = sorted(registry.subjects())
registered = sorted(sys.modules)
math = registry.get_subject("math").verify(VerifyItem("1", "math", "$x^2+2x+1$", "(x+1)^2"))
physics = registry.get_subject("physics").verify(VerifyItem("2", "physics", "2 km", "2000 m"))
print(json.dumps({"subjects": subjects, "failed": [f.name for f in plugins.failures],
                  "registered": registered, "checked": sorted(sys.modules),
                  "verdicts": [math.correct, physics.correct]}))
"""

CLI = """
import json, sys
sys.argv = ["sciglm"] + sys.argv[1:]
from sciglm.cli.main import main
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)))
"""


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "SCIGLM_PLUGINS"}  # every entry point


def _heavy(modules: list[str]) -> list[str]:
    return sorted(m for m in modules if m in HEAVY or m.split(".")[0] in HEAVY)


def test_registering_the_built_in_subjects_imports_no_checking_library() -> None:
    done = subprocess.run([sys.executable, "-c", REGISTER], capture_output=True, text=True,
                          timeout=120, env=_env(), check=True)
    probe = json.loads(done.stdout)
    assert {"math", "physics", "chemistry", "biology", "lean"} <= set(probe["subjects"])
    assert probe["failed"] == []
    assert _heavy(probe["registered"]) == []
    # control: the same probe sees them once checks have needed them
    assert probe["verdicts"] == [True, True]
    assert {"sympy", "math_verify", "pint", "sciglm_math.check"} <= set(probe["checked"])


def test_verify_of_a_few_records_loads_no_checking_library_in_its_own_process(
    tmp_path: Path,
) -> None:
    """The command's process stays light; its workers are forked from it (no fork server)."""
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps({"id": "1", "subject": "math", "response": "\\boxed{2}",
                                "reference": "2"}) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    done = subprocess.run([sys.executable, "-c", CLI, "verify", str(path), "-o", str(out)],
                          capture_output=True, text=True, timeout=120, env=_env())
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["correct"] is True
    modules = json.loads(done.stdout.strip().splitlines()[-1])
    assert _heavy(modules) == []
    assert "multiprocessing.forkserver" not in modules
