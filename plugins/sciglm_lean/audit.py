"""The Lean commands of the REPL-side audit (fast feedback; a ``true`` needs :mod:`.trusted`).

Two commands, both generated here and never touched by the submission:

- :func:`fingerprint_command` runs in the *challenge* environment (the header and the asked
  statement with ``sorry``, a branch the proof never sees) and reports a structural fingerprint
  of the statement's type: its ``Expr.hash`` (which covers universe levels) and its universe
  parameters.
- :func:`audit_command` runs as a fresh command in the proof's environment. Every name in it is
  ``_root_``-qualified, the target is built with ``Name.str`` (no name resolution: an ``open``
  namespace, a ``variable`` or a local constant of the same name changes nothing), auto-bound
  implicits are off, and each failed check is a Lean *error* (``throwError``): the target must be
  a theorem, its type's fingerprint and universe parameters must equal the challenge's, and
  ``collectAxioms`` may list only the permitted axioms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sciglm_lean.repl import Message

PERMITTED_AXIOMS = ("propext", "Classical.choice", "Quot.sound")
FINGERPRINT = re.compile(r"^sciglm-fingerprint (?P<hash>\d+) (?P<params>\[[^\]]*\])$")
AUDIT_ERROR = "sciglm-audit:"


def lean_string(text: str) -> str:
    """A Lean string literal holding ``text``."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def lean_name(name: str) -> str:
    """A Lean term building the name ``name`` component by component (no resolution)."""
    term = "_root_.Lean.Name.anonymous"
    for part in name.split("."):
        term = f"(_root_.Lean.Name.str {term} {lean_string(part)})"
    return term


def fingerprint_command(name: str) -> str:
    """Report the type fingerprint of ``name`` (run in the challenge environment)."""
    return (
        "set_option autoImplicit false in\n"
        "run_cmd do\n"
        f"  let target : _root_.Lean.Name := {lean_name(name)}\n"
        "  match (← _root_.Lean.getEnv).find? target with\n"
        "  | _root_.Option.some info =>\n"
        '    _root_.Lean.logInfo m!"sciglm-fingerprint {_root_.ToString.toString info.type.hash} '
        '{_root_.ToString.toString info.levelParams}"\n'
        '  | _root_.Option.none => _root_.Lean.throwError "sciglm-fingerprint: no declaration"\n'
    )


def parse_fingerprint(messages: Iterable[Message]) -> tuple[int, str] | None:
    """``(hash, universe parameters)`` from the fingerprint command's own answer."""
    found = [FINGERPRINT.match(m.data.strip()) for m in messages if m.severity == "info"]
    matches = [m for m in found if m]
    if len(matches) != 1:
        return None
    return int(matches[0].group("hash")), matches[0].group("params")


def audit_command(
    name: str, fingerprint: tuple[int, str], permitted: Iterable[str] = PERMITTED_AXIOMS
) -> str:
    """The audit of theorem ``name`` in the proof's environment: a Lean error if it fails."""
    type_hash, params = fingerprint
    allowed = ", ".join(lean_name(a) for a in permitted)
    return (
        "set_option autoImplicit false in\n"
        "run_cmd do\n"
        f"  let target : _root_.Lean.Name := {lean_name(name)}\n"
        f"  let allowed : _root_.List _root_.Lean.Name := [{allowed}]\n"
        "  match (← _root_.Lean.getEnv).find? target with\n"
        "  | _root_.Option.some (_root_.Lean.ConstantInfo.thmInfo info) =>\n"
        f"    if info.type.hash != {type_hash} || "
        f"_root_.ToString.toString info.levelParams != {lean_string(params)} then\n"
        f'      _root_.Lean.throwError "{AUDIT_ERROR} the theorem is not the asked statement"\n'
        "    let axioms ← _root_.Lean.Elab.Command.liftCoreM (_root_.Lean.collectAxioms target)\n"
        "    for a in axioms do\n"
        "      unless allowed.contains a do\n"
        f'        _root_.Lean.throwError m!"{AUDIT_ERROR} axiom {{a}} is not permitted"\n'
        f'  | _ => _root_.Lean.throwError "{AUDIT_ERROR} no theorem of that name"\n'
    )
