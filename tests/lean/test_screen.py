"""The static cheat screen, and a broad suite of cheating proofs that must never pass."""

from __future__ import annotations

from pathlib import Path

import pytest
from sciglm_lean.checker import LeanChecker
from sciglm_lean.config import Launch
from sciglm_lean.screen import ScreenConfig, check_statement, code_only, screen

from tests.lean.helpers import STATEMENT, make_config

SIG = "theorem add_one (x : ℕ) (h : x = 2) : x + 1 = 3"

#: (name, response, screen rule expected to catch it)
CHEATS = [
    ("sorry", "  sorry", "sorry"),
    ("admit", "by admit", "sorry"),
    ("sorry in have", "  have : x = 2 := by sorry\n  omega", "sorry"),
    ("guillemet sorry", "  exact «sorry»", "sorry"),
    ("sorryAx", "  exact sorryAx _ false", "sorry"),
    ("decreasing_by sorry", f"{SIG} := by\n  omega\ndecreasing_by sorry", "sorry"),
    ("axiom", f"axiom cheat : ∀ x : ℕ, x + 1 = 3\n{SIG} := cheat x", "axiom"),
    ("private axiom", f"private axiom c : False\n{SIG} := c.elim", "axiom"),
    ("native_decide", "  subst h\n  native_decide", "native"),
    ("decide +native", "  subst h\n  decide +native", "native"),
    ("ofReduceBool", "  exact Lean.ofReduceBool _ _ rfl", "native"),
    ("skipKernelTC", f"set_option debug.skipKernelTC true in\n{SIG} := by\n  omega", "kernel"),
    ("#exit", "  omega\n#exit", "exit"),
    ("#eval IO", '  omega\n#eval IO.Process.run {cmd := "true"}', "exit"),
    ("implemented_by", f"@[implemented_by id] def f : ℕ → ℕ := id\n{SIG} := by omega", "unsafe"),
    ("extern", f'@[extern "c_f"] opaque f : ℕ → ℕ\n{SIG} := by omega', "unsafe"),
    ("unsafe def", f"unsafe def f : ℕ := 3\n{SIG} := by omega", "unsafe"),
    ("run_cmd forge", "  omega\nrun_cmd Lean.Elab.Command.liftTermElabM (pure ())", "meta"),
    ("elab forge", f'elab "trust_me" : tactic => pure ()\n{SIG} := by trust_me', "meta"),
    ("macro hiding", f'macro "easy" : tactic => `(tactic| omega)\n{SIG} := by easy', "meta"),
    (
        "macro_rules",
        f"macro_rules | `(tactic| trivial) => `(tactic| omega)\n{SIG} := by trivial",
        "meta",
    ),
    ("local notation", f'local notation "three" => 3\n{SIG} := by omega', "meta"),
    ("addDecl", "  omega\nopen Lean in\n#check addDecl", "meta"),
    ("import", "import Mathlib.Tactic\n  omega\nimport Foo", "import"),
    (
        "guard_msgs",
        f"/-- error: unsolved goals -/\n#guard_msgs in\n{SIG} := by\n  skip",
        "hide",
    ),
    ("unterminated comment", "  omega /- sorry", "syntax"),
    ("interpolated sorry", '  have := s!"{sorry}"\n  omega', "sorry"),
]
#: A statement that differs from the asked one (weaker conclusion, extra hypothesis …).
MISSTATED = [
    "theorem add_one (x : ℕ) (h : x = 2) : x + 1 = 3 ∨ True := by\n  right; trivial",
    "theorem add_one (x : ℕ) (h : x = 2) (h2 : False) : x + 1 = 3 := h2.elim",
    "theorem add_one (x : ℤ) (h : x = 2) : x + 1 = 3 := by omega",
]


@pytest.mark.parametrize("name, response, rule", CHEATS, ids=[c[0] for c in CHEATS])
def test_screen_catches_each_cheat(name: str, response: str, rule: str) -> None:
    checker = LeanChecker(make_config(Path(".")), launch="unchecked: no Lean in this test")
    verdict = checker.check(STATEMENT, response)
    assert verdict.correct is False, (name, verdict)
    assert verdict.details.get("screen") == rule, (name, verdict.reason)


@pytest.mark.parametrize("response", MISSTATED)
def test_a_changed_statement_is_rejected(response: str) -> None:
    checker = LeanChecker(make_config(Path(".")), launch="unchecked: no Lean in this test")
    verdict = checker.check(STATEMENT, response)
    assert verdict.correct is False and verdict.details["screen"] == "statement"


def test_no_cheat_passes_even_if_lean_says_yes(tmp_path: Path, fake_launch: Launch) -> None:
    """The stand-in REPL accepts everything: only the screen stands between cheats and true."""
    checker = LeanChecker(make_config(tmp_path), launch=fake_launch)
    try:
        for name, response, _ in CHEATS:
            assert checker.check(STATEMENT, response).correct is False, name
        for response in MISSTATED:
            assert checker.check(STATEMENT, response).correct is False, response
        assert checker.check(STATEMENT, "  subst h\n  rfl").correct is True  # the control
    finally:
        checker.close()


def test_comments_and_strings_are_not_code() -> None:
    text = (
        "theorem t : True := by\n  -- no sorry here\n  /- nor /- nested sorry -/ here -/\n  trivial"
    )
    assert screen(text).ok
    assert "sorry" not in code_only(text)
    assert screen('example : "sorry".length = 5 := by decide').ok
    assert screen("theorem h' : 'a' = 'a' := rfl").ok


def test_allow_native_and_meta_are_configurable() -> None:
    code = "  native_decide"
    assert not screen(code).ok
    assert screen(code, ScreenConfig(allow_native=True)).ok
    macro = 'macro "easy" : tactic => `(tactic| omega)'
    assert screen(macro, ScreenConfig(allow_meta=True)).ok
    assert not screen(macro).ok


def test_statement_comparison_ignores_spacing_and_comments_only() -> None:
    asked = "theorem t (a b : ℕ)  (h : a = b) :\n  b = a := by sorry"
    assert check_statement(asked, "theorem t (a b : ℕ) (h : a = b) : -- flip\n b = a").ok
    assert check_statement(asked, "lemma t (a b : ℕ) (h : a = b) : b = a").ok
    assert not check_statement(asked, "theorem t (a b : ℕ) (h : a = b) : a = b").ok


def test_honest_proof_without_lean_is_unchecked_never_true() -> None:
    checker = LeanChecker(make_config(Path("/nonexistent-project")), launch=None)
    verdict = checker.check(STATEMENT, "  subst h\n  rfl")
    assert verdict.correct is None
    assert verdict.reason.startswith("unchecked: Lean toolchain not found")
