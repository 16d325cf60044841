"""A cheat corpus written from the ideas of leanprover/comparator's own test projects
(https://github.com/leanprover/comparator, ``tests/projects/*``, commit 19e111e2), restated for
sciglm's setting (a fixed asked theorem, a Mathlib header, the model writing the solution).

Each runs through the real checker on the stand-in REPL, which accepts everything it is not
scripted to reject: these must come back ``false`` from the design alone (screen, exact
statement, audit), never ``true``. The control at the end is the honest solution of
``theorem_hole_issue`` (helper definitions are fine) and must not be rejected.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sciglm_lean.config import Launch

from tests.lean.helpers import make_checker

ASKED = "theorem boom (x : ℕ) : x + 0 = x := by sorry"
SIG = "theorem boom (x : ℕ) : x + 0 = x"

#: (comparator test project the idea comes from, solution, rule expected)
CORPUS = [
    # simple_mismatch: the target is an axiom (of another statement), not a theorem
    ("simple_mismatch", "axiom boom (x : ℕ) : x = x", "axiom"),
    # simple_kind_mismatch: same statement, but declared as an axiom
    ("simple_kind_mismatch", "axiom boom (x : ℕ) : x + 0 = x", "axiom"),
    # simple_axiom_issue: a universe-polymorphic helper axiom proves anything
    (
        "simple_axiom_issue",
        f"axiom helper {{α : Sort u}} : α\n{SIG} := by\n  exact helper",
        "axiom",
    ),
    # opaque_value: an opaque constant whose value hides an axiom
    ("opaque_value", f"axiom f : False\nopaque v : False := f\n{SIG} := v.elim", "axiom"),
    ("opaque_value (no axiom)", f"opaque v : False\n{SIG} := v.elim", "command"),
    # olean_issue: compiled code and a declaration added behind the kernel's back
    (
        "olean_issue",
        "unsafe def badNatUnsafe : Nat := unsafeCast (-4294967296 : Int)\n"
        "@[implemented_by badNatUnsafe] opaque badNatVal : Nat\n"
        f"{SIG} := by omega",
        "native",
    ),
    (
        "olean_issue (run_elab addDecl)",
        "run_elab\n  addDecl <| .defnDecl { name := `badNat, levelParams := [], "
        "type := .const ``Nat [], value := .lit (.natVal 0), hints := .opaque, "
        f"safety := .safe }}\n{SIG} := by omega",
        "meta",
    ),
    # primitive_issue / char_ofnat_issue: a `prelude` file redefining what the kernel trusts
    (
        "primitive_issue",
        f"prelude\nimport Init.Prelude\ndef Nat.gcd (_ _ : Nat) : Nat := 0\n{SIG} := by omega",
        "import",
    ),
    (
        "char_ofnat_issue",
        "prelude\nset_option genCtorIdx false\nunsafe axiom lcErased : Type\n"
        "structure Char : Type where\n  mk ::\n  n : False\n"
        f"{SIG} := by omega",
        "option",
    ),
    # proj_trick: an elaborator that builds raw terms the statement's reader never sees
    (
        "proj_trick",
        "import Lean\nopen Lean Elab Term\n"
        'elab "pr% " s:term : term => do\n  return Expr.proj `S 0 (← elabTerm s none)\n'
        f"{SIG} := by omega",
        "import",
    ),
    # quot_mismatch: a declaration named like a kernel primitive, in a fresh namespace
    (
        "quot_mismatch",
        f"namespace Quot\ntheorem lift : True := trivial\nend Quot\n{SIG} := by simp",
        "command",
    ),
    # def_hole_type_mismatch (idea): change a definition the statement depends on
    ("redefinition", f"instance : Add ℕ := ⟨fun _ _ => 0⟩\n{SIG} := by simp", "command"),
]


@pytest.mark.parametrize("project, solution, rule", CORPUS, ids=[c[0] for c in CORPUS])
def test_comparator_corpus_cheats_are_rejected(
    tmp_path: Path, fake_launch: Launch, project: str, solution: str, rule: str
) -> None:
    checker = make_checker(tmp_path, fake_launch)
    try:
        verdict = checker.check(ASKED, solution)
    finally:
        checker.close()
    assert verdict.correct is False, (project, verdict)
    assert verdict.details.get("screen") == rule, (project, verdict.reason)


def test_theorem_hole_issue_control_is_not_rejected(tmp_path: Path, fake_launch: Launch) -> None:
    """comparator's theorem_hole_issue: a helper theorem and a noncomputable definition built
    from it are honest; the target proved through them is accepted by the REPL stage."""
    solution = (
        "theorem hex : ∃ x : ℕ, x = 0 := ⟨0, rfl⟩\n\n"
        "noncomputable def w : ℕ := Classical.choose hex\n\n"
        f"{SIG} := by simp"
    )
    checker = make_checker(tmp_path, fake_launch)
    try:
        verdict = checker.check(ASKED, solution)
    finally:
        checker.close()
    assert verdict.correct is True or verdict.details.get("repl") == "accepted", verdict
