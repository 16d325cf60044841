r"""The prompt of one benchmark question under a protocol and a prompt format.

The benchmark supplies the question text and answer form (per protocol), the protocol the
system prompt, instruction and exemplar style; nothing here knows a benchmark by name.
Few-shot exemplars are earlier turns. In the ``sciglm`` prompt format the turns become
SciGLM's plain-text rounds (``[Round N]\n\n问：…\n\n答：…``), as ChatGLM2's ``build_prompt``
writes a history; a one-question prompt is exactly :func:`sciglm.prompt_format.sciglm_prompt`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sciglm import registry
from sciglm.errors import UnknownSubjectError
from sciglm.eval.benchmarks import Benchmark
from sciglm.eval.protocols import Protocol
from sciglm.prompt_format import sciglm_prompt
from sciglm.records import Message, Question
from sciglm.subject import SYSTEM_PROMPT, Subject


@dataclass
class Prompt:
    """What is sent for one question: chat messages, or (``sciglm`` format) the text to complete."""

    messages: list[Message]
    text: str | None = None


def _subject(name: str) -> Subject | None:
    try:
        return registry.get_subject(name)
    except UnknownSubjectError:
        return None


def question_text(bench: Benchmark, question: Question, protocol: Protocol) -> str:
    """The question as ``protocol`` shows it, with the protocol's instruction after it."""
    text = bench.text(question, protocol.name)
    if text is None:
        subject = _subject(question.subject)
        text = subject.format_question(question) if subject else Subject().format_question(
            question)
    if protocol.instruction:
        text = f"{text}\n\n{protocol.instruction.format(form=bench.form(question))}"
    return text


def exemplar_answer(question: Question, protocol: Protocol) -> str:
    """A worked answer for a few-shot exemplar, in the protocol's style."""
    reference = question.reference or ""
    solution = re.sub(r"<<[^>]*>>", "", question.solution or "").strip()  # GSM8K calculator notes
    if protocol.exemplar == "plain":
        return f"{solution}\nThe answer is {reference}." if solution else reference
    final = f"The answer is \\boxed{{{reference}}}."
    if protocol.exemplar == "boxed" or not solution:
        return final
    return solution if "\\boxed" in solution else f"{solution}\n{final}"


def build_messages(bench: Benchmark, protocol: Protocol, question: Question,
                   exemplars: list[Question]) -> list[Message]:
    """The chat messages for one question."""
    subject = _subject(question.subject)
    if bench.own_prompt and subject is not None:
        return subject.cot_prompt(question)
    messages: list[Message] = []
    if protocol.system == "subject":
        messages.append({"role": "system",
                         "content": subject.system_prompt if subject else SYSTEM_PROMPT})
    elif protocol.system:
        messages.append({"role": "system", "content": protocol.system})
    for shot in exemplars:
        messages.append({"role": "user", "content": question_text(bench, shot, protocol)})
        messages.append({"role": "assistant", "content": exemplar_answer(shot, protocol)})
    messages.append({"role": "user", "content": question_text(bench, question, protocol)})
    return messages


def sciglm_rounds(messages: list[Message]) -> str:
    """Chat messages as SciGLM's plain-text rounds; a system message leads the first question."""
    system = "\n\n".join(m["content"] for m in messages if m["role"] == "system")
    turns = [m for m in messages if m["role"] != "system"]
    pairs: list[tuple[str, str]] = []
    for message in turns:
        if message["role"] == "user":
            pairs.append((message["content"], ""))
        elif pairs:
            pairs[-1] = (pairs[-1][0], message["content"])
    if system and pairs:
        pairs[0] = (f"{system}\n\n{pairs[0][0]}", pairs[0][1])
    *history, (last, _) = pairs
    text = "".join(f"[Round {i}]\n\n问：{q}\n\n答：{a}\n\n"
                   for i, (q, a) in enumerate(history, start=1))
    one = sciglm_prompt(last)
    return text + one.replace("[Round 1]", f"[Round {len(history) + 1}]", 1)


def build_prompt(bench: Benchmark, protocol: Protocol, question: Question,
                 exemplars: list[Question], prompt_format: str) -> Prompt:
    """The prompt of one question in ``prompt_format`` (``chat`` or ``sciglm``)."""
    messages = build_messages(bench, protocol, question, exemplars)
    if prompt_format != "sciglm":
        return Prompt(messages)
    if protocol.name in bench.verbatim and not exemplars:
        return Prompt(messages, question_text(bench, question, protocol))
    return Prompt(messages, sciglm_rounds(messages))
