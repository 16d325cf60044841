r"""Reasoning blocks are not the answer: split ``<think>…</think>`` off a response.

Reasoning models (DeepSeek-R1, QwQ, Qwen3) think inside ``<think>…</think>`` and answer after
it; chat templates often open the block themselves, so the text may start inside it and hold
only ``</think>``. Every subject extracts its answer from the part after the reasoning, so a
``\boxed{42}`` that appears only while thinking is never credited.
"""

from __future__ import annotations

import re

#: The verdict's reason for a response cut off inside its reasoning block (always ``false``).
REASONING_UNCLOSED = ("no final answer: the response ends inside its reasoning block (an answer "
                      "inside reasoning is not an answer)")

_OPEN = re.compile(r"<(think|thinking|reasoning)>", re.IGNORECASE)
_CLOSE = re.compile(r"</(?:think|thinking|reasoning)>", re.IGNORECASE)


def split_reasoning(text: str) -> tuple[str, str]:
    """``(reasoning, answer)``: everything up to the last closing tag is reasoning, the rest is
    the answer. A block opened and never closed holds the rest of the text (the answer is then
    what came before it, usually nothing). Text without tags is all answer."""
    last_close = None
    for last_close in _CLOSE.finditer(text):  # noqa: B007 - keep the last one
        pass
    if last_close is not None:
        return text[: last_close.start()], text[last_close.end() :]
    opened = _OPEN.search(text)
    if opened is not None:
        return text[opened.end() :], text[: opened.start()]
    return "", text


def unclosed_reasoning(text: str) -> bool:
    """Whether ``text`` opens a reasoning block it never closes (cut off while thinking)."""
    return _CLOSE.search(text) is None and _OPEN.search(text) is not None
