"""The built-in ``physics`` subject: numbers with units, choice letters and true/false answers.

Registered through the entry point ``physics = "sciglm_physics"`` exactly like a third-party plugin.
Registering imports nothing heavy: the checking code (:mod:`sciglm.answers.science`, pint,
math-verify) is imported on the first check, inside a verifier worker.
"""

from __future__ import annotations

from collections.abc import Callable

from sciglm.hookspecs import hookimpl
from sciglm.records import Verdict, VerifyItem
from sciglm.subject import Subject

UNIT_PROMPT = (
    "You are a careful physicist. Solve the problem step by step, keeping track of units, then "
    "state the final answer with its unit on its own line as: The answer is \\boxed{ANSWER}."
)


class QuantitySubject(Subject):
    """A subject whose answers are numbers with units, choice letters or true/false."""

    #: Relative tolerance for numeric answers. SciBench scores with 5%, and textbook answers
    #: are rounded to 2-3 significant figures, so a correct chain of rounded steps can be
    #: a few percent off the printed answer.
    rel_tol: float = 0.05
    default_timeout = 5.0

    def warmup(self) -> None:
        """Import the checking code, build the pint registry and import math-verify once per
        worker."""
        from sciglm.answers import science  # noqa: F401 - the checking code itself
        from sciglm.answers.quantity import registry

        registry()
        import math_verify  # noqa: F401

    def extract_answer(self, response: str, item: VerifyItem | None = None) -> str | None:
        from sciglm.answers.science import stated_answer

        return stated_answer(response)

    def verify(self, item: VerifyItem) -> Verdict:
        from sciglm.answers.science import verify_scientific

        return verify_scientific(item, self.rel_tol)


class Physics(QuantitySubject):
    name = "physics"
    description = "Physics: numbers with units (pint), choice letters, true/false; 5% rel. tol."
    system_prompt = UNIT_PROMPT


@hookimpl
def register_subjects(register: Callable[[Subject], None]) -> None:
    register(Physics())
