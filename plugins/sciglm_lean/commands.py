"""``sciglm lean setup`` and ``sciglm lean doctor``."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any

import click

from sciglm.config import click_options, from_values
from sciglm_lean.options import LeanDoctorConfig, LeanSetupConfig

SETUP_STEPS = [
    ("fetch Mathlib and the REPL", ["update"]),
    ("download Mathlib's prebuilt .olean cache", ["exe", "cache", "get"]),
    ("build the header module", ["build"]),
    # `lake exe` finds executables of dependencies (like `lake exe cache`); with no input the
    # REPL builds, starts and exits at once.
    ("build the REPL", ["exe", "repl"]),
]


@click.group()
def lean() -> None:
    """Prepare and inspect the Lean toolchain used to check proofs.

    \b
    Examples:
      sciglm lean doctor
      sciglm lean setup
    """


def _run_step(program: str, args: list[str], cwd: Path, label: str, index: int, total: int) -> None:
    from sciglm.console import console
    from sciglm.errors import SciglmError

    started = time.monotonic()
    name = Path(program).name
    console.print(f"[bold][{index}/{total}][/] {label}: {name} {' '.join(args)}")
    tail: list[str] = []
    with subprocess.Popen(
        [program, *args],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            tail = (tail + [line.rstrip()])[-20:]
            console.print(f"  {line.rstrip()}", highlight=False, markup=False)
        code = proc.wait()
    if code != 0:
        last = tail[-1] if tail else "no output"
        raise SciglmError(f"`{name} {' '.join(args)}` in {cwd} failed (exit {code}): {last}")
    console.print(f"  done in {time.monotonic() - started:.0f}s")


def comparator_steps(lake: str, project: Path) -> list[tuple[str, list[str], Path, str]]:
    """Check out comparator and lean4export at their pinned commits beside the project and
    build them (each is a Lake project of its own, with its own lean-toolchain)."""
    import shutil

    from sciglm.errors import SciglmError
    from sciglm_lean import project as pins

    git = shutil.which("git")
    if git is None:
        raise SciglmError("git not found: install git, or pass --skip-comparator")
    steps = []
    for name, url, rev, target in (
        ("lean4export", pins.LEAN4EXPORT_URL, pins.LEAN4EXPORT_REV, pins.lean4export_dir(project)),
        ("comparator", pins.COMPARATOR_URL, pins.COMPARATOR_REV, pins.comparator_dir(project)),
    ):
        if not (target / ".git").exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            steps.append((git, ["clone", url, str(target)], project, f"fetch {name}"))
        steps.append((git, ["checkout", "--detach", rev], target, f"pin {name}"))
        steps.append((lake, ["build", name], target, f"build {name}"))
    return steps


@lean.command()
@click_options(LeanSetupConfig)
def setup(**values: Any) -> None:
    """Fetch Mathlib, the Lean REPL and comparator and build them (needs elan and git;
    downloads several GB).

    Writes lakefile.lean, lean-toolchain and lean_env/ into the project directory when they
    are missing, then runs `lake update`, `lake exe cache get`, `lake build`, `lake exe repl`,
    and checks out leanprover/lean4export and leanprover/comparator at their pinned commits
    into .lake/lean4export and .lake/comparator, builds them and records their sha256 (checked
    before each trusted run). A `true` verdict also needs bubblewrap (`apt-get install
    bubblewrap`) and a comparator that supports the toolchain; `sciglm lean doctor` says what
    a `true` requires and what is missing.

    \b
    Example:
      curl https://elan.lean-lang.org/elan-init.sh -sSf | sh   # installs elan (and lake)
      sciglm lean setup
    """
    from sciglm.console import console
    from sciglm.errors import SciglmError
    from sciglm_lean.config import find_lake
    from sciglm_lean.project import default_project_dir, write_project

    config = from_values(LeanSetupConfig, values)
    lake = find_lake()
    if lake is None:
        raise SciglmError(
            "lake not found: install elan first "
            "(curl https://elan.lean-lang.org/elan-init.sh -sSf | sh), "
            "then rerun `sciglm lean setup`"
        )
    project = (Path(config.directory) if config.directory else default_project_dir()).resolve()
    project.mkdir(parents=True, exist_ok=True)
    for path in write_project(project):
        console.print(f"wrote {path}")
    steps = [
        (lake, args, project, label)
        for label, args in SETUP_STEPS
        if not (config.skip_cache and args[:2] == ["exe", "cache"])
    ]
    if not config.skip_comparator:
        steps += comparator_steps(lake, project)
    for index, (program, args, cwd, label) in enumerate(steps, start=1):
        _run_step(program, args, cwd, label, index, len(steps))
    if not config.skip_comparator:
        from sciglm_lean import integrity
        from sciglm_lean.trusted import TrustedChecker

        record = integrity.record(project, TrustedChecker(project).binaries())
        console.print(f"recorded the sha256 of the trusted binaries in {record}")
    console.print(f"[green]Lean project ready in {project}[/]; check it with `sciglm lean doctor`")


def diagnose() -> list[dict[str, Any]]:
    """One row per requirement: what, state (ok/missing/info) and detail."""
    from sciglm_lean import dojo
    from sciglm_lean.config import LeanConfig, find_lake, resolve_launch
    from sciglm_lean.project import (
        COMPARATOR_REV,
        DATA_TOOLCHAIN,
        LEAN4EXPORT_TAG,
        LEAN_TOOLCHAIN,
        MATHLIB_TAG,
        REPL_TAG,
        comparator_supports,
        repl_binary,
    )
    from sciglm_lean.sandbox import find_bwrap, sandbox_problem
    from sciglm_lean.trusted import TrustedChecker

    config = LeanConfig.from_env()
    project = config.project
    rows: list[dict[str, Any]] = []

    def row(what: str, ok: bool | None, detail: str) -> None:
        state = "info" if ok is None else ("ok" if ok else "missing")
        rows.append({"check": what, "state": state, "detail": detail})

    lake = find_lake()
    version = ""
    if lake:
        try:
            version = subprocess.run(
                [lake, "--version"], capture_output=True, text=True, timeout=60
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError) as exc:
            version = f"cannot run: {exc}"
    row(
        "lake (elan)",
        lake is not None,
        f"{lake} {version}" if lake else "not on PATH; install elan",
    )
    row(
        "pinned versions",
        None,
        f"{LEAN_TOOLCHAIN}, Mathlib {MATHLIB_TAG}, REPL {REPL_TAG}, lean4export "
        f"{LEAN4EXPORT_TAG}, comparator {COMPARATOR_REV[:7]}",
    )
    row(
        "records written for",
        None,
        f"miniF2F-lean4 headers and statements: {DATA_TOOLCHAIN} and its Mathlib; checked here "
        f"on {LEAN_TOOLCHAIN} (a statement Lean rejects is null, never false; docs/lean.md)",
    )
    row("project", (project / "lakefile.lean").is_file(), str(project))
    toolchain = project / "lean-toolchain"
    pinned = toolchain.is_file() and toolchain.read_text().strip() == LEAN_TOOLCHAIN
    row(
        "lean-toolchain", pinned, toolchain.read_text().strip() if toolchain.is_file() else "absent"
    )
    mathlib = project / ".lake" / "packages" / "mathlib"
    row("Mathlib fetched", mathlib.is_dir(), str(mathlib))
    header = project / ".lake" / "build" / "lib" / "lean" / "SciglmLean" / "Header.olean"
    if not header.parent.is_dir():
        header = project / ".lake" / "build" / "lib" / "SciglmLean" / "Header.olean"
    row("header built", header.is_file(), str(header))
    binary = repl_binary(project)
    row("REPL built", binary is not None, str(binary) if binary else "run `sciglm lean setup`")
    row("custom REPL", None, " ".join(config.repl_command) if config.repl_command else "none")
    trusted = TrustedChecker(project, config.comparator_command)
    comparator = " ".join(trusted.command) if trusted.command else "not built"
    row("comparator", trusted.command is not None, f"{comparator} (pinned {COMPARATOR_REV[:12]})")
    unsupported = comparator_supports(
        toolchain.read_text() if toolchain.is_file() else LEAN_TOOLCHAIN
    )
    row("comparator supports the toolchain", unsupported is None, unsupported or "yes")
    problem = sandbox_problem(find_bwrap())
    row("sandbox (bubblewrap)", problem is None, problem or str(find_bwrap()))
    row("LeanDojo backend", None, "installed" if dojo.available() else "not installed (optional)")
    launch = resolve_launch(config)
    ready = not isinstance(launch, str)
    row("checker", ready, "proofs will be checked by Lean" if ready else str(launch))
    row("a true requires", None, TRUE_REQUIRES)
    why_not = trusted.problem()
    row(
        "true verdicts",
        ready and why_not is None,
        "possible: every requirement above is met"
        if ready and why_not is None
        else f"impossible here: {why_not or launch}",
    )
    return rows


#: What ``sciglm lean doctor`` says a ``true`` needs (docs/lean.md, "What a `true` means").
TRUE_REQUIRES = (
    "the screen passes; Lean's REPL, in bubblewrap, elaborates the proof without error or sorry "
    "and the audit passes; then comparator (pinned, supporting this toolchain, sha256 as "
    "recorded by `sciglm lean setup`) accepts it in bubblewrap, each build/export step in a "
    "nested sandbox, within the time limit"
)


@lean.command()
@click_options(LeanDoctorConfig)
def doctor(**values: Any) -> None:
    """Say what of the Lean toolchain is installed and what is missing (exit 1 if the
    checker cannot run Lean; proofs then come back unchecked).

    \b
    Example:
      sciglm lean doctor --json
    """
    from sciglm.console import print_json, print_table

    rows = diagnose()
    if from_values(LeanDoctorConfig, values).as_json:
        print_json(rows)
    else:
        print_table(
            "sciglm lean doctor",
            ["check", "state", "detail"],
            [[r["check"], r["state"], r["detail"]] for r in rows],
        )
    if next(r for r in rows if r["check"] == "checker")["state"] != "ok":
        raise SystemExit(1)
