"""Chat sessions: history through the template order, save/load, clear errors for bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sciglm.chat.session import ChatSession
from sciglm.errors import InputError, SciglmError
from sciglm.generation.base import GenParams


def test_messages_put_the_system_prompt_first() -> None:
    session = ChatSession(system="Be brief.")
    session.add("user", "Hi")
    session.add("assistant", "Hello")
    assert session.messages() == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello"},
    ]
    assert ChatSession().messages() == []


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    session = ChatSession(system="S", params=GenParams(max_tokens=64, temperature=0.5))
    session.subject = "physics"
    session.add("user", "What is g?")
    session.add("assistant", "About 9.8 m/s²")
    path = session.save(tmp_path / "chat.json")
    loaded = ChatSession.load(path)
    assert loaded.history == session.history
    assert (loaded.system, loaded.subject, loaded.params) == ("S", "physics", session.params)


def test_load_accepts_a_plain_list_of_turns(tmp_path: Path) -> None:
    path = tmp_path / "turns.json"
    path.write_text(json.dumps([{"role": "system", "content": "S"},
                                {"role": "user", "content": "Q"}]))
    loaded = ChatSession.load(path)
    assert loaded.system == "S"
    assert loaded.history == [{"role": "user", "content": "Q"}]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not a JSON chat transcript"),
        ('{"messages": [{"role": "robot", "content": "x"}]}', "message 1 needs a role"),
        ('{"messages": "x"}', "expected an object with a 'messages' list"),
        ('{"messages": [], "params": {"temperature": -1}}', "temperature must be >= 0"),
    ],
)
def test_bad_files_name_the_file(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(InputError, match=message) as info:
        ChatSession.load(path)
    assert str(path) in str(info.value)


def test_missing_file() -> None:
    with pytest.raises(InputError, match="cannot read"):
        ChatSession.load("/nonexistent/chat.json")


def test_params_updates_are_checked() -> None:
    params = GenParams().updated({"temperature": "0.7", "max_tokens": "20"})
    assert (params.temperature, params.max_tokens, params.greedy) == (0.7, 20, False)
    with pytest.raises(SciglmError, match="unknown parameter 'temp'"):
        GenParams().updated({"temp": "1"})
    with pytest.raises(SciglmError, match="not a number"):
        GenParams().updated({"top_p": "high"})
    with pytest.raises(SciglmError, match="top_p must be"):
        GenParams().updated({"top_p": "0"})
