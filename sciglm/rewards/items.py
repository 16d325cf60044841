"""Build :class:`VerifyItem` s from what RL frameworks hand a reward function."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sciglm.errors import SciglmError
from sciglm.records import VerifyItem

#: The subject of a sample that names none.
DEFAULT_SUBJECT = "math"
#: Dataset columns that describe the reference (a quantity's unit, a Lean statement).
REFERENCE_EXTRAS = ("unit", "statement", "header")


def completion_text(completion: Any) -> str:
    """The text of a plain completion or the last message of a conversational one."""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, list) and completion and isinstance(completion[-1], dict):
        content = completion[-1].get("content")
        if isinstance(content, str):
            return content
    raise SciglmError(f"a completion must be text or a list of messages, got {type(completion)}")


def prompt_text(prompt: Any) -> str | None:
    """The question: a plain prompt, or the last user message of a conversational one."""
    if isinstance(prompt, str):
        return prompt
    if isinstance(prompt, list):
        for message in reversed(prompt):
            if isinstance(message, dict) and message.get("role") == "user":
                content = message.get("content")
                return content if isinstance(content, str) else None
    return None


def make_item(index: int, subject: str | None, response: str, reference: Any,
              question: str | None = None, extra: dict[str, Any] | None = None) -> VerifyItem:
    """One item; a sample without a reference is an error, never a silent zero."""
    if reference is None or (isinstance(reference, str) and not reference.strip()):
        if not (extra or {}).get("statement"):
            raise SciglmError(f"sample {index} has no reference answer")
    return VerifyItem(id=str(index), subject=subject or DEFAULT_SUBJECT, response=response,
                      reference=None if reference is None else str(reference), question=question,
                      extra={k: v for k, v in (extra or {}).items() if v is not None})


def column(columns: dict[str, Any], names: Sequence[str], size: int) -> list[Any] | None:
    """The first of ``names`` present in ``columns`` (its length checked), else ``None``."""
    for name in names:
        if name in columns and columns[name] is not None:
            values = list(columns[name])
            if len(values) != size:
                raise SciglmError(f"column {name!r} has {len(values)} values for {size} samples")
            return values
    return None
