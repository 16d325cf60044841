"""A subject that hangs on demand, and a reward source over it."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from sciglm.hookspecs import hookimpl
from sciglm.records import Verdict, VerifyItem
from sciglm.rewards import source as source_module
from sciglm.rewards.source import RewardSettings, RewardSource
from sciglm.subject import Subject


class Sleepy(Subject):
    """Equal strings are correct; ``hang`` sleeps an hour; ``?`` cannot be decided."""

    name = "sleepy"

    def verify(self, item: VerifyItem) -> Verdict:
        if item.response == "hang":
            time.sleep(3600)
        if item.response == "?":
            return Verdict(None, None, "undecidable")
        predicted = None if item.response == "none" else item.response
        return Verdict(item.response == item.reference, predicted, "")


class Plugin:
    @hookimpl
    def register_subjects(self, register):  # type: ignore[no-untyped-def]
        register(Sleepy())


@pytest.fixture
def sleepy(register_plugin) -> None:  # type: ignore[no-untyped-def]
    register_plugin(Plugin(), "sleepy")


@pytest.fixture
def source(sleepy: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[RewardSource]:
    """A two-worker source (forked: the workers see the test subject), installed as this
    process's default source so the adapters use it."""
    made = RewardSource(RewardSettings(workers=2, timeout=60, deadline=2.0, start_method="fork"))
    monkeypatch.setattr(source_module, "_default", made)
    try:
        yield made
    finally:
        made.close()
