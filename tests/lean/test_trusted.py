"""The trusted path: the comparator workspace, the sandbox, the landrun shim."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from sciglm_lean.compose import compose
from sciglm_lean.landrun_shim import command_of
from sciglm_lean.project import MATHLIB_REV
from sciglm_lean.sandbox import sandbox_problem, sandboxed
from sciglm_lean.trusted import TrustedChecker, write_workspace

from tests.lean.helpers import FAKE_COMPARATOR, STATEMENT, fake_trusted, requires_bwrap

HONEST = "  subst h\n  rfl"


def test_workspace_holds_challenge_solution_and_config(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "lean-toolchain").write_text("leanprover/lean4:v4.24.0\n")
    sub = compose(STATEMENT, HONEST, "import Mathlib\nopen Nat")
    ws = write_workspace(tmp_path / "ws", sub, project)
    challenge = (ws.root / "Challenge.lean").read_text()
    assert challenge == (
        "import Mathlib\nopen Nat\n\ntheorem add_one (x : ℕ) (h : x = 2) : x + 1 = 3 := by sorry\n"
    )
    solution = (ws.root / "Solution.lean").read_text()
    assert solution == f"import Mathlib\nopen Nat\n\n{sub.body}\n" and "subst h" in solution
    config = json.loads(ws.config.read_text())
    assert config == {
        "challenge_module": "Challenge",
        "solution_module": "Solution",
        "theorem_names": ["add_one"],
        "permitted_axioms": ["propext", "Classical.choice", "Quot.sound"],
    }
    lakefile = (ws.root / "lakefile.lean").read_text()
    assert json.dumps(str(project / ".lake" / "packages")) in lakefile and MATHLIB_REV in lakefile
    assert (ws.root / "lean-toolchain").read_text() == "leanprover/lean4:v4.24.0\n"


def test_landrun_shim_drops_landrun_flags() -> None:
    flags = ["--best-effort", "--ro", "/", "--rw", "/dev", "-ldd", "--env", "PATH"]
    assert command_of([*flags, "--", "lake", "build"]) == ["lake", "build"]
    assert command_of([*flags, "lean4export", "-x"]) == ["lean4export", "-x"]
    assert command_of(["--ro", "/"]) == []


def test_missing_sandbox_or_comparator_is_named(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    sub = compose(STATEMENT, HONEST)
    verdict = TrustedChecker(tmp_path).check(sub)
    assert verdict.correct is None and "no comparator built" in verdict.reason
    monkeypatch.setenv("SCIGLM_LEAN_BWRAP", "")
    verdict = fake_trusted(tmp_path).check(sub)
    assert verdict.correct is None and "bubblewrap (bwrap) not found" in verdict.reason
    assert "cannot run /nonexistent/bwrap" in (sandbox_problem("/nonexistent/bwrap") or "")


@requires_bwrap
def test_comparator_runs_sandboxed_and_only_exit_0_is_true(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    outside = tmp_path / "escaped"
    monkeypatch.setenv("FAKE_COMPARATOR_ESCAPE", str(outside))
    trusted = fake_trusted(tmp_path)
    good = trusted.check(compose(STATEMENT, HONEST))
    assert good.correct is True and good.details["sandbox"].startswith("bubblewrap")
    assert not outside.exists()  # the write went to the sandbox's private /tmp
    bad = trusted.check(compose(STATEMENT, HONEST + "\n  -- COMPARATOR_REJECT"))
    assert bad.correct is None and "comparator exit 1" in bad.reason
    assert "does not match the challenge" in bad.reason


@requires_bwrap
def test_a_hanging_comparator_costs_its_timeout(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("FAKE_COMPARATOR_SLEEP", "30")
    trusted = TrustedChecker(tmp_path, (sys.executable, str(FAKE_COMPARATOR)), timeout=1.0)
    verdict = trusted.check(compose(STATEMENT, HONEST))
    assert verdict.correct is None and "timed out after 1s" in verdict.reason


@requires_bwrap
def test_the_sandbox_has_no_network_and_a_read_only_file_system(tmp_path: Path) -> None:
    import subprocess

    writable = tmp_path / "rw"
    writable.mkdir()
    script = (
        "import socket, pathlib, sys\n"
        f"pathlib.Path({str(writable / 'ok')!r}).write_text('x')\n"
        "try:\n"
        f"    pathlib.Path({str(Path(__file__).parent / 'nope')!r}).write_text('x')\n"
        "    sys.exit('wrote outside')\n"
        "except OSError:\n"
        "    pass\n"
        "try:\n"
        "    socket.create_connection(('1.1.1.1', 53), timeout=2)\n"
        "    sys.exit('network')\n"
        "except OSError:\n"
        "    pass\n"
    )
    run = subprocess.run(
        sandboxed([sys.executable, "-c", script], writable=[writable]),
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ,
    )
    assert run.returncode == 0, run.stderr
    assert (writable / "ok").exists()


def _project_with_a_repl(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    repl = project / ".lake" / "packages" / "REPL" / ".lake" / "build" / "bin" / "repl"
    repl.parent.mkdir(parents=True)
    repl.write_text("#!/bin/sh\nexit 0\n")
    repl.chmod(0o755)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    lake = bin_dir / "lake"
    lake.write_text('#!/bin/sh\n[ "$1" = env ] && shift && exec "$@"\n')  # `lake env CMD`
    lake.chmod(0o755)
    return project


@requires_bwrap
def test_the_project_repl_runs_in_the_sandbox(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from sciglm_lean.config import LeanConfig, resolve_launch

    project = _project_with_a_repl(tmp_path)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:{os.environ['PATH']}")
    launch = resolve_launch(LeanConfig(project=project))
    assert not isinstance(launch, str), launch
    assert launch.command[0].endswith("bwrap") and "--unshare-all" in launch.command
    assert launch.command[-1].endswith("/bin/repl")
    monkeypatch.setenv("SCIGLM_LEAN_BWRAP", "")
    assert isinstance(resolve_launch(LeanConfig(project=project)), str)  # no sandbox: no REPL
    plain = resolve_launch(LeanConfig(project=project, unsandboxed=True))
    assert not isinstance(plain, str) and plain.command[0].endswith("/bin/repl")


def test_what_the_command_needs_from_the_real_tmp_is_shown_read_only(tmp_path: Path) -> None:
    """The sandbox's /tmp is private: a program installed under the real /tmp (a venv, a
    toolchain), its working folder and a project there are bound back, read-only; what does
    not exist is not bound (bubblewrap would refuse to start)."""
    prefix = tmp_path / "venv"
    (prefix / "bin").mkdir(parents=True)
    program = prefix / "bin" / "tool"
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    project = tmp_path / "project"
    for folder in (project, tmp_path / "work", tmp_path / "rw"):
        folder.mkdir()
    args = sandboxed([str(program)], cwd=tmp_path / "work",
                     readable=[project, Path("/usr"), tmp_path / "missing"],
                     writable=[tmp_path / "rw"], bwrap="bwrap")
    bound = [(args[i], args[i + 1]) for i in range(len(args) - 1) if args[i].endswith("bind")]
    assert ("--ro-bind", str(prefix)) in bound
    assert ("--ro-bind", str(tmp_path / "work")) in bound
    assert ("--ro-bind", str(project)) in bound
    assert ("--bind", str(tmp_path / "rw")) in bound
    assert ("--ro-bind", "/usr") not in bound  # outside /tmp: already in the read-only root
    assert all("missing" not in path for _, path in bound)
    assert args.index("/tmp") < args.index(str(prefix))  # bound after the private /tmp
