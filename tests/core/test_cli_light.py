"""`sciglm verify` and `sciglm plugins` must not import torch or transformers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROBE = """
import sys
sys.argv = ["sciglm"] + sys.argv[1:]
try:
    from sciglm.cli.main import main
    main()
except SystemExit:
    pass
heavy = sorted(m for m in ("torch", "transformers", "deepspeed") if m in sys.modules)
print("HEAVY=" + ",".join(heavy), file=sys.stderr)
"""


def run_probe(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=120
    )
    return done.stderr


def test_verify_does_not_import_torch(tmp_path: Path) -> None:
    path = tmp_path / "answers.jsonl"
    path.write_text(
        json.dumps({"id": "1", "subject": "math", "response": "\\boxed{2}", "reference": "2"})
        + "\n",
        encoding="utf-8",
    )
    stderr = run_probe("verify", str(path), "--output", str(tmp_path / "out.jsonl"))
    assert "HEAVY=\n" in stderr, stderr
    out = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))
    assert out["correct"] is True


def test_plugins_does_not_import_torch() -> None:
    assert "HEAVY=\n" in run_probe("plugins", "--json")
