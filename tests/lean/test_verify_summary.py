"""`sciglm verify` reports Lean verdicts as accepted / rejected / unchecked."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

STATEMENT = "theorem t (a : Nat) : a + 0 = a := by sorry"


@pytest.mark.slow
def test_lean_summary_uses_lean_words(tmp_path: Path) -> None:
    records = [
        {
            "id": "cheat",
            "subject": "lean",
            "statement": STATEMENT,
            "response": "theorem t (a : Nat) : a + 0 = a := by sorry",
        },
        {"id": "m", "subject": "math", "response": "\\boxed{2}", "reference": "2"},
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sciglm.cli.main",
            "verify",
            str(path),
            "-o",
            str(tmp_path / "out.jsonl"),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["subjects"]["lean"]["rejected"] == 1
    assert summary["subjects"]["lean"]["accepted"] == 0
    assert summary["subjects"]["math"]["correct"] == 1

    table = subprocess.run(
        [
            sys.executable,
            "-m",
            "sciglm.cli.main",
            "verify",
            str(path),
            "-o",
            str(tmp_path / "out2.jsonl"),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert "accepted / correct" in table.stderr and "unchecked / undecided" in table.stderr
