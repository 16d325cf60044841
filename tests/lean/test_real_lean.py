"""The classes of issue 17 against the real Lean REPL (skipped where `lake` is absent).

Everything here also runs against the stand-in REPL in test_screen.py / test_checker.py /
test_cheats.py; this file repeats what only real Lean can confirm.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sciglm_lean.checker import LeanChecker

from tests.lean.helpers import STATEMENT, requires_lake, requires_trusted
from tests.lean.test_cheats import CORPUS
from tests.lean.test_screen import CHEATS, MISSTATED

pytestmark = [pytest.mark.lean, requires_lake]


@pytest.fixture(scope="module")
def checker():  # type: ignore[no-untyped-def]
    checker = LeanChecker()
    yield checker
    checker.close()


def test_every_screen_cheat_and_corpus_entry_is_false(checker: LeanChecker) -> None:
    for name, response, _ in CHEATS:
        assert checker.check(STATEMENT, response).correct is False, name
    for response in MISSTATED:
        assert checker.check(STATEMENT, response).correct is False, response
    for project, solution, _ in CORPUS:
        asked = "theorem boom (x : ℕ) : x + 0 = x := by sorry"
        assert checker.check(asked, solution).correct is False, project


def test_the_sorried_reference_cannot_be_found(checker: LeanChecker) -> None:
    asked = "theorem sciglm_hidden (x : ℕ) (h : x * x = 2) : False := by sorry"
    verdict = checker.check(asked, "  exact?")
    assert verdict.correct is False, verdict


def test_a_universe_polymorphic_statement_is_accepted_only_as_asked(checker: LeanChecker) -> None:
    asked = "theorem poly {α : Sort u} (a : α) : a = a := by sorry"
    assert checker.check(asked, "  rfl").correct is not False
    special = "theorem poly {α : Prop} (a : α) : a = a := rfl"
    assert checker.check(asked, special).correct is False


def test_an_error_comes_with_goals(checker: LeanChecker) -> None:
    verdict = checker.check(STATEMENT, "  linarith")
    assert verdict.correct is False and verdict.details.get("goals"), verdict


def test_every_minif2f_statement_elaborates_on_the_pinned_mathlib(
    checker: LeanChecker, shared_data: Path
) -> None:
    """The records were written for Lean/Mathlib v4.24.0 and are checked on the pinned v4.30.0
    (docs/lean.md "Pinned versions"): a renamed or removed name would make a statement `null`
    ("does not elaborate"); an unfinished proof must instead be `false` for every record."""
    from sciglm_lean.loaders import load_minif2f

    stale = []
    for question in load_minif2f(shared_data / "minif2f-lean4" / "minif2f.jsonl"):
        meta = question.meta
        verdict = checker.check(meta["statement"], "  skip", meta["header"])
        if verdict.correct is not False:
            stale.append((question.id, verdict.reason))
    assert not stale, stale


#: Known-bad Solutions for the trusted checker itself, past the screen (issue 22): axioms in an
#: opaque value (comparator a4f6968), a redefined kernel primitive (b2e9090) and Char.ofNat
#: (8c0e44e) in a prelude file. (name, header, body)
TRUSTED_CHEATS = [
    (
        "axiom in an opaque value",
        "import Mathlib",
        "opaque hidden : ∀ x : ℕ, x = 2 → x + 1 = 3 := fun x _ => sorryAx (x + 1 = 3) false\n"
        "theorem add_one (x : ℕ) (h : x = 2) : x + 1 = 3 := hidden x h",
    ),
    (
        "redefined Nat.add",
        "prelude\ninductive Nat where\n  | zero\n  | succ (n : Nat)\n"
        "inductive Eq {α : Sort u} (a : α) : α → Prop where\n  | refl : Eq a a",
        "def Nat.add (_ _ : Nat) : Nat := Nat.zero\n"
        "theorem add_one : Eq (Nat.add (Nat.succ Nat.zero) Nat.zero) Nat.zero := Eq.refl _",
    ),
    (
        "redefined Char.ofNat",
        "prelude\ninductive Nat where\n  | zero\n  | succ (n : Nat)\n"
        "inductive Eq {α : Sort u} (a : α) : α → Prop where\n  | refl : Eq a a\n"
        "structure Char where\n  val : Nat",
        "def Char.ofNat (_ : Nat) : Char := ⟨Nat.zero⟩\n"
        "theorem add_one : Eq (Char.ofNat (Nat.succ Nat.zero)).val Nat.zero := Eq.refl _",
    ),
]


@requires_trusted
@pytest.mark.parametrize("name, header, body", TRUSTED_CHEATS, ids=[c[0] for c in TRUSTED_CHEATS])
def test_the_trusted_checker_itself_rejects_known_bad_solutions(
    name: str, header: str, body: str
) -> None:
    from sciglm_lean.compose import Submission
    from sciglm_lean.config import LeanConfig
    from sciglm_lean.trusted import TrustedChecker

    reference = body.splitlines()[-1].split(" := ")[0]
    sub = Submission(header, body, "add_one", reference, reference, True)
    verdict = TrustedChecker(LeanConfig.from_env().project).check(sub)
    assert verdict.correct is not True, (name, verdict)
