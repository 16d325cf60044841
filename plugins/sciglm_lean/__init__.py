"""sciglm's ``lean`` subject plugin: REPL-backed proof checking, cheat screen, loaders."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sciglm.hookspecs import hookimpl


@hookimpl
def register_subjects(register: Callable[[Any], None]) -> None:
    from sciglm_lean.subject import LeanSubject

    register(LeanSubject())


@hookimpl
def register_checks(register: Callable[..., None]) -> None:
    from sciglm_lean.checks import check_bubblewrap, check_lean

    register("Lean", check_lean)
    register("bubblewrap", check_bubblewrap)


@hookimpl
def register_loaders(register: Callable[..., None]) -> None:
    from sciglm_lean import loaders

    register("minif2f", loaders.load_minif2f, "lean", "miniF2F Lean 4 statements (JSONL)")
    register("lean", loaders.load_statements, "lean", "any JSONL of Lean 4 statements")
    register("leandojo", loaders.load_leandojo, "lean", "LeanDojo benchmark records (JSON/JSONL)")


@hookimpl
def register_commands(cli: Any) -> None:
    from sciglm_lean.commands import lean

    cli.add_command(lean)


@hookimpl
def register_benchmarks(register: Callable[[Any], None]) -> None:
    from sciglm.catalog.data import CATALOG, DataSource
    from sciglm.eval.benchmarks import Benchmark

    source = CATALOG.get("minif2f") or DataSource(
        "minif2f", "miniF2F (Lean 4)", {"test": "minif2f-lean4/minif2f.jsonl"}, licence="MIT")
    register(Benchmark("minif2f", "miniF2F", source, loader="minif2f",
                       loader_options={"split": "test"}, own_prompt=True,
                       scoring="pass@1: Lean 4 accepts the proof (lean subject; needs lake)"))
