"""Fixtures for the Lean tests: the REPL transcripts and a stand-in REPL process."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sciglm_lean.config import Launch

from tests.lean.helpers import FAKE_REPL


@pytest.fixture(scope="session")
def transcripts(shared_data: Path) -> Path:
    """``../shared/lean-repl/transcripts`` (recorded by the real REPL)."""
    path = shared_data.parent / "lean-repl" / "transcripts"
    if not path.is_dir():
        pytest.skip(f"Lean REPL transcripts not found at {path}")
    return path


@pytest.fixture
def fake_log(tmp_path: Path) -> Path:
    return tmp_path / "repl.log"


@pytest.fixture
def fake_record(tmp_path: Path) -> Path:
    return tmp_path / "commands.jsonl"


@pytest.fixture
def fake_launch(fake_log: Path, fake_record: Path, tmp_path: Path) -> Launch:
    """A launch of the stand-in REPL that logs its starts, header loads and proofs, and records
    every command with the history of the environment it ran on."""
    command = (sys.executable, str(FAKE_REPL), "--log", str(fake_log), "--record", str(fake_record))
    return Launch(command, tmp_path)
