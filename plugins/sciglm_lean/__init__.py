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
def register_loaders(register: Callable[..., None]) -> None:
    from sciglm_lean import loaders

    register("minif2f", loaders.load_minif2f, "lean", "miniF2F Lean 4 statements (JSONL)")
    register("lean", loaders.load_statements, "lean", "any JSONL of Lean 4 statements")
    register("leandojo", loaders.load_leandojo, "lean", "LeanDojo benchmark records (JSON/JSONL)")


@hookimpl
def register_commands(cli: Any) -> None:
    from sciglm_lean.commands import lean

    cli.add_command(lean)
