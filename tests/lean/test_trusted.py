"""The trusted path: the comparator workspace, the sandbox, the landrun shim."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sciglm_lean.compose import compose
from sciglm_lean.landrun_shim import command_of
from sciglm_lean.project import MATHLIB_REV
from sciglm_lean.sandbox import sandbox_problem, sandboxed
from sciglm_lean.trusted import TrustedChecker, write_workspace

from tests.lean.helpers import STATEMENT, fake_trusted, requires_bwrap

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
        "enable_nanoda": False,  # a required field of the pinned comparator's Config
    }
    # read-only, but for the .lake folder the builds write
    assert all(not os.access(ws.root / name, os.W_OK) or os.geteuid() == 0
               for name in ("Challenge.lean", "Solution.lean", "config.json"))
    assert all((ws.root / n).stat().st_mode & 0o222 == 0 for n in ("Challenge.lean", "config.json"))
    assert ws.lake_dir == ws.root / ".lake" and ws.lake_dir.is_dir()
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
    trusted = fake_trusted(tmp_path, "--escape", str(outside))
    good = trusted.check(compose(STATEMENT, HONEST))
    assert good.correct is True and good.details["sandbox"].startswith("bubblewrap")
    assert not outside.exists()  # the write went to the sandbox's private /tmp
    bad = trusted.check(compose(STATEMENT, HONEST + "\n  -- COMPARATOR_REJECT"))
    assert bad.correct is False and bad.details["trusted"] == "rejected"  # rejected: false
    assert "statement do not match: 'add_one'" in bad.reason
    broken = trusted.check(compose(STATEMENT, HONEST + "\n  -- COMPARATOR_BUILD_FAILS"))
    assert broken.correct is None and "Child exited with 1" in broken.reason  # could not check


@requires_bwrap
def test_a_hanging_comparator_costs_its_timeout(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    trusted = fake_trusted(tmp_path, "--sleep", "30", timeout=1.0)
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


# -- issue 22: no step of a check can write what a later step trusts ---------------------------
ATTACK = """
import os, pathlib
ws = pathlib.Path.cwd()
for name in ("Challenge.lean", "config.json", "lakefile.lean"):
    try:
        (ws / name).write_text("forged")
    except OSError:
        pass
for folder in [str(ws), *os.environ.get("PATH", "").split(os.pathsep)]:
    try:
        planted = pathlib.Path(folder) / "lean4export"
        planted.write_text("#!/bin/sh\\nexit 0\\n")
        planted.chmod(0o755)
    except OSError:
        pass
(ws / ".lake").mkdir(exist_ok=True)
(ws / ".lake" / "built.olean").write_text("ok")  # the one place a build may write
print("step wrote", sorted(p.name for p in (ws / ".lake").iterdir()))
"""


@requires_bwrap
def test_a_build_step_cannot_rewrite_the_challenge_or_plant_tools(tmp_path: Path) -> None:
    """The stand-in runs ATTACK as its Solution build step, then trusts the workspace as the
    real comparator does (exit 3 "tampered" if anything it trusts changed)."""
    verdict = fake_trusted(tmp_path, "--step", ATTACK).check(compose(STATEMENT, HONEST))
    assert verdict.correct is True, verdict.reason
    assert "nested sandbox" in verdict.details["sandbox"]


@requires_bwrap
def test_comparator_runs_under_the_workspaces_lake_env(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """`lake env` in the workspace gives comparator the workspace's LEAN_PATH (the project's
    does not hold Challenge/Solution)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    lake = bin_dir / "lake"
    lake.write_text(
        '#!/bin/sh\n[ "$1" = env ] && shift && LEAN_PATH="$PWD/.lake/build/lib/lean" exec "$@"\n'
    )
    lake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    monkeypatch.setenv("LEAN_PATH", "/the/project/lib")  # never inherited
    verdict = fake_trusted(tmp_path, "--want-lake-env").check(compose(STATEMENT, HONEST))
    assert verdict.correct is True, verdict.reason


