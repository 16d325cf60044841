"""The lean subject from the command line: ``sciglm verify``, ``questions``, ``lean doctor``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sciglm_lean import project

from tests.lean.helpers import (
    FAKE_COMPARATOR,
    FAKE_REPL,
    HONEST,
    STATEMENT,
    requires_bwrap,
    requires_lake,
    requires_trusted,
)

REPO = Path(__file__).resolve().parents[2]
SCIGLM = [sys.executable, "-m", "sciglm.cli.main"]


def run(args: list[str], env: dict[str, str] | None = None, **kw) -> subprocess.CompletedProcess:
    full_env = os.environ | {"SCIGLM_PLUGINS": "lean"} | (env or {})
    return subprocess.run(
        SCIGLM + args, capture_output=True, text=True, env=full_env, timeout=120, **kw
    )


def write_records(path: Path) -> None:
    records = [
        {"id": "honest", "subject": "lean", "statement": STATEMENT, "response": HONEST},
        {"id": "sorry", "subject": "lean", "statement": STATEMENT, "response": "  sorry"},
        {"id": "native", "subject": "lean", "statement": STATEMENT, "response": "  native_decide"},
        {
            "id": "misstated",
            "subject": "lean",
            "statement": STATEMENT,
            "response": "theorem add_one (x : ℕ) (h : x = 2) : True := trivial",
        },
    ]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))


def test_verify_without_lean_screens_cheats_and_leaves_the_rest_unchecked(tmp_path: Path) -> None:
    records = tmp_path / "proofs.jsonl"
    write_records(records)
    out = tmp_path / "verdicts.jsonl"
    env = {"SCIGLM_LEAN_PROJECT": str(tmp_path), "PATH": os.path.dirname(sys.executable)}
    result = run(["verify", str(records), "-o", str(out), "--workers", "1", "--json"], env)
    assert result.returncode == 0, result.stderr
    verdicts = {v["id"]: v for v in map(json.loads, out.read_text().splitlines())}
    assert verdicts["honest"]["correct"] is None
    assert verdicts["honest"]["reason"].startswith("unchecked: Lean toolchain not found")
    assert all(verdicts[k]["correct"] is False for k in ("sorry", "native", "misstated"))
    summary = json.loads(result.stdout)
    assert (
        summary["subjects"]["lean"]["wrong"] == 3 and summary["subjects"]["lean"]["undecided"] == 1
    )


def verify_with_stand_ins(tmp_path: Path, **env: str) -> list[dict]:
    records = tmp_path / "proofs.jsonl"
    write_records(records)
    out = tmp_path / "verdicts.jsonl"
    env = {
        "SCIGLM_LEAN_REPL": f"{sys.executable} {FAKE_REPL}",
        "SCIGLM_LEAN_COMPARATOR": f"{sys.executable} {FAKE_COMPARATOR}",
        "SCIGLM_LEAN_PROJECT": str(tmp_path),
        **env,
    }
    result = run(["verify", str(records), "-o", str(out), "--workers", "2"], env)
    assert result.returncode == 0, result.stderr
    verdicts = [json.loads(line) for line in out.read_text().splitlines()]
    assert [v["id"] for v in verdicts] == ["honest", "sorry", "native", "misstated"]
    return verdicts


@requires_bwrap
def test_verify_routes_lean_records_to_a_repl_and_the_trusted_path(tmp_path: Path) -> None:
    """With a REPL and comparator configured (here stand-ins), verify runs proofs through both."""
    verdicts = verify_with_stand_ins(tmp_path)
    assert [v["correct"] for v in verdicts] == [True, False, False, False]
    assert verdicts[0]["details"]["sandbox"].startswith("bubblewrap")


def test_verify_without_a_sandbox_never_says_true(tmp_path: Path) -> None:
    verdicts = verify_with_stand_ins(tmp_path, SCIGLM_LEAN_BWRAP="")
    assert [v["correct"] for v in verdicts] == [None, False, False, False]
    assert "bubblewrap (bwrap) not found" in verdicts[0]["reason"]
    assert "REPL accepted" not in verdicts[0]["reason"]  # no Lean ran outside a sandbox
    local = verify_with_stand_ins(tmp_path, SCIGLM_LEAN_BWRAP="", SCIGLM_LEAN_UNSANDBOXED="1")
    assert [v["correct"] for v in local] == [None, False, False, False]
    assert "REPL accepted the proof" in local[0]["reason"]  # local use: the REPL ran
    assert "bubblewrap (bwrap) not found" in local[0]["reason"]  # but no true without one


def test_verify_names_the_bad_line(tmp_path: Path) -> None:
    records = tmp_path / "bad.jsonl"
    records.write_text('{"id": "a", "subject": "lean", "statement": "x"}\n')
    result = run(["verify", str(records)])
    assert result.returncode == 1
    assert f"{records}:1: record has no 'response' text" in result.stderr


def test_minif2f_loader_through_questions(shared_data: Path) -> None:
    path = shared_data / "minif2f-lean4" / "minif2f.jsonl"
    result = run(["questions", "--source", f"minif2f:{path}", "--jsonl", "--limit", "3"])
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 3 and all(r["subject"] == "lean" for r in rows)
    assert rows[0]["question"].startswith("theorem ") and rows[0]["question"].endswith("sorry")
    assert rows[0]["meta"]["header"].startswith("import Mathlib")


def test_leandojo_loader_reports_missing_fields(tmp_path: Path) -> None:
    path = tmp_path / "dojo.json"
    good = {"full_name": "Nat.add_comm", "file_path": "Mathlib/A.lean", "url": "u", "commit": "c"}
    path.write_text(json.dumps([good, {"full_name": "x"}]))
    result = run(["questions", "--source", f"leandojo:{path}", "--jsonl"])
    assert result.returncode == 1
    assert f"{path}:2: LeanDojo record lacks url, commit, file_path" in result.stderr


def test_doctor_reports_missing_toolchain(tmp_path: Path) -> None:
    env = {"SCIGLM_LEAN_PROJECT": str(tmp_path), "PATH": os.path.dirname(sys.executable)}
    result = run(["lean", "doctor", "--json"], env)
    rows = {r["check"]: r for r in json.loads(result.stdout)}
    assert result.returncode == 1
    assert rows["lake (elan)"]["state"] == "missing"
    assert rows["checker"]["detail"].startswith("unchecked: Lean toolchain not found")
    assert rows["comparator"]["state"] == "missing"
    assert rows["true verdicts"]["state"] == "missing"
    assert rows["true verdicts"]["detail"].startswith("impossible here: no comparator built")


def _doctor_rows(project_dir: Path, toolchain: str) -> dict[str, dict]:
    """``sciglm lean doctor --json`` on a project with built stand-in trusted binaries."""
    for binary in (
        project.comparator_dir(project_dir) / ".lake/build/bin/comparator",
        project.lean4export_dir(project_dir) / ".lake/build/bin/lean4export",
    ):
        binary.parent.mkdir(parents=True, exist_ok=True)
        binary.write_text("#!/bin/sh\n")
        binary.chmod(0o755)
    (project_dir / "lean-toolchain").write_text(toolchain + "\n")
    env = {"SCIGLM_LEAN_PROJECT": str(project_dir), "PATH": os.path.dirname(sys.executable)}
    return {r["check"]: r for r in json.loads(run(["lean", "doctor", "--json"], env).stdout)}


def test_doctor_says_the_pinned_toolchain_is_one_comparator_supports(tmp_path: Path) -> None:
    rows = _doctor_rows(tmp_path, project.LEAN_TOOLCHAIN)
    assert "comparator" in rows["a true requires"]["detail"]
    assert "nested sandbox" in rows["a true requires"]["detail"]
    assert rows["comparator supports the toolchain"] == {
        "check": "comparator supports the toolchain", "state": "ok", "detail": "yes"}
    assert "String.ofList" not in rows["true verdicts"]["detail"]  # the next gap is named
    assert "no record of the trusted binaries" in rows["true verdicts"]["detail"]
    written_for = rows["records written for"]["detail"]
    assert project.DATA_TOOLCHAIN in written_for and project.LEAN_TOOLCHAIN in written_for
    assert project.LEAN4EXPORT_TAG in rows["pinned versions"]["detail"]


def test_doctor_says_why_no_true_on_an_older_toolchain(tmp_path: Path) -> None:
    rows = _doctor_rows(tmp_path, "leanprover/lean4:v4.24.0")
    assert rows["comparator supports the toolchain"]["state"] == "missing"
    assert rows["lean-toolchain"]["state"] == "missing"
    assert "String.mk" in rows["true verdicts"]["detail"]
    assert rows["true verdicts"]["state"] == "missing"


def test_setup_without_elan_is_one_clear_error(tmp_path: Path) -> None:
    env = {"PATH": os.path.dirname(sys.executable), "HOME": str(tmp_path)}
    result = run(["lean", "setup", "--dir", str(tmp_path / "proj")], env)
    assert result.returncode == 1
    assert result.stderr.strip().startswith("Error: lake not found: install elan")


def fake_lake(folder: Path, fail_on: str = "") -> Path:
    """A stand-in ``lake`` that logs its arguments (and fails on ``fail_on``)."""
    folder.mkdir()
    script = folder / "lake"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$*" >> "{folder}/calls"\n'
        'echo "lake says: $*"\n'
        + (f'case "$*" in "{fail_on}") echo "boom"; exit 3;; esac\n' if fail_on else "")
    )
    script.chmod(0o755)
    git = folder / "git"  # a stand-in git: no network in tests
    git.write_text(
        "#!/bin/sh\n"
        f'echo "git $*" >> "{folder}/calls"\n'
        'if [ "$1" = clone ]; then mkdir -p "$3/.git"; fi\n'
    )
    git.chmod(0o755)
    return folder


def test_setup_writes_the_project_and_runs_the_lake_steps(tmp_path: Path) -> None:
    bin_dir = fake_lake(tmp_path / "bin")
    env = {"PATH": f"{bin_dir}:{os.path.dirname(sys.executable)}:/usr/bin:/bin"}
    result = run(["lean", "setup", "--dir", str(tmp_path / "proj")], env)
    assert result.returncode == 0, result.stderr
    calls = (bin_dir / "calls").read_text().splitlines()
    lake_dir = tmp_path / "proj" / ".lake"
    assert calls == [
        "update",
        "exe cache get",
        "build",
        "exe repl",
        f"git clone {project.LEAN4EXPORT_URL} {lake_dir / 'lean4export'}",
        f"git checkout --detach {project.LEAN4EXPORT_REV}",
        "build lean4export",
        f"git clone {project.COMPARATOR_URL} {lake_dir / 'comparator'}",
        f"git checkout --detach {project.COMPARATOR_REV}",
        "build comparator",
    ]
    assert (tmp_path / "proj" / "lakefile.lean").read_text() == project.LAKEFILE
    assert (tmp_path / "proj" / "lean_env" / "SciglmLean" / "Header.lean").is_file()
    assert "[4/10] build the REPL" in result.stderr
    assert "[10/10] build comparator" in result.stderr
    assert (lake_dir / "sciglm-trusted.json").is_file()  # the binaries' sha256, for each run


def test_setup_stops_at_the_failing_step_with_one_error_line(tmp_path: Path) -> None:
    bin_dir = fake_lake(tmp_path / "bin", fail_on="build")
    env = {"PATH": f"{bin_dir}:{os.path.dirname(sys.executable)}:/usr/bin:/bin"}
    result = run(["lean", "setup", "--dir", str(tmp_path / "proj"), "--skip-cache"], env)
    assert result.returncode == 1
    assert (bin_dir / "calls").read_text().splitlines() == ["update", "build"]
    assert result.stderr.strip().splitlines()[-1] == (
        f"Error: `lake build` in {tmp_path / 'proj'} failed (exit 3): boom"
    )


def test_root_project_files_match_the_pins() -> None:
    for relative, text in project.project_files().items():
        assert (REPO / relative).read_text(encoding="utf-8") == text, relative
    assert (REPO / "lean-toolchain").read_text() == project.LEAN_TOOLCHAIN + "\n"


def verify_with_real_lean(tmp_path: Path) -> list[dict]:
    records = tmp_path / "proofs.jsonl"
    write_records(records)
    out = tmp_path / "verdicts.jsonl"
    result = run(["verify", str(records), "-o", str(out), "--workers", "1"], timeout=None)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in out.read_text().splitlines()]


@pytest.mark.lean
@requires_lake
def test_real_lean_repl_accepts_add_one_under_open_nat_and_rejects_cheats(tmp_path: Path) -> None:
    """With the real REPL (after `sciglm lean setup`). The default header opens `Nat`, where
    `Nat.add_one` exists: the audit names `add_one` exactly (Name.str), so the honest proof is
    not lost to an ambiguous name. Without comparator it is `null` ("REPL accepted"), not true."""
    honest, *cheats = verify_with_real_lean(tmp_path)
    assert honest["correct"] is not False, honest
    if honest["correct"] is None:
        assert honest["details"]["repl"] == "accepted", honest
    assert [v["correct"] for v in cheats] == [False, False, False]


@pytest.mark.lean
@requires_trusted
def test_real_lean_accepts_a_proof_and_rejects_cheats(tmp_path: Path) -> None:
    """End to end with the real REPL, comparator and bubblewrap."""
    verdicts = verify_with_real_lean(tmp_path)
    assert [v["correct"] for v in verdicts] == [True, False, False, False]


#: Cheats only Lean can see through: the statement text matches, the meaning does not.
LEAN_ONLY_CHEATS = [
    "variable (hf : False)\ninclude hf\ntheorem add_one (x : ℕ) (h : x = 2) : x + 1 = 3 := hf.elim",
    "instance (priority := high) bogus : Add ℕ := ⟨fun _ _ => 3⟩\n"
    "theorem add_one (x : ℕ) (h : x = 2) : x + 1 = 3 := by\n  rfl",
    "theorem add_one (x : ℕ) (h : x = 2) : x + 1 = 3 := by\n  exact (by simp : False).elim",
]


@pytest.mark.lean
@requires_lake
def test_real_lean_sees_through_statement_preserving_cheats() -> None:
    from sciglm_lean.checker import LeanChecker

    checker = LeanChecker()
    try:
        assert checker.check(STATEMENT, "  subst h\n  rfl").correct is not False
        for response in LEAN_ONLY_CHEATS:
            assert checker.check(STATEMENT, response).correct is False, response
    finally:
        checker.close()
