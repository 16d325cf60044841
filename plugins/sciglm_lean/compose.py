"""Turn a Lean record (statement + model response + header) into the code Lean will check.

A response may be a whole Lean file (it declares the asked theorem as a Lean command: read
with Lean's tokenizer, so a statement inside a comment or string does not count), or just the
proof (tactics, or ``by ...``/``:= ...``), which is appended to the asked statement. Either way
the result is screened as a whole (:func:`sciglm_lean.screen.screen_submission`): nothing may
follow the asked theorem. Markdown fences are removed. The header is the record's, never the
response's: a leading line that repeats a header line is dropped; any other ``import`` stays in
the body, where the screen rejects it.
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


def split_header(code: str, header: str) -> tuple[list[str], str]:
    """The response's leading ``import`` lines the record's ``header`` lacks, and the rest of
    the code; leading lines that repeat a header line (its imports, ``set_option``, ``open``)
    are dropped: they change nothing, and a model often copies the header."""
    have = {" ".join(line.split()) for line in header.splitlines() if line.strip()}
    extra: list[str] = []
    lines = code.splitlines()
    start = 0
    for start, line in enumerate(lines):  # noqa: B007 - the loop finds where the body starts
        plain = " ".join(line.split())
        if plain in have or not plain:
            continue
        if _pure_import(line):
            extra.append(plain)
            continue
        break
    else:
        start = len(lines)
    return extra, "\n".join(lines[start:])


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
    full_header = header if header and header.strip() else DEFAULT_HEADER
    extra, code = split_header(extract_code(response), full_header)
    if extra:  # the screen rejects an import in the body
        code = "\n".join([*extra, code])
    submitted = declared_statement(code, name) if name != EXAMPLE_NAME else None
    if submitted is not None:
        return Submission(full_header, code, name, signature, submitted, True)
    return Submission(full_header, as_proof(signature, code), name, signature, signature, False)