@requires_bwrap
def test_comparator_is_not_bound_by_the_workers_address_space_cap(tmp_path: Path) -> None:
    """A verifier worker caps its own address space; comparator gets its own limit (0: the
    hard limit), not the worker's."""
    script = (
        "import pathlib, resource\n"
        "hard = resource.getrlimit(resource.RLIMIT_AS)[1]\n"
        "resource.setrlimit(resource.RLIMIT_AS, (8 << 30, hard))\n"
        "from sciglm_lean.compose import compose\n"
        "from tests.lean.helpers import fake_trusted, STATEMENT\n"
        f"trusted = fake_trusted(pathlib.Path({str(tmp_path)!r}))\n"
        "v = trusted.check(compose(STATEMENT, '  omega'))\n"
        "print(v.correct, v.reason)\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=120, cwd=Path(__file__).resolve().parents[2])
    assert run.stdout.startswith("True"), run.stdout + run.stderr


def test_the_landrun_shim_honours_write_and_env_flags(tmp_path: Path) -> None:
    from sciglm_lean.landrun_shim import nested_command, parse

    lake_dir = tmp_path / ".lake"
    lake_dir.mkdir()
    step = parse(["--best-effort", "--ro", "/", "--rw", "/dev", "--env", "HOME", "--ro",
                  str(tmp_path), "--rwx", str(lake_dir), "--", "python3", "-V"])
    assert step.command == ["python3", "-V"] and step.writable == [lake_dir]
    assert step.keep == ["HOME"]
    environ = {"PATH": os.path.dirname(sys.executable), "HOME": "/home/x", "SECRET": "s"}
    args = nested_command(step, "bwrap", environ, tmp_path)
    pairs = list(zip(args, args[1:], strict=False))
    assert ("--bind", str(lake_dir)) in pairs
    assert ("--bind", str(tmp_path)) not in pairs  # the workspace stays read-only
    assert "--clearenv" in args and "SECRET" not in args and "/home/x" in args
    assert args[args.index("--") + 1] == os.path.join(os.path.dirname(sys.executable), "python3")


def _built(project: Path, toolchain: str) -> None:
    from sciglm_lean.project import comparator_binary, comparator_dir, lean4export_dir

    for binary in (comparator_dir(project) / ".lake/build/bin/comparator",
                   lean4export_dir(project) / ".lake/build/bin/lean4export"):
        binary.parent.mkdir(parents=True)
        binary.write_text("#!/bin/sh\nexit 0\n")
        binary.chmod(0o755)
    (project / "lean-toolchain").write_text(toolchain + "\n")
    assert comparator_binary(project) is not None


def test_trusted_binaries_are_checked_against_their_recorded_sha256(tmp_path: Path) -> None:
    from sciglm_lean import integrity

    _built(tmp_path, "leanprover/lean4:v4.34.0-rc1")
    trusted = TrustedChecker(tmp_path)
    assert "no record of the trusted binaries" in (trusted.problem() or "")
    integrity.record(tmp_path, trusted.binaries())
    assert trusted.problem() is None or "sandbox" in (trusted.problem() or "")
    trusted.binaries()[0].write_text("#!/bin/sh\nexit 0 # forged\n")
    assert "changed since `sciglm lean setup`" in (trusted.problem() or "")


def test_the_pinned_comparator_refuses_a_toolchain_it_cannot_check(tmp_path: Path) -> None:
    """comparator 41a0907 compares String.ofList, a kernel primitive from Lean v4.26.0 on."""
    from sciglm_lean.project import COMPARATOR_REV, LEAN_TOOLCHAIN, comparator_supports

    _built(tmp_path, "leanprover/lean4:v4.24.0")
    problem = TrustedChecker(tmp_path).problem() or ""
    assert "String.ofList" in problem and "v4.24.0" in problem and "String.mk" in problem
    assert COMPARATOR_REV.startswith("41a0907")
    assert comparator_supports("leanprover/lean4:v4.26.0") is None
    assert comparator_supports("leanprover/lean4:v4.25.0") is not None
    assert comparator_supports(LEAN_TOOLCHAIN) is None


def test_on_the_pinned_toolchain_the_trusted_path_goes_on_to_the_binaries(tmp_path: Path) -> None:
    from sciglm_lean.project import LEAN_TOOLCHAIN

    _built(tmp_path, LEAN_TOOLCHAIN)
    assert "no record of the trusted binaries" in (TrustedChecker(tmp_path).problem() or "")


def test_the_shims_import_path_holds_sciglm_wherever_it_is_installed() -> None:
    """An editable install finds sciglm through an import hook, not ``sys.path``: the shim's
    path (and what the sandbox binds) names the folders that hold the packages themselves."""
    import sciglm_lean
    from sciglm_lean.trusted import shim_import_path, shim_needs

    import sciglm

    for module in (sciglm, sciglm_lean):
        home = Path(module.__file__).resolve().parent.parent
        assert home in shim_import_path() and home in shim_needs()
