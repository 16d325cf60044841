"""The ``lean`` subject: formal proofs screened, checked by Lean's REPL, and confirmed by
comparator in a sandbox before they are ``true`` (LeanDojo records: never ``true``).

Inside ``sciglm verify`` each verifier worker process keeps one :class:`LeanChecker` (one REPL
with the header loaded once) for its whole life; the REPL runs under its own memory limit
and per-proof timeout, and dies with the worker. Registering the subject imports only this
module and the prompts; the checker, the screen and the REPL client load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sciglm.records import Message, Question, Verdict, VerifyItem
from sciglm.subject import Subject
from sciglm_lean import prompts

if TYPE_CHECKING:
    from sciglm_lean.checker import LeanChecker


class LeanSubject(Subject):
    """Lean 4 theorem proving with Mathlib."""

    name = "lean"
    verdict_labels = ("accepted", "rejected", "unchecked")
    description = "Lean 4 proofs: screened, Lean REPL, comparator in a sandbox for true"
    #: The generic pool's backstop: a cold Mathlib import plus a proof. Each proof has its own,
    #: shorter timeout inside the checker (SCIGLM_LEAN_TIMEOUT, default 60 s).
    default_timeout = 1200.0
    system_prompt = prompts.SYSTEM_PROMPT

    def __init__(self) -> None:
        self._checker: LeanChecker | None = None

    def warmup(self) -> None:
        """Import the checker, the screen and the REPL client once per worker (no REPL yet)."""
        from sciglm_lean import checker, dojo  # noqa: F401 - imported for the workers to share

    def unavailable(self) -> str | None:
        """The reason no REPL can start here (no ``lake``, no built REPL), else ``None``."""
        from sciglm_lean.config import LeanConfig, resolve_launch

        launch = resolve_launch(LeanConfig.from_env())
        return launch if isinstance(launch, str) else None

    def checker(self) -> LeanChecker:
        """This process's checker (created on first use, never in the fork server)."""
        if self._checker is None:
            from sciglm_lean.checker import LeanChecker
            from sciglm_lean.config import LeanConfig

            self._checker = LeanChecker(LeanConfig.from_env())
        return self._checker

    def extract_answer(self, response: str, item: VerifyItem | None = None) -> str | None:
        from sciglm_lean.compose import extract_code

        code = extract_code(response)
        return code or None

    def verify(self, item: VerifyItem) -> Verdict:
        statement = item.extra.get("statement") or item.reference or item.question
        header = item.extra.get("header")
        if not statement:
            from sciglm_lean.dojo import DojoTheorem, check_with_dojo

            theorem = DojoTheorem.from_record(item.extra)
            if theorem is not None:
                return check_with_dojo(
                    theorem, item.response, screen_config=self.checker().config.screen
                )
            return Verdict(None, None, "cannot check: record has no Lean 'statement'")
        return self.checker().check(
            str(statement), item.response, header if isinstance(header, str) else None
        )

    def cot_prompt(self, question: Question) -> list[Message]:
        return prompts.proof_prompt(question)

    def reflect_prompt(self, question: Question, attempt: str, verdict: Verdict) -> list[Message]:
        return prompts.reflect_prompt(question, attempt, verdict)

    def hint_prompt(self, question: Question, reference: str) -> list[Message]:
        return prompts.hint_prompt(question, reference)
