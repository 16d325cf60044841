"""The ``math`` subject: what it is called and how long a check may take, cheap to import.

Registering it imports nothing else of the plugin; the work (:mod:`sciglm_math.check`, and
through it sympy and math-verify) is imported on the first check, inside a verifier worker.
"""

from __future__ import annotations

from sciglm.records import Verdict, VerifyItem
from sciglm.subject import Subject


class MathSubject(Subject):
    """Competition and grade-school mathematics: numbers, expressions, sets, intervals, tuples."""

    name = "math"
    description = "Mathematics: fast exact/numeric paths, then math-verify on LaTeX (no eval)"
    default_timeout = 10.0

    def warmup(self) -> None:
        """Import the checking code and let math-verify and sympy prepare, once per worker."""
        from sciglm_math import check

        check.warmup()

    def extract_answer(self, response: str, item: VerifyItem | None = None) -> str | None:
        """The answer a reader would take (:func:`sciglm.answers.extract.stated_answer`)."""
        from sciglm_math import check

        return check.extract_answer(response)

    def verify(self, item: VerifyItem) -> Verdict:
        from sciglm_math import check

        return check.verify(item)

    def compare(self, reference: str, answer: str) -> Verdict:
        """Judge one extracted ``answer`` against one ``reference`` answer."""
        from sciglm_math import check

        return check.compare(reference, answer)
