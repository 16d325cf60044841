"""``/save`` writes one file into a folder that exists; it never creates folders (issue #24)."""

from __future__ import annotations

from pathlib import Path

from sciglm.chat.commands import Commands
from sciglm.chat.session import ChatSession


def test_save_refuses_to_create_a_folder_tree(tmp_path: Path) -> None:
    session = ChatSession()
    session.add("user", "hi")
    commands = Commands(session)
    try:
        deep = tmp_path / "typo" / "a" / "b" / "chat.json"
        reply = commands.handle(f"/save {deep}")
        assert not reply.ok
        assert reply.text == (f"{deep}: no folder {deep.parent}: /save writes a file into an "
                              "existing folder (create it first)")
        assert not (tmp_path / "typo").exists()
        reply = commands.handle(f"/save {tmp_path}")
        assert not reply.ok and "is a folder" in reply.text
        reply = commands.handle(f"/save {tmp_path / 'chat.json'}")
        assert reply.ok and (tmp_path / "chat.json").is_file()
    finally:
        commands.verifier.close()
