"""verl's ``custom_reward_function``: ``compute_score`` (naive / prime / dapo reward managers,
thread or async workers alike) and ``compute_score_batch`` (the ``batch`` reward manager).

verl has no way to skip a sample, so an undecided check scores ``null_reward`` (default 0.0;
set it with ``custom_reward_function.reward_kwargs``). ``extra_info["subject"]`` picks the
subject (default math). Checks run in worker processes of this process's one pool; the calling
thread only waits, so verl's thread pools and asyncio loops are safe.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sciglm.rewards.items import REFERENCE_EXTRAS, make_item
from sciglm.rewards.source import default_source, to_reward


def _item(index: int, solution_str: str, ground_truth: Any, extra_info: Any) -> Any:
    info = extra_info if isinstance(extra_info, dict) else {}
    return make_item(index, info.get("subject"), solution_str, ground_truth,
                     info.get("question") if isinstance(info.get("question"), str) else None,
                     {k: info.get(k) for k in REFERENCE_EXTRAS})


def compute_score(data_source: str, solution_str: str, ground_truth: Any,
                  extra_info: dict[str, Any] | None = None, null_reward: float = 0.0,
                  **_: Any) -> float:
    """The reward of one response: 1.0 right, 0.0 wrong, ``null_reward`` undecided."""
    verdict = default_source().verdicts([_item(0, solution_str, ground_truth, extra_info)])[0]
    return float(to_reward(verdict, null_reward))  # type: ignore[arg-type]


def compute_score_batch(data_sources: Sequence[str], solution_strs: Sequence[str],
                        ground_truths: Sequence[Any], extra_infos: Sequence[Any] | None = None,
                        null_reward: float = 0.0, **_: Any) -> list[float]:
    """Rewards of a batch, checked in parallel, none later than the batch deadline."""
    infos = list(extra_infos) if extra_infos is not None else [None] * len(solution_strs)
    items = [_item(i, s, g, e) for i, (s, g, e) in
             enumerate(zip(solution_strs, ground_truths, infos, strict=True))]
    return [float(to_reward(v, null_reward))  # type: ignore[arg-type]
            for v in default_source().verdicts(items)]
