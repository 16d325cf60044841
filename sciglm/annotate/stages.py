"""One question's way through the stages of the paper, as a small state machine.

cot → (verify) → reflect × K → hint (when there is a reference) → failed. Where the subject
verifier cannot decide (``null``), the optional judge model decides. Every prompt, response
and verdict is kept in the record's ``trajectory``; tokens are counted per stage.

As in the original (THUDM/SciGLM ``reflective_generation/api_gen_gpt_revise.py``), a reflection
answers in two parts, a critique and then the corrected solution after a marker; only the
corrected solution is verified and becomes the training target (the critique stays in the
trajectory), and multiple-choice questions are not reflected unless ``reflect_choices``
(a wrong letter goes straight to the hint).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sciglm.annotate import original
from sciglm.annotate.judge import judge_prompt, judged_verdict
from sciglm.endpoint.client import Completion, EndpointClient, EndpointError
from sciglm.generation.base import cut_off
from sciglm.records import Message, Question, Verdict, VerifyItem
from sciglm.subject import Subject

Check = Callable[[VerifyItem], Awaitable[Verdict]]
STAGES = ("cot", "reflect", "hint", "failed")

#: What a reflection must write before its corrected solution (the original's "正确解答：").
CORRECTED_MARKER = "Corrected solution:"
_MARKERS = re.compile(r"(?:corrected solution\s*:|正确解答[：:])", re.IGNORECASE)
REFLECT_FORMAT = (
    "\n\nReply in two parts: first \"What went wrong:\" followed by your critique, then "
    f"\"{CORRECTED_MARKER}\" followed by the complete corrected solution on its own."
)
NO_MARKER = (f"no '{CORRECTED_MARKER}' marker: the critique cannot be told apart from the "
             "corrected solution")
_CHOICE_LETTERS = set("ABCDEF ")


def corrected_solution(response: str) -> str | None:
    """The text after the last corrected-solution marker, or ``None`` where there is none."""
    parts = _MARKERS.split(response)
    if len(parts) < 2:
        return None
    solution = parts[-1].strip()
    return solution or None


def with_reflect_format(messages: list[Message]) -> list[Message]:
    """The subject's reflect prompt with the two-part answer format asked in its last turn."""
    out = [dict(m) for m in messages]
    last = max(i for i, m in enumerate(out) if m["role"] == "user")
    out[last]["content"] = out[last]["content"] + REFLECT_FORMAT
    return out  # type: ignore[return-value]


def is_multiple_choice(question: Question) -> bool:
    """Choices given, or a reference that is only letters A-F (the original's ``is_choice``)."""
    reference = (question.reference or "").strip()
    return bool(question.choices) or (bool(reference) and set(reference) <= _CHOICE_LETTERS)


@dataclass(frozen=True)
class StageSettings:
    """What every question of a run shares."""

    model: str
    params: dict[str, Any]
    max_reflections: int = 2
    judge_model: str | None = None
    #: Reflect multiple-choice questions too; the original did not (a wrong letter goes
    #: straight to the hint stage).
    reflect_choices: bool = False
    #: The original prompts (:mod:`sciglm.annotate.original`): one Chinese user turn each, the
    #: reference inside the reflection, lines joined, no hint stage.
    original_prompts: bool = False
    teacher: dict[str, Any] = field(default_factory=dict)


def verdict_dict(verdict: Verdict) -> dict[str, Any]:
    out: dict[str, Any] = {
        "correct": verdict.correct,
        "predicted": verdict.predicted,
        "reason": verdict.reason,
        "seconds": round(verdict.seconds, 4),
    }
    if verdict.details:
        out["details"] = verdict.details
    return out


