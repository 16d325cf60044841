"""Running ``sciglm verify`` the way a user does: a separate process, a JSONL file in and out."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from sciglm.io.jsonl import read_jsonl


def run_sciglm(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``sciglm ARGS`` in a child process, with the plugins installed in this environment."""
    env = dict(os.environ)
    env.pop("SCIGLM_PLUGINS", None)
    command = [sys.executable, "-m", "sciglm.cli.main", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env)


def write_records(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def verify_records(
    tmp_path: Path, records: list[dict[str, Any]], *options: str
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Verdict records and the ``--json`` summary of one ``sciglm verify`` run."""
    source = write_records(tmp_path / "answers.jsonl", records)
    output = tmp_path / "verdicts.jsonl"
    done = run_sciglm("verify", str(source), "--output", str(output), "--json", *options)
    assert done.returncode == 0, done.stderr
    return read_jsonl(output), json.loads(done.stdout)
