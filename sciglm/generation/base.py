"""The interface every backend implements, and the generation parameters they share."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any, Protocol

from sciglm.errors import SciglmError
from sciglm.records import Message

#: ``finish_reason`` values that mean the reply was cut off by the token limit (OpenAI: length).
CUT_OFF_REASONS = ("length", "max_tokens")


def cut_off(finish_reason: str | None) -> bool:
    """Whether a reply that finished for ``finish_reason`` was cut off by the token limit."""
    return finish_reason in CUT_OFF_REASONS


def truncated_flags(model: object, count: int) -> list[bool]:
    """Which replies of ``model``'s last ``generate``/``complete_text`` call were cut off by the
    token limit (all ``False`` for a backend that does not say)."""
    flags = list(getattr(model, "truncated", None) or [])
    return flags if len(flags) == count else [False] * count


@dataclass
class GenParams:
    """Sampling settings. ``temperature == 0`` means greedy decoding (deterministic)."""

    max_tokens: int = 512
    temperature: float = 0.0
    top_p: float = 1.0

    @property
    def greedy(self) -> bool:
        return self.temperature <= 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def updated(self, assignments: dict[str, str]) -> GenParams:
        """A copy with ``name=value`` strings applied; a clear error for a bad name or value."""
        known = {f.name: f.type for f in fields(self)}
        values = self.to_dict()
        for name, text in assignments.items():
            if name not in known:
                raise SciglmError(f"unknown parameter {name!r} (known: {', '.join(known)})")
            try:
                value: float | int = int(text) if name == "max_tokens" else float(text)
            except ValueError as exc:
                raise SciglmError(f"{name}={text!r} is not a number") from exc
            values[name] = value
        result = GenParams(**values)
        result.check()
        return result

    def check(self) -> None:
        """Raise :class:`SciglmError` on values no backend accepts."""
        if self.max_tokens < 1:
            raise SciglmError(f"max_tokens must be at least 1, got {self.max_tokens}")
        if self.temperature < 0:
            raise SciglmError(f"temperature must be >= 0, got {self.temperature}")
        if not 0 < self.top_p <= 1:
            raise SciglmError(f"top_p must be in (0, 1], got {self.top_p}")


#: Called after each finished batch with the number of conversations it held.
OnBatch = Callable[[int], None]


class ChatModel(Protocol):
    """What chat and eval need from a model backend."""

    #: A short label for tables and file names ("smollm2-135m-instruct", "gpt-4o-mini").
    label: str
    #: Optional, per reply of the last ``generate``/``complete_text`` call: cut off by the token
    #: limit (``finish_reason`` "length"); ``stream_truncated``: the same for the last stream.
    #: Read through :func:`truncated_flags` / ``getattr`` so a backend may leave them out.

    def generate(
        self,
        conversations: Sequence[list[Message]],
        params: GenParams,
        on_batch: OnBatch | None = None,
    ) -> list[str]:
        """One reply per conversation, in input order."""
        ...

    def complete_text(
        self, prompts: Sequence[str], params: GenParams, on_batch: OnBatch | None = None
    ) -> list[str]:
        """Raw completions: each prompt text continued as is (no chat template), in order.

        For prompts already in a model's own format (SciGLM's ``[Round 1]\n\n问：…\n\n答：``).
        """
        ...

    def stream(
        self, messages: list[Message], params: GenParams, stop: threading.Event
    ) -> Iterator[str]:
        """Reply text pieces as they are produced; stops early once ``stop`` is set."""
        ...

    def close(self) -> None:
        """Release what the backend holds (threads, connections)."""
        ...
