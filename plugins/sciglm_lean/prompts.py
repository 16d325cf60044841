"""Prompts for Lean proving: ask for a proof, and reflect with Lean's own messages and goals."""

from __future__ import annotations

from sciglm.records import Message, Question, Verdict

SYSTEM_PROMPT = (
    "You are an expert in Lean 4 and Mathlib. Prove the given theorem. Reply with the complete "
    "Lean 4 code (the theorem statement exactly as given, followed by its proof) in one "
    "```lean code block. Never use sorry, admit, axioms or native_decide."
)


def statement_block(question: Question) -> str:
    """The formal statement (and its header, when it has one) as a Lean code block."""
    header = question.meta.get("header") or ""
    statement = question.meta.get("statement") or question.question
    code = f"{header.strip()}\n\n{statement.strip()}" if header.strip() else statement.strip()
    return f"```lean\n{code}\n```"


def proof_prompt(question: Question) -> list[Message]:
    """Stage 1: ask for a complete proof."""
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": f"Complete this Lean 4 proof:\n{statement_block(question)}"},
    ]


def lean_feedback(verdict: Verdict, limit: int = 6) -> str:
    """Lean's messages and the goal state at the failing position, as plain text."""
    lines = [verdict.reason or "Lean did not accept the proof."]
    messages = verdict.details.get("messages") or []
    if messages:
        lines.append("Lean's messages:")
        lines += [f"- {m}" for m in messages[:limit]]
    goals = verdict.details.get("goals") or []
    if goals:
        lines.append("Goal state at the failing tactic:")
        lines += [f"```\n{g}\n```" for g in goals[:limit]]
    return "\n".join(lines)


def reflect_prompt(question: Question, attempt: str, verdict: Verdict) -> list[Message]:
    """Stage 2: the failed attempt, Lean's errors and goals; ask for a corrected proof."""
    return proof_prompt(question) + [
        {"role": "assistant", "content": attempt},
        {
            "role": "user",
            "content": (
                "Lean rejected this proof.\n"
                f"{lean_feedback(verdict)}\n"
                "Explain briefly what went wrong, then give the corrected complete Lean 4 code "
                "in one ```lean block."
            ),
        },
    ]


def hint_prompt(question: Question, reference: str) -> list[Message]:
    """Stage 3: a last try with a known proof (or proof sketch) as a hint."""
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {
            "role": "user",
            "content": (
                f"Complete this Lean 4 proof:\n{statement_block(question)}\n\n"
                f"Hint: a proof along these lines works:\n{reference}\n"
                "Write the complete Lean 4 code in one ```lean block."
            ),
        },
    ]
