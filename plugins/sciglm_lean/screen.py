"""A static screen for Lean submissions: rejects known cheats before (and without) Lean.

Code is first reduced to what Lean would read as code: comments (nested ``/- -/``, ``--``)
and string/char literals are blanked out, ``«»`` quoting is removed, so ``-- no sorry here``
is harmless while ``«sorry»`` is still seen. Text that cannot be tokenized (an unterminated
comment or string) is rejected rather than guessed at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ScreenConfig:
    """What the screen rejects; ``allow_native`` and ``allow_meta`` loosen two rules."""

    allow_native: bool = False
    allow_meta: bool = False


@dataclass(frozen=True)
class ScreenResult:
    """``ok`` when nothing was found; otherwise ``rule`` names the first finding."""

    ok: bool
    rule: str = ""
    reason: str = ""
    findings: list[tuple[str, str]] = field(default_factory=list)


ALWAYS: list[tuple[str, str, re.Pattern[str]]] = [
    ("sorry", "uses sorry/admit", re.compile(r"\b(sorry|admit|sorryAx)\b")),
    ("axiom", "declares a new axiom", re.compile(r"\baxiom\b")),
    (
        "kernel",
        "switches off kernel checking (debug options)",
        re.compile(r"\bdebug\.\w|skipKernelTC|\bLean\.Kernel\b"),
    ),
    (
        "exit",
        "uses #exit/#eval (stops or runs code inside the checker)",
        re.compile(r"#(exit|eval)\b"),
    ),
    (
        "unsafe",
        "uses unsafe/implemented_by/extern",
        re.compile(r"\b(unsafe|implemented_by|extern)\b"),
    ),
    ("import", "imports inside the proof", re.compile(r"(^|\n)\s*import\b")),
    ("hide", "hides Lean's messages (#guard_msgs)", re.compile(r"#guard_msgs\b")),
]
NATIVE = (
    "native",
    "trusts compiled code (native_decide/ofReduceBool)",
    re.compile(
        r"\b(native_decide|ofReduceBool|ofReduceNat|reduceBool|reduceNat|trustCompiler|bv_decide)\b"
        r"|\+native\b|\bnative\s*:=\s*true"
    ),
)
META = (
    "meta",
    "meta-programming that can forge declarations or hide tactics",
    re.compile(
        r"(^|\n)\s*(@\[[^\]]*\]\s*)?((local|scoped)\s+)?"
        r"(run_cmd|run_tac|run_elab|run_meta|elab|elab_rules|macro|macro_rules|syntax|notation|"
        r"infix|infixl|infixr|prefix|postfix|declare_syntax_cat|initialize|builtin_initialize)\b"
        r"|\b(run_cmd|run_tac|run_elab|run_meta)\b"
        r"|\b(addDecl|addAndCompile|modifyEnv|setEnv|Lean\.Elab|Lean\.Meta|Lean\.Environment)\b"
    ),
)


CHAR_LITERAL = re.compile(r"'(\\(x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]+\}|.)|[^'\\\n])'")


class ScreenParseError(ValueError):
    """The text has an unterminated comment or string literal."""


def code_only(text: str) -> str:
    """``text`` with comments and string/char literals blanked (newlines kept), ``«»`` dropped."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/-", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if text.startswith("/-", i):
                    depth, i = depth + 1, i + 2
                elif text.startswith("-/", i):
                    depth, i = depth - 1, i + 2
                else:
                    out.append("\n" if text[i] == "\n" else "")
                    i += 1
            if depth:
                raise ScreenParseError("unterminated block comment")
            out.append(" ")
        elif text.startswith("--", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif c == '"':
            start, i = i, i + 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
            if i >= n:
                raise ScreenParseError("unterminated string literal")
            i += 1
            # s!"..{code}..", m!"..": interpolated strings hold code, so keep them visible
            out.append(text[start:i] if start and text[start - 1] == "!" else '""')
        elif c == "'" and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "_'.!?")):
            match = CHAR_LITERAL.match(text, i)
            if match:
                out.append("' '")
                i = match.end()
            else:
                out.append(c)
                i += 1
        elif c in "«»":
            i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def normalize_statement(text: str) -> str:
    """A theorem statement without comments, its proof placeholder and spacing differences."""
    code = code_only(text)
    code = re.sub(r":=\s*(by\b\s*)?(sorry|admit)?\s*$", "", code.strip())
    code = re.sub(r"^\s*lemma\b", "theorem", code)
    return " ".join(code.split())


def screen(code: str, config: ScreenConfig | None = None) -> ScreenResult:
    """Check Lean ``code`` for cheats; the first finding is the reason."""
    config = config or ScreenConfig()
    try:
        visible = code_only(code)
    except ScreenParseError as exc:
        return ScreenResult(False, "syntax", str(exc), [("syntax", str(exc))])
    rules = list(ALWAYS)
    if not config.allow_native:
        rules.append(NATIVE)
    if not config.allow_meta:
        rules.append(META)
    findings = []
    for rule, reason, pattern in rules:
        match = pattern.search(visible)
        if match:
            findings.append((rule, f"{reason}: {match.group(0).strip()!r}"))
    if findings:
        return ScreenResult(False, findings[0][0], findings[0][1], findings)
    return ScreenResult(True)


def check_statement(asked: str, submitted: str) -> ScreenResult:
    """Reject a submitted theorem statement that differs from the asked one (spacing aside)."""
    try:
        want, got = normalize_statement(asked), normalize_statement(submitted)
    except ScreenParseError as exc:
        return ScreenResult(False, "syntax", str(exc))
    if want == got:
        return ScreenResult(True)
    return ScreenResult(
        False, "statement", f"statement differs from the one asked: {got[:200]!r} vs {want[:200]!r}"
    )
