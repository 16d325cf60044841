"""The state of one chat: system prompt, the turns so far, and the generation settings.

Saved and loaded as one JSON object ``{"system", "params", "subject", "messages"}``; the
messages are the chat-template turns (``{"role", "content"}``) without the system prompt.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sciglm.errors import InputError, SciglmError
from sciglm.generation.base import GenParams
from sciglm.records import Message

FORMAT = "sciglm-chat/1"
ROLES = ("user", "assistant")


@dataclass
class ChatSession:
    """A conversation in progress."""

    system: str | None = None
    params: GenParams = field(default_factory=GenParams)
    subject: str = "math"
    history: list[Message] = field(default_factory=list)

    def messages(self) -> list[Message]:
        """What the model sees: the system prompt (if any), then every turn."""
        prefix: list[Message] = [{"role": "system", "content": self.system}] if self.system else []
        return prefix + [dict(m) for m in self.history]

    def add(self, role: str, content: str) -> None:
        self.history.append({"role": role, "content": content})

    def last(self, role: str) -> str | None:
        """The latest turn of ``role``, or ``None``."""
        for message in reversed(self.history):
            if message["role"] == role:
                return message["content"]
        return None

    def clear(self) -> None:
        """Forget every turn; the system prompt and settings stay."""
        self.history.clear()

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "system": self.system,
            "subject": self.subject,
            "params": self.params.to_dict(),
            "messages": [dict(m) for m in self.history],
        }

    def save(self, path: str | Path) -> Path:
        """Write the session as JSON (atomically) to a file in an existing folder (no folder is
        created: a typo must not leave a tree of folders behind); returns the path written."""
        from sciglm.io.paths import check_output

        path = Path(path).expanduser()
        if not path.parent.is_dir():
            raise InputError(f"no folder {path.parent}: /save writes a file into an existing "
                             "folder (create it first)", str(path))
        check_output(path)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n", "utf-8")
        tmp.replace(path)
        return path

    @classmethod
    def load(cls, path: str | Path) -> ChatSession:
        """A session from a file written by :meth:`save` (or any list of role/content turns)."""
        path = Path(path).expanduser()
        try:
            data = json.loads(path.read_text("utf-8"))
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror or exc}", str(path)) from exc
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise InputError(f"not a JSON chat transcript ({exc})", str(path)) from exc
        if isinstance(data, list):
            data = {"messages": data}
        if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
            raise InputError("expected an object with a 'messages' list", str(path))
        session = cls()
        system = data.get("system")
        history: list[Message] = []
        for number, message in enumerate(data["messages"], start=1):
            if (
                not isinstance(message, dict)
                or message.get("role") not in ROLES + ("system",)
                or not isinstance(message.get("content"), str)
            ):
                raise InputError(f"message {number} needs a role (user/assistant) and content text",
                                 str(path))
            if message["role"] == "system":
                system = message["content"]
                continue
            history.append({"role": message["role"], "content": message["content"]})
        session.system = system if isinstance(system, str) and system else None
        session.history = history
        if isinstance(data.get("subject"), str):
            session.subject = data["subject"]
        if isinstance(data.get("params"), dict):
            try:
                session.params = GenParams().updated({k: str(v) for k, v in data["params"].items()})
            except SciglmError as exc:
                raise InputError(f"params: {exc}", str(path)) from exc
        return session
