"""TRL and verl adapters: the frameworks' call shapes, real math verdicts, threads, null."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from sciglm.errors import SciglmError
from sciglm.rewards import source as source_module
from sciglm.rewards import trl, verl
from sciglm.rewards.source import RewardSettings, RewardSource


@pytest.fixture(scope="module")
def math_source() -> Iterator[RewardSource]:
    """The real math subject in a forkserver pool, as a trainer's process gets it."""
    made = RewardSource(RewardSettings(workers=2, deadline=30.0))
    saved = source_module._default
    source_module._default = made
    try:
        yield made
    finally:
        source_module._default = saved
        made.close()


def test_trl_plain_and_conversational(math_source: RewardSource) -> None:
    # GRPOTrainer's call: prompts=..., completions=..., completion_ids=..., **dataset columns
    plain = trl.correctness(prompts=["1+1?", "2+2?"], completions=[r"\boxed{2}", r"\boxed{5}"],
                            completion_ids=[[1], [2]], reference=["2", "4"], trainer_state=None)
    assert plain == [1.0, 0.0]
    chat = trl.correctness(
        prompts=[[{"role": "user", "content": "Half of 1?"}]],
        completions=[[{"role": "assistant", "content": r"So \boxed{\frac{1}{2}}"}]],
        solution=["0.5"],
    )
    assert chat == [1.0]


def test_trl_undecided_is_none_so_trl_skips_it(math_source: RewardSource) -> None:
    rewards = trl.correctness(prompts=["?"], completions=[r"\boxed{2 or 3}"], reference=["2"])
    formats = trl.answer_format(prompts=["?"], completions=["I do not know."], reference=["2"])
    assert rewards[0] in (None, 0.0)  # a hedge: undecided today, false once hedges land
    assert formats == [0.0]
    assert trl.answer_format(prompts=["?"], completions=[r"\boxed{7}"], reference=["2"]) == [1.0]


def test_trl_without_references_is_an_error(math_source: RewardSource) -> None:
    with pytest.raises(SciglmError, match="reference"):
        trl.correctness(prompts=["?"], completions=["2"])
    with pytest.raises(SciglmError, match="sample 1 has no reference"):
        trl.correctness(prompts=["?", "?"], completions=["2", "3"], reference=["2", None])


def test_verl_compute_score_from_threads(math_source: RewardSource) -> None:
    """verl's thread-pool reward workers: each thread only waits; checks run in processes."""
    cases = [(r"The answer is \boxed{42}", "42", 1.0), (r"\boxed{41}", "42", 0.0)] * 8

    def score(case: tuple[str, str, float]) -> float:
        return verl.compute_score("openai/gsm8k", case[0], case[1], extra_info={"split": "t"})

    with ThreadPoolExecutor(8) as threads:
        scores = list(threads.map(score, cases))
    assert scores == [c[2] for c in cases]


def test_verl_batch_matches_batch_reward_manager_call(math_source: RewardSource) -> None:
    scores = verl.compute_score_batch(
        data_sources=["HuggingFaceH4/MATH-500"] * 2, solution_strs=[r"\boxed{3}", r"\boxed{4}"],
        ground_truths=["3", "3"], extra_infos=[None, {"subject": "math"}], null_reward=-1.0,
    )
    assert scores == [1.0, 0.0]
