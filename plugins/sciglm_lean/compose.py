"""Turn a Lean record (statement + model response + header) into the code Lean will check.

A response may be a whole Lean file (it declares the asked theorem as a Lean command: read
with Lean's tokenizer, so a statement inside a comment or string does not count), or just the
proof (tactics, or ``by ...``/``:= ...``), which is appended to the asked statement. Either way
the result is screened as a whole (:func:`sciglm_lean.screen.screen_submission`): nothing may
follow the asked theorem. Markdown fences are removed. The header is the record's, never the
response's: a leading ``import`` line the header already has is dropped; any other ``import``
stays in the body, where the screen rejects it.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

from sciglm_lean.lexer import IDENT, LexError, tokenize
from sciglm_lean.screen import split_commands

DEFAULT_HEADER = (
    "import Mathlib\nimport Aesop\n\nset_option maxHeartbeats 400000\n\n"
    "open BigOperators Real Nat Topology Rat"
)
EXAMPLE_NAME = "sciglm_example"
FENCE = re.compile(r"```[ \t]*(?:lean4?|Lean4?)?[ \t]*\n(.*?)```", re.DOTALL)
OPENERS, CLOSERS = "([{⦃⟨", ")]}⦄⟩"


class ComposeError(ValueError):
    """The record cannot be turned into Lean code (no statement, no theorem name …)."""


@dataclass(frozen=True)
class Submission:
    """What is sent to Lean: ``header`` (imports, opens), ``body`` (the checked code), the
    theorem's ``name``, the asked statement as Lean code (``reference``) and the submitted one."""

    header: str
    body: str
    name: str
    reference: str
    submitted_statement: str
    full_file: bool


def statement_signature(statement: str) -> str:
    """The statement without its trailing ``:= by sorry`` (or ``:= sorry`` / ``:=``)."""
    text = statement.strip()
    cut = top_level_assign(text)
    if cut is not None:
        text = text[:cut]
    return text.rstrip()


def top_level_assign(text: str, start: int = 0) -> int | None:
    """Index of the first ``:=`` outside brackets at or after ``start`` (None if there is none)."""
    depth = 0
    i = start
    while i < len(text) - 1:
        c = text[i]
        if c in OPENERS:
            depth += 1
        elif c in CLOSERS:
            depth = max(0, depth - 1)
        elif c == ":" and text[i + 1] == "=" and depth == 0:
            return i
        i += 1
    return None


def theorem_name(signature: str) -> tuple[str, str]:
    """``(name, signature)``; an ``example`` is renamed so its axioms can be printed."""
    match = re.match(r"\s*(?:theorem|lemma)\s+([^\s(:{\[⦃]+)", signature)
    if match:
        return match.group(1), signature
    match = re.match(r"\s*example\b", signature)
    if match:
        return EXAMPLE_NAME, f"theorem {EXAMPLE_NAME}" + signature[match.end() :]
    raise ComposeError("statement must start with 'theorem NAME', 'lemma NAME' or 'example'")


def extract_code(response: str) -> str:
    """The Lean code of a response: the fenced block naming the most code, else the text."""
    blocks = FENCE.findall(response)
    if blocks:
        return max(blocks, key=len).strip("\n")
    return response.strip("\n")


def _pure_import(line: str) -> bool:
    """``import A.B C`` and nothing else (no code riding on the line)."""
    try:
        tokens = tokenize(line)
    except LexError:
        return False
    return (
        len(tokens) >= 2
        and tokens[0].text == "import"
        and all(t.kind == IDENT and t.text != "import" for t in tokens[1:])
    )


def split_imports(code: str) -> tuple[list[str], str]:
    """Leading pure ``import`` lines and the rest."""
    imports, rest, in_body = [], [], False
    for line in code.splitlines():
        if not in_body and _pure_import(line):
            imports.append(" ".join(line.split()))
        elif not in_body and not line.strip():
            continue
        else:
            in_body = True
            rest.append(line)
    return imports, "\n".join(rest)


def unknown_imports(header: str, imports: list[str]) -> list[str]:
    """Those of ``imports`` the record's ``header`` does not have (they stay in the body)."""
    have = {" ".join(line.split()) for line in header.splitlines() if line.strip()}
    return [line for line in imports if line not in have]


def as_proof(signature: str, proof: str) -> str:
    """The asked statement followed by a proof given alone."""
    text = textwrap.dedent(proof).strip("\n")
    stripped = text.lstrip()
    if stripped.startswith(":="):
        return f"{signature} {stripped}"
    if re.match(r"by\b", stripped):
        return f"{signature} := {stripped}"
    return f"{signature} := by\n" + textwrap.indent(text, "  ")


def declared_statement(code: str, target: str) -> str | None:
    """The statement of the command declaring theorem ``target`` in ``code`` (read as Lean
    reads it), without its proof; None when no command declares it."""
    try:
        _, commands = split_commands(tokenize(code))
    except LexError:
        return None
    for command in commands:
        if command.keyword in ("theorem", "lemma") and command.name == target:
            start = next(t.start for t in command.tokens if t.text == command.keyword)
            cut = top_level_assign(code, start)
            return code[start:cut].strip() if cut is not None else code[start:].strip()
    return None


def compose(statement: str, response: str, header: str | None = None) -> Submission:
    """Build the :class:`Submission` for one record."""
    if not statement or not statement.strip():
        raise ComposeError("record has no Lean 'statement'")
    signature = statement_signature(statement)
    name, signature = theorem_name(signature)
    imports, code = split_imports(extract_code(response))
    full_header = header if header and header.strip() else DEFAULT_HEADER
    extra = unknown_imports(full_header, imports)
    if extra:  # the screen rejects an import in the body
        code = "\n".join([*extra, code])
    submitted = declared_statement(code, name) if name != EXAMPLE_NAME else None
    if submitted is not None:
        return Submission(full_header, code, name, signature, submitted, True)
    return Submission(full_header, as_proof(signature, code), name, signature, signature, False)
