"""Slash commands against a real session and the real subject verifiers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sciglm.chat.commands import Commands
from sciglm.chat.session import ChatSession


@pytest.fixture
def commands() -> Commands:
    session = ChatSession()
    session.add("user", "What is 7 times 6?")
    session.add("assistant", "7 times 6 is 42.\nThe answer is \\boxed{42}.")
    handler = Commands(session)
    yield handler
    handler.verifier.close()


def test_save_clear_load(commands: Commands, tmp_path: Path) -> None:
    target = tmp_path / "chat.json"
    reply = commands.handle(f"/save {target}")
    assert reply.ok and "saved 2 message(s)" in reply.text
    assert json.loads(target.read_text())["messages"][1]["content"].endswith("\\boxed{42}.")
    assert commands.handle("/clear").text == "conversation cleared (2 message(s) forgotten)"
    assert commands.session.history == []
    assert commands.handle(f"/load {target}").ok
    assert len(commands.session.history) == 2


def test_system_and_params(commands: Commands) -> None:
    assert commands.handle("/system You are terse.").text == "system prompt set"
    assert commands.session.messages()[0] == {"role": "system", "content": "You are terse."}
    assert commands.handle("/system none").text == "system prompt removed"
    reply = commands.handle("/params temperature=0.7 max_tokens=64")
    assert reply.ok and "temperature=0.7" in reply.text and "max_tokens=64" in reply.text
    assert commands.session.params.temperature == 0.7
    bad = commands.handle("/params temperature=hot")
    assert not bad.ok and "not a number" in bad.text
    assert commands.session.params.temperature == 0.7


def test_errors_are_replies_not_crashes(commands: Commands, tmp_path: Path) -> None:
    assert not commands.handle("/bogus").ok
    assert not commands.handle("/save").ok
    missing = commands.handle(f"/load {tmp_path / 'none.json'}")
    assert not missing.ok and "cannot read" in missing.text
    assert not commands.handle("/subject alchemy").ok
    assert commands.handle("/exit").exit


def test_verify_runs_the_subject_verifier(commands: Commands) -> None:
    right = commands.handle("/verify 42")
    assert right.ok and right.text.startswith("✓ correct [math]: predicted 42")
    wrong = commands.handle("/verify 41")
    assert wrong.text.startswith("✗ incorrect") and "predicted 42" in wrong.text


def test_verify_needs_an_answer() -> None:
    handler = Commands(ChatSession())
    reply = handler.handle("/verify 3")
    assert not reply.ok and "ask a question first" in reply.text
