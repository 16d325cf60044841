r"""The prompt of each benchmark question: the subject's system prompt, optional worked
exemplars as earlier turns (few-shot), then the question with the answer form it expects.

Chain of thought (``cot``, the default) asks for steps and a final ``\boxed{}``; ``direct``
asks for the boxed answer alone. Lean benchmarks use the lean subject's own proof prompt.
"""

from __future__ import annotations

import re

from sciglm.eval.benchmarks import Benchmark
from sciglm.records import Message, Question
from sciglm.subject import Subject

STYLES = ("cot", "direct")
DIRECT_SYSTEM = "You are a careful scientist. Reply with the final answer only, as \\boxed{ANSWER}."
OWN_PROMPT = {"lean"}  # subjects whose cot_prompt is used unchanged (proofs, not answers)

_THEOREMQA_FORMS = {
    "integer": "an integer",
    "float": "a number",
    "bool": "True or False",
    "list of integer": "a list of integers such as [1, 2]",
    "list of float": "a list of numbers such as [0.5, 1.2]",
    "option": "the option letter, such as (a)",
}
_SCIEVAL_FORMS = {
    "multiple-choice": "the letter of the correct option",
    "judge": "yes or no",
    "filling": "the missing text",
}


def answer_form(bench: Benchmark, question: Question) -> str:
    """What the final answer should look like, in words, for this question."""
    if bench.name == "gsm8k":
        return "a number"
    if bench.name == "scibench":
        unit = str(question.meta.get("unit") or "").strip()
        return f"a number in the unit {unit}" if unit else "a number"
    if bench.name == "theoremqa":
        return _THEOREMQA_FORMS.get(str(question.meta.get("answer_type")), "a number")
    if bench.name == "scieval":
        return _SCIEVAL_FORMS.get(str(question.meta.get("type")), "the answer")
    if bench.name == "gaokao":
        return "the letter(s) of the correct option(s)"
    if question.choices:
        return "the letter of the correct option"
    return "the answer in simplest form"


def instruction(bench: Benchmark, question: Question, style: str) -> str:
    form = answer_form(bench, question)
    if style == "direct":
        return f"Reply with the final answer only ({form}) as \\boxed{{ANSWER}}."
    return f"Solve it step by step, then give the final answer ({form}) as \\boxed{{ANSWER}}."


def exemplar_answer(question: Question, style: str) -> str:
    """A worked answer for a few-shot exemplar: its solution (if any) and the boxed answer."""
    final = f"The answer is \\boxed{{{question.reference}}}."
    if style == "direct" or not question.solution:
        return final
    solution = re.sub(r"<<[^>]*>>", "", question.solution).strip()  # GSM8K calculator notes
    return solution if "\\boxed" in solution else f"{solution}\n{final}"


def build_messages(
    bench: Benchmark,
    subject: Subject,
    question: Question,
    exemplars: list[Question],
    style: str = "cot",
) -> list[Message]:
    """The chat messages for one question."""
    if subject.name in OWN_PROMPT:
        return subject.cot_prompt(question)
    system = subject.system_prompt if style == "cot" else DIRECT_SYSTEM
    messages: list[Message] = [{"role": "system", "content": system}]
    for shot in exemplars:
        messages.append({"role": "user", "content": _ask(bench, subject, shot, style)})
        messages.append({"role": "assistant", "content": exemplar_answer(shot, style)})
    messages.append({"role": "user", "content": _ask(bench, subject, question, style)})
    return messages


def _ask(bench: Benchmark, subject: Subject, question: Question, style: str) -> str:
    return f"{subject.format_question(question)}\n\n{instruction(bench, question, style)}"
