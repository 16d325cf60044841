"""The local backend with the embedded model: streaming, the stop event, the turn cache."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from sciglm.generation import GenParams, load_model
from sciglm.generation.local import LocalModel

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def model() -> Iterator[LocalModel]:
    loaded = load_model(None, batch_size=4)
    assert isinstance(loaded, LocalModel)
    yield loaded
    loaded.close()


def test_stream_matches_batched_greedy_generation(model: LocalModel) -> None:
    first = [{"role": "user", "content": "What is 7 times 6?"}]
    params = GenParams(max_tokens=20)
    streamed = "".join(model.stream(first, params, threading.Event())).strip()
    assert streamed and streamed == model.generate([first], params)[0]
    # The second turn reuses the first turn's cache and still gives the uncached answer.
    second = first + [{"role": "assistant", "content": streamed},
                      {"role": "user", "content": "And 8 times 6?"}]
    cached = "".join(model.stream(second, params, threading.Event())).strip()
    assert len(model._cache_ids) > 40
    model.close()
    assert cached == "".join(model.stream(second, params, threading.Event())).strip()
    assert cached == model.generate([second], params)[0]


def test_stop_event_ends_generation_early(model: LocalModel) -> None:
    stop = threading.Event()
    pieces = []
    for piece in model.stream([{"role": "user", "content": "Tell me a long story."}],
                              GenParams(max_tokens=200), stop):
        pieces.append(piece)
        if len(pieces) == 3:
            stop.set()
    assert 3 <= len(pieces) <= 6  # at most a token or two after the stop


def test_batches_do_not_change_greedy_answers(model: LocalModel) -> None:
    questions = ("What is 2+2?", "Name a noble gas.", "At what temperature does water boil?")
    prompts = [[{"role": "user", "content": q}] for q in questions]
    params = GenParams(max_tokens=16)
    together = model.generate(prompts, params)
    assert together == model.generate(prompts, params)  # repeatable
    assert together[1] == model.generate([prompts[1]], params)[0]