class QuestionRun:
    """The state of one question: its trajectory so far, token use per stage, the outcome."""

    def __init__(self, question: Question, subject: Subject, client: EndpointClient,
                 settings: StageSettings, check: Check) -> None:
        self.q = question
        self.subject = subject
        self.client = client
        self.settings = settings
        self.check = check
        self.trajectory: list[dict[str, Any]] = []
        self.usage: dict[str, dict[str, int | None]] = {}

    # -- one step: ask, verify, maybe judge ----------------------------------------------------
    async def _ask(self, stage: str, messages: list[Message], model: str) -> Completion:
        completion = await self.client.complete(messages, model, self.settings.params)
        counted = self.usage.setdefault(stage, {"prompt_tokens": 0, "completion_tokens": 0})
        for key, value in (("prompt_tokens", completion.prompt_tokens),
                           ("completion_tokens", completion.completion_tokens)):
            # A stage with an answer the server gave no usage for has no count: null, not 0.
            counted[key] = None if value is None or counted[key] is None else counted[key] + value
        return completion

    async def attempt(
        self, stage: str, messages: list[Message], round_: int = 0,
        target: Callable[[str], str | None] | None = None,
    ) -> tuple[str | None, Verdict]:
        """Ask the teacher, verify the answer in the pool, let the judge settle a ``null``.

        ``target`` picks the training target out of the response (the corrected solution of a
        reflection); it alone is verified, and where it finds nothing the verdict is ``null``.
        """
        completion = await self._ask(stage, messages, self.settings.model)
        step: dict[str, Any] = {"stage": stage}
        if round_:
            step["round"] = round_
        step |= {
            "prompt": messages,
            "response": completion.text,
            "finish_reason": completion.finish_reason,
            "cached": completion.cached,
        }
        if cut_off(completion.finish_reason):
            step["truncated"] = True
        self.trajectory.append(step)
        text = completion.text if target is None else target(completion.text)
        if target is not None:
            step["target"] = text
        if text is None:
            verdict = Verdict(correct=None, reason=NO_MARKER)
            step["verdict"] = verdict_dict(verdict)
            return None, verdict
        item = VerifyItem(
            id=self.q.id, subject=self.q.subject, response=text,
            reference=self.q.reference, question=self.q.question, choices=self.q.choices,
            extra=dict(self.q.meta),
        )
        verdict = await self.check(item)
        step["verdict"] = verdict_dict(verdict)
        if verdict.correct is None and self.settings.judge_model:
            prompt = judge_prompt(self.q, self.subject.format_question(self.q), text)
            judged = await self._ask("judge", prompt, self.settings.judge_model)
            verdict = judged_verdict(verdict, judged.text)
            step["judge"] = {
                "model": self.settings.judge_model,
                "prompt": prompt,
                "response": judged.text,
                "cached": judged.cached,
                "verdict": verdict_dict(verdict),
            }
        return text, verdict

    # -- the state machine ---------------------------------------------------------------------
    async def run(self) -> dict[str, Any]:
        """Annotate the question; a :class:`EndpointError` becomes a ``failed`` record with the
        reason, except a fatal one (bad key, unknown model), which stops the run."""
        try:
            return await self._stages()
        except EndpointError as exc:
            if exc.fatal:
                raise
            return self.record("failed", None, None, error=str(exc), error_kind=exc.kind)

    async def _stages(self) -> dict[str, Any]:
        q, subject = self.q, self.subject
        if self.settings.original_prompts:
            return await self._original_stages()
        text, verdict = await self.attempt("cot", subject.cot_prompt(q))
        if verdict.correct:
            return self.record("cot", text, True)
        if verdict.correct is None and q.reference is None and not self.settings.judge_model:
            return self.record("failed", None, None,
                               note="no reference answer and no --judge: cannot be verified")
        reflect = not is_multiple_choice(q) or self.settings.reflect_choices
        attempt = text
        for round_ in range(1, (self.settings.max_reflections if reflect else 0) + 1):
            prompt = with_reflect_format(subject.reflect_prompt(q, attempt, verdict))
            solution, verdict = await self.attempt("reflect", prompt, round_, corrected_solution)
            if verdict.correct:
                return self.record("reflect", solution, True)
            if solution is not None:
                attempt = solution
        if q.reference is not None:
            text, verdict = await self.attempt("hint", subject.hint_prompt(q, q.reference))
            if verdict.correct:
                return self.record("hint", text, True)
        return self.record("failed", None, verdict.correct)

    async def _original_stages(self) -> dict[str, Any]:
        """The original's flow: its CoT prompt; a wrong answer is revised with the reference
        in the prompt (multiple choice is not, unless ``reflect_choices``); no hint stage."""
        q = self.q
        text, verdict = await self.attempt("cot", original.cot_messages(q), target=original.joined)
        if verdict.correct:
            return self.record("cot", text, True)
        if q.reference is None or (is_multiple_choice(q) and not self.settings.reflect_choices):
            return self.record("failed", None, verdict.correct)
        attempt = text or ""
        for round_ in range(1, self.settings.max_reflections + 1):
            prompt = original.reflect_messages(q, attempt, q.reference)
            solution, verdict = await self.attempt("reflect", prompt, round_, original.corrected)
            if verdict.correct:
                return self.record("reflect", solution, True)
        return self.record("failed", None, verdict.correct)

    def record(self, stage: str, response: str | None, correct: bool | None,
               **extra: Any) -> dict[str, Any]:
        """The output record of this question."""
        out: dict[str, Any] = {
            "id": self.q.id,
            "subject": self.q.subject,
            "question": self.q.question,
            "reference": self.q.reference,
        }
        if self.q.choices:
            out["choices"] = self.q.choices
        out |= {
            "response": response,
            "correct": correct,
            "stage": stage,
            "trajectory": self.trajectory,
            "usage": self.usage,
            "teacher": self.settings.teacher,
        }
        if response is not None and self.trajectory:  # the kept response is the last step's
            out["finish_reason"] = self.trajectory[-1].get("finish_reason")
            if self.trajectory[-1].get("truncated"):
                out["truncated"] = True
        if self.q.meta:
            out["meta"] = self.q.meta
        out.update(extra)
        return out
