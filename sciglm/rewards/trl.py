"""Reward functions for TRL's ``GRPOTrainer(reward_funcs=[...])``.

TRL calls ``f(prompts=..., completions=..., completion_ids=..., **columns)`` with the dataset's
other columns as lists; a ``None`` reward is skipped (TRL turns it into NaN and ignores it).
The reference comes from the ``reference`` column (or TRL's ``solution``), the subject from
``subject`` (default math). Checks run in this process's one verifier pool.
"""

from __future__ import annotations

from typing import Any

from sciglm.records import Verdict
from sciglm.rewards.items import (
    REFERENCE_EXTRAS,
    column,
    completion_text,
    make_item,
    prompt_text,
)
from sciglm.rewards.source import RewardSource, default_source, to_reward

REFERENCE_COLUMNS = ("reference", "solution")


def batch_verdicts(prompts: list[Any] | None, completions: list[Any], columns: dict[str, Any],
                   source: RewardSource | None = None) -> list[Verdict]:
    """The verdict of each completion against its row's reference."""
    size = len(completions)
    references = column(columns, REFERENCE_COLUMNS, size)
    if references is None:
        from sciglm.errors import SciglmError

        raise SciglmError("no 'reference' (or 'solution') column: sciglm rewards need references")
    subjects = column(columns, ("subject",), size) or [None] * size
    extras = {name: column(columns, (name,), size) for name in REFERENCE_EXTRAS}
    questions = [prompt_text(p) for p in prompts] if prompts is not None else [None] * size
    items = [
        make_item(i, subjects[i], completion_text(completions[i]), references[i], questions[i],
                  {k: v[i] for k, v in extras.items() if v is not None})
        for i in range(size)
    ]
    return (source or default_source()).verdicts(items)


def correctness(prompts: list[Any] | None = None, completions: list[Any] | None = None,
                null_reward: float | None = None, **columns: Any) -> list[float | None]:
    """1.0 right, 0.0 wrong, ``None`` (skipped by TRL) when the verifier cannot decide."""
    verdicts = batch_verdicts(prompts, completions or [], columns)
    return [to_reward(v, null_reward) for v in verdicts]


def answer_format(prompts: list[Any] | None = None, completions: list[Any] | None = None,
                  **columns: Any) -> list[float | None]:
    """1.0 when the subject's verifier found a final answer in the form it expects (a boxed
    value, a stated quantity), 0.0 when it found none, ``None`` when the check did not end."""
    verdicts = batch_verdicts(prompts, completions or [], columns)
    return [format_reward(v) for v in verdicts]


def format_reward(verdict: Verdict) -> float | None:
    """Whether the verifier extracted an answer (``None``: the check never ended)."""
    from sciglm.records import VerdictStatus

    if verdict.status is not VerdictStatus.JUDGED:
        return None
    return 1.0 if verdict.predicted is not None else 0.0
