"""``/verify``: judge the last answer with the subject's verifier, in a bounded worker process."""

from __future__ import annotations

from sciglm import registry
from sciglm.records import Verdict, VerifyItem
from sciglm.verify.pool import VerifierPool


class ChatVerifier:
    """One verifier worker started on the first ``/verify`` and kept for the session."""

    def __init__(self) -> None:
        self._pool: VerifierPool | None = None

    def check(self, subject: str, question: str | None, answer: str, reference: str) -> Verdict:
        """The verdict on ``answer`` against ``reference``; unknown subjects raise a clear error."""
        registry.get_subject(subject)
        if self._pool is None:
            self._pool = VerifierPool(
                workers=1,
            )
        item = VerifyItem(id="chat", subject=subject, response=answer, reference=reference,
                          question=question)
        return self._pool.submit(item).result()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None
