"""A scripted teacher for the loopback server, and a one-call in-process annotation run."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

from sciglm.annotate.config import AnnotateConfig
from sciglm.annotate.questions import read_questions
from sciglm.annotate.runner import annotate
from sciglm.annotate.store import OutputStore
from sciglm.endpoint.loopback import LoopbackServer, Reply, last_user_text, ok

_PLAN = re.compile(r"\[(\w+):([^\]|]*)(?:\|(\w+):([^\]|]*))*\]")


def plan(question: str) -> dict[str, str]:
    """``"... [cot:1|reflect:4|hint:4]"`` → ``{"cot": "1", "reflect": "4", "hint": "4"}``."""
    match = re.search(r"\[([^\]]*)\]", question)
    if not match:
        return {}
    return dict(part.split(":", 1) for part in match.group(1).split("|") if ":" in part)


def stage_of(request: dict[str, Any]) -> str:
    messages = request["messages"]
    if messages[0]["content"].startswith("You grade"):
        return "judge"
    if len(messages) > 2:
        return "reflect"
    return "hint" if "Hint: the correct final answer" in messages[-1]["content"] else "cot"


def scripted_teacher(request: dict[str, Any], number: int, delay: float = 0.0) -> Reply:
    """Answer each stage as the question's ``[stage:answer|…]`` plan says (a reflection
    critiques, then writes "Corrected solution:"; ``reflect:~4`` leaves the marker out)."""
    stage = stage_of(request)
    text = last_user_text(request) if stage != "reflect" else request["messages"][1]["content"]
    answers = plan(text)
    if stage == "judge":
        verdict = "CORRECT" if answers.get("judge") == "yes" else "INCORRECT"
        return ok(f"Looks {verdict.lower()}.\nVERDICT: {verdict}", delay=delay)
    answer = answers.get(stage, "0")
    solution = f"Step 1: think.\nThe answer is \\boxed{{{answer}}}."
    if stage == "reflect":  # critique, then the marked solution; "~4": no marker
        if answer.startswith("~"):
            return ok(f"I slipped. The answer is \\boxed{{{answer[1:]}}}.", delay=delay)
        solution = f"What went wrong: I slipped at \\boxed{{0}}.\nCorrected solution: {solution}"
    return ok(solution, delay=delay)


def run(questions_path: Path, output: Path, server: LoopbackServer, **options: Any):
    """Annotate in this process (fork-started verifier pool, so the toy subject is seen)."""
    defaults: dict[str, Any] = {"output": str(output), "base_url": server.base_url,
                                "workers": 1, "memory_mb": None, "start_method": "fork",
                                "retry_wait": 0.01}
    questions = read_questions(questions_path)
    with OutputStore(output) as store:
        return asyncio.run(annotate(questions, store, AnnotateConfig(**(defaults | options))))
