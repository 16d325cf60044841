"""The optional LLM judge, asked only when the subject verifier cannot decide (``null``).

As in the paper, a (stronger) model reads the question, the reference answer where there is
one, and the solution, and says whether the solution is correct. Its answer is read by
string matching only; an answer without a clear verdict leaves the question undecided.
"""

from __future__ import annotations

import re

from sciglm.records import Message, Question, Verdict

JUDGE_SYSTEM = (
    "You grade solutions to science problems. Read the problem, the reference answer if one "
    "is given, and the proposed solution. Decide whether the solution's final answer is "
    "correct. Explain in at most three sentences, then end with exactly one line: "
    "'VERDICT: CORRECT' or 'VERDICT: INCORRECT'."
)
MAX_SOLUTION_CHARS = 12_000  # a judge prompt shows at most this much of a solution
_VERDICT = re.compile(r"verdict\s*[:：]\s*\**\s*(correct|incorrect|wrong|right)\b", re.IGNORECASE)


def judge_prompt(question: Question, question_text: str, solution: str) -> list[Message]:
    """Messages asking a judge model to grade ``solution``."""
    reference = (
        f"Reference answer: {question.reference}\n\n" if question.reference is not None
        else "No reference answer is available; judge the solution on its merits.\n\n"
    )
    shown = solution[-MAX_SOLUTION_CHARS:]
    return [
        {"role": "system", "content": JUDGE_SYSTEM},
        {
            "role": "user",
            "content": f"Problem:\n{question_text}\n\n{reference}Proposed solution:\n{shown}",
        },
    ]


def parse_judgement(text: str) -> bool | None:
    """``True``/``False`` from the judge's last ``VERDICT:`` line, ``None`` without one."""
    matches = _VERDICT.findall(text[-4000:])
    if not matches:
        return None
    return matches[-1].lower() in ("correct", "right")


def judged_verdict(verifier: Verdict, judge_text: str) -> Verdict:
    """The verifier's undecided verdict, decided by the judge where it said something clear."""
    decision = parse_judgement(judge_text)
    if decision is None:
        return Verdict(
            None, verifier.predicted,
            f"{verifier.reason or 'verifier undecided'}; the judge gave no clear verdict",
            verifier.details, verifier.seconds,
        )
    why = " ".join(judge_text.split())[:300]
    return Verdict(
        decision, verifier.predicted,
        f"judge: {'correct' if decision else 'incorrect'} ({why})",
        verifier.details | {"judged": True}, verifier.seconds,
    )
