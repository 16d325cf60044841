"""The scorers benchmarks name: the option letter, SciGLM's original SciEval rules, the
DeepMind Mathematics comparison, and their path through the verifier pool."""

from __future__ import annotations

import pytest
from sciglm_sources.benchmarks import mathematics_references, score_mathematics

from sciglm.eval.scorers import (
    MAX_CHARS,
    get_scorer,
    score_contains,
    score_first_char,
    score_letter,
    score_scieval_original,
)
from sciglm.records import VerifyItem
from sciglm.verify.pool import VerifierPool


def item(response: str, reference: str, scorer: str | None = None,
         **extra: object) -> VerifyItem:
    return VerifyItem("x", "college_physics", response, reference,
                      choices=["a", "b", "c", "d"], extra=dict(extra), scorer=scorer)


@pytest.mark.parametrize(
    ("response", "predicted", "correct"),
    [
        ("B", "B", True),
        ("B. 3倍", "B", True),
        ("(b) because…", "B", True),
        ("C", "C", False),
        ("The kinetic energy is twice… so the answer is B.", "B", True),
        ("答案是B", "B", True),
        ("Step 1 … \\boxed{D}", "D", False),
        ("I cannot tell.", None, False),
        ("A force of 2 N acts, so the answer is B.", "B", True),
        ("B\nThe explanation follows.", "B", True),
    ],
)
def test_letter(response: str, predicted: str | None, correct: bool) -> None:
    verdict = score_letter(item(response, "B"))
    assert (verdict.predicted, verdict.correct) == (predicted, correct)
    assert verdict.reason


def test_letter_needs_a_letter_reference_and_a_whole_answer() -> None:
    assert score_letter(item("B", "3倍")).correct is None
    long = score_letter(item("B" + " x" * MAX_CHARS, "B"))
    assert long.correct is None and "not judged" in long.reason  # never from part of it


def test_sciglm_scieval_rules() -> None:
    # Multiple choice: the first character, exactly as evaluate_SciEval.py compares it.
    assert score_first_char(item(" b) nitrogen", "B")).correct is True
    assert score_first_char(item("The answer is B", "B")).correct is False
    assert score_first_char(item("", "B")).correct is False
    # Judge and filling: the reference anywhere in the response, case-insensitive.
    assert score_contains(item("Yes, it does.", "yes")).correct is True
    assert score_contains(item("maybe", "yes")).correct is False
    assert score_contains(item("SMILES: CCO", "cco")).correct is True
    mc = item("A", "A", type="multiple-choice")
    assert score_scieval_original(mc).correct is True
    judge = item("A", "no", type="judge")
    assert score_scieval_original(judge).correct is False
    with pytest.raises(KeyError, match="unknown scorer 'nope' \\(known: subject, letter"):
        get_scorer("nope")


def test_mathematics_answers() -> None:
    assert mathematics_references("[2, 7]") == ["[2, 7]", "2, 7"]
    assert mathematics_references("12 3 0") == ["12 3 0", "12, 3, 0"]
    assert mathematics_references("-20*x") == ["-20*x"]
    cases = [("\\boxed{2, 7}", "[2, 7]", True), ("\\boxed{[2, 7]}", "[2, 7]", True),
             ("\\boxed{2, 5}", "[2, 7]", False), ("\\boxed{1363}", "1363.0", True),
             ("The answer is -20x.", "-20*x", True), ("\\boxed{12, 3, 0}", "12 3 0", True),
             ("\\boxed{0.04}", "0.042", False)]
    for response, reference, correct in cases:
        assert score_mathematics(VerifyItem("m", "math", response, reference)).correct is correct


def test_scorers_run_in_the_verifier_pool() -> None:
    items = [item("B", "B", scorer="letter"), item("b", "B", scorer="first-char"),
             VerifyItem("m", "math", "\\boxed{2, 7}", "[2, 7]",
                        scorer="custom", benchmark="mathematics"),
             item("B", "B", scorer="no-such-scorer"),
             VerifyItem("s", "math", "\\boxed{4}", "4")]  # no scorer: the subject verifier
    with VerifierPool(1) as pool:
        verdicts = pool.map(items)
    assert [v.correct for v in verdicts] == [True, True, True, None, True]
    assert "unknown scorer 'no-such-scorer'" in verdicts[3].reason
