"""The plugin host: explicit registration, name clashes, broken plugins reported by name."""

from __future__ import annotations

import pytest

from sciglm import plugins, registry
from sciglm.errors import UnknownSubjectError
from sciglm.hookspecs import hookimpl
from sciglm.subject import Subject


class Alpha(Subject):
    name = "alpha"
    description = "first"


class AlphaAgain(Subject):
    name = "alpha"
    description = "second"


class First:
    @hookimpl
    def register_subjects(self, register):  # type: ignore[no-untyped-def]
        register(Alpha())

    @hookimpl
    def register_loaders(self, register):  # type: ignore[no-untyped-def]
        register("alpha-set", lambda path: [], subject="alpha", description="test set")


class Clash:
    @hookimpl
    def register_subjects(self, register):  # type: ignore[no-untyped-def]
        register(AlphaAgain())


class Broken:
    @hookimpl
    def register_subjects(self, register):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")


def test_registered_subject_and_loader(register_plugin) -> None:  # type: ignore[no-untyped-def]
    register_plugin(First(), "first")
    assert registry.get_subject("alpha").description == "first"
    assert registry.get_loader("alpha-set").subject == "alpha"
    rows = {row["subject"]: row for row in registry.describe_plugins()}
    assert rows["alpha"]["plugin"] == "first"


def test_unknown_subject_names_the_known_ones(register_plugin) -> None:  # type: ignore[no-untyped-def]
    register_plugin(First(), "first")
    with pytest.raises(UnknownSubjectError, match=r"unknown subject 'zzz' \(known: .*alpha"):
        registry.get_subject("zzz")


def test_a_failing_hook_is_reported_and_others_survive(register_plugin) -> None:  # type: ignore[no-untyped-def]
    before = len(plugins.failures)
    register_plugin(Broken(), "broken")
    register_plugin(First(), "first")
    assert registry.get_subject("alpha").name == "alpha"
    new = plugins.failures[before:]
    assert [(f.name, "boom" in f.error) for f in new] == [("broken", True)]
    del plugins.failures[before:]


def test_register_rejects_non_subjects(register_plugin) -> None:  # type: ignore[no-untyped-def]
    class Bad:
        @hookimpl
        def register_subjects(self, register):  # type: ignore[no-untyped-def]
            register("not a subject")

    before = len(plugins.failures)
    register_plugin(Bad(), "bad")
    registry.subjects()
    assert "needs a named Subject" in plugins.failures[-1].error
    del plugins.failures[before:]


def test_a_name_clash_keeps_the_first_and_reports_the_second(register_plugin) -> None:  # type: ignore[no-untyped-def]
    """pluggy calls the plugin registered last first; the first one called keeps the name."""
    before = len(plugins.failures)
    register_plugin(Clash(), "clash")
    register_plugin(First(), "first")
    assert registry.get_subject("alpha").description == "first"
    (failure,) = plugins.failures[before:]
    assert failure.name == "clash"
    assert failure.error == ("register_subjects: subject 'alpha' is already registered by "
                             "'first'; ignored")
    del plugins.failures[before:]
