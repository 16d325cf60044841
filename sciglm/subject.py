"""The :class:`Subject` a plugin registers: answer extraction, verification and prompts.

Subclass it, override :meth:`extract_answer` and :meth:`verify` (and any prompt you want
to change), and register an instance from the ``register_subjects`` hook.
Verification runs in worker processes with a time and memory bound, so ``verify`` may be
slow or fail; it must never evaluate model output as code.
"""

from __future__ import annotations

from sciglm.records import Message, Question, Verdict, VerifyItem

SYSTEM_PROMPT = (
    "You are a careful scientist. Solve the problem step by step, then state the final answer "
    "on its own line as: The answer is \\boxed{ANSWER}."
)


class Subject:
    """Base class of a subject. Class attributes describe it; methods do the work."""

    name: str = ""
    description: str = ""
    #: Seconds one verification may take before it is abandoned (``null`` verdict).
    default_timeout: float = 10.0
    #: What the summary calls true / false / null verdicts (Lean: accepted, rejected, unchecked).
    verdict_labels: tuple[str, str, str] = ("correct", "wrong", "undecided")
    #: The system prompt used for every stage of annotation.
    system_prompt: str = SYSTEM_PROMPT

    def warmup(self) -> None:
        """Prepare expensive state (parsers, unit registries) once per worker process."""

    def unavailable(self) -> str | None:
        """Why this subject can judge nothing on this machine (the Lean subject without a
        toolchain), else ``None``. Asked before a run generates anything, so that the warning
        comes first, not after the model's work."""
        return None

    # -- answers -------------------------------------------------------------------------
    def extract_answer(self, response: str, item: VerifyItem | None = None) -> str | None:
        """The final answer stated in ``response``, or ``None`` where there is none."""
        raise NotImplementedError

    def verify(self, item: VerifyItem) -> Verdict:
        """Judge ``item.response`` against ``item.reference``."""
        raise NotImplementedError

    # -- prompts (chain-of-thought, critic-and-revise, reference hint) ----------------------
    def format_question(self, question: Question) -> str:
        """The question text shown to a model, with lettered choices where there are some."""
        text = question.question.strip()
        if question.choices:
            letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
            text += "\n" + "\n".join(f"({letters[i]}) {c}" for i, c in enumerate(question.choices))
        return text

    def cot_prompt(self, question: Question) -> list[Message]:
        """Stage 1: ask for a step-by-step solution."""
        return [
            {"role": "system", "content": self.system_prompt},
            {"role": "user", "content": self.format_question(question)},
        ]

    def reflect_prompt(self, question: Question, attempt: str, verdict: Verdict) -> list[Message]:
        """Stage 2: the wrong attempt and the verifier's feedback go back; reflect, then revise."""
        feedback = verdict.reason or "the final answer does not match the reference"
        stated = verdict.predicted if verdict.predicted is not None else "no final answer found"
        return [
            {"role": "system", "content": self.system_prompt},
            {"role": "user", "content": self.format_question(question)},
            {"role": "assistant", "content": attempt},
            {
                "role": "user",
                "content": (
                    "Your solution above is incorrect.\n"
                    f"Your final answer: {stated}\n"
                    f"Checker feedback: {feedback}\n"
                    "First explain briefly what went wrong, then write a corrected step-by-step "
                    "solution and state the final answer as \\boxed{ANSWER}."
                ),
            },
        ]

    def hint_prompt(self, question: Question, reference: str) -> list[Message]:
        """Stage 3: a last try with the reference answer given as a hint."""
        return [
            {"role": "system", "content": self.system_prompt},
            {
                "role": "user",
                "content": (
                    f"{self.format_question(question)}\n\n"
                    f"Hint: the correct final answer is {reference}. Write a complete step-by-step "
                    "solution that reaches it, and state the final answer as \\boxed{ANSWER}."
                ),
            },
        ]
