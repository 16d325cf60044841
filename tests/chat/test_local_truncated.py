"""The local backend says which replies stopped at the token limit (issue #24: a truncated
reply is marked), from the embedded model."""

from __future__ import annotations

import threading

import pytest

from sciglm.generation import GenParams, load_model
from sciglm.generation.local import LocalModel

pytestmark = pytest.mark.slow


def test_replies_cut_at_max_tokens_are_flagged() -> None:
    model = load_model(None, batch_size=2)
    assert isinstance(model, LocalModel)
    try:
        ask = [{"role": "user", "content": "Write a long story about the sea."}]
        short = [{"role": "user", "content": "Say only: yes"}]
        model.generate([ask, short], GenParams(max_tokens=4))
        assert model.truncated[0] is True
        model.generate([short], GenParams(max_tokens=64))
        assert model.truncated == [False]
        list(model.stream(ask, GenParams(max_tokens=4), threading.Event()))
        assert model.stream_truncated is True
        list(model.stream(short, GenParams(max_tokens=64), threading.Event()))
        assert model.stream_truncated is False
    finally:
        model.close()
