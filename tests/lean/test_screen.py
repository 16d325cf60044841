"""The screen (allow-lists over Lean tokens) and every class of issue 17 through the real checker.

Screen-only cases run the checker with no Lean (``launch`` is an "unchecked" reason): a screened
cheat must come back ``false`` with the rule that caught it. The class tests run the checker on
the stand-in REPL (which accepts whatever it is not told to reject), so only the design stands
between a cheat and ``true``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sciglm_lean.audit import audit_command
from sciglm_lean.checker import LeanChecker
from sciglm_lean.compose import compose
from sciglm_lean.config import Launch
from sciglm_lean.screen import (
    ScreenConfig,
    same_statement,
    screen,
    screen_header,
    screen_submission,
)

from tests.lean.helpers import STATEMENT, make_checker, make_config

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
    ("skipKernelTC", f"set_option debug.skipKernelTC true in\n{SIG} := by\n  omega", "option"),
    ("Elab.async", f"set_option Elab.async false in\n{SIG} := by\n  omega", "option"),
    ("tactic set_option", "  set_option debug.skipKernelTC true in omega", "option"),
    ("#exit", "  omega\n#exit", "command"),
    ("#eval IO", '  omega\n#eval IO.Process.run {cmd := "true"}', "command"),
    ("#eval mid-line", "  omega #eval 1", "command"),
    ("implemented_by", f"@[implemented_by id] def f : ℕ → ℕ := id\n{SIG} := by omega", "attribute"),
    ("extern", f'@[extern "c_f"] opaque f : ℕ → ℕ\n{SIG} := by omega', "attribute"),
    ("unsafe def", f"unsafe def f : ℕ := 3\n{SIG} := by omega", "native"),
    ("run_cmd forge", "  omega\nrun_cmd Lean.Elab.Command.liftTermElabM (pure ())", "meta"),
    ("run_tac", "  run_tac pure ()", "meta"),
    ("elab forge", f'elab "trust_me" : tactic => pure ()\n{SIG} := by trust_me', "command"),
    ("macro", f'macro "easy" : tactic => `(tactic| omega)\n{SIG} := by easy', "command"),
    ("macro mid-line", '  omega; macro "easy" : tactic => `(tactic| omega)', "command"),
    (
        "macro_rules",
        f"macro_rules | `(tactic| trivial) => `(tactic| omega)\n{SIG} := by trivial",
        "command",
    ),
    ("local notation", f'local notation "three" => 3\n{SIG} := by omega', "command"),
    (
        "command_elab attribute",
        f"@[command_elab Lean.Parser.Command.check] def f : Nat := 0\n{SIG} := by omega",
        "attribute",
    ),
    (
        "macro attribute",
        f"@[macro Lean.Parser.Tactic.omega] def g : Nat := 0\n{SIG} := by omega",
        "attribute",
    ),
    (
        "tactic attribute",
        f"@[tactic Lean.Parser.Tactic.omega] def g : Nat := 0\n{SIG} := by omega",
        "attribute",
    ),
    ("instance", f"instance : Add ℕ := ⟨fun _ _ => 3⟩\n{SIG} := by rfl", "command"),
    ("variable", f"variable (hf : False)\n{SIG} := hf.elim", "command"),
    ("namespace", f"namespace Foo\n{SIG} := by omega\nend Foo", "command"),
    ("import mid-proof", "  omega\nimport Foo", "import"),
    ("import with code", "import Mathlib #eval 1\n  omega", "import"),
    ("guard_msgs", f"/-- error: unsolved goals -/\n#guard_msgs in\n{SIG} := by\n  skip", "command"),
    ("unterminated comment", "  omega /- sorry", "syntax"),
    ("interpolated sorry", '  have := s!"{sorry}"\n  omega', "syntax"),
    ("raw string hiding", '  have := r#"a"b"#; sorry', "sorry"),
    ("guillemet quote hiding", '  have «"» : True := trivial\n  sorry -- "', "sorry"),
    ("cyrillic look-alike", "  exact ѕorry", "syntax"),
    ("zero-width", "  so\u200brry", "syntax"),
    (":= then commands", ":= by omega\n\ntheorem helper : True := trivial", "after"),
    ("after the proof", f"{SIG} := by omega\n\ntheorem extra : True := trivial", "after"),
    ("open after the proof", f"{SIG} := by omega\nopen Nat", "after"),
]
#: A statement that differs from the asked one (weaker conclusion, extra hypothesis …).
MISSTATED = [
    "theorem add_one (x : ℕ) (h : x = 2) : x + 1 = 3 ∨ True := by\n  right; trivial",
    "theorem add_one (x : ℕ) (h : x = 2) (h2 : False) : x + 1 = 3 := h2.elim",
    "theorem add_one (x : ℤ) (h : x = 2) : x + 1 = 3 := by omega",
]


def offline() -> LeanChecker:
    return LeanChecker(make_config(Path(".")), launch="unchecked: no Lean in this test")


@pytest.mark.parametrize("name, response, rule", CHEATS, ids=[c[0] for c in CHEATS])
def test_screen_catches_each_cheat(name: str, response: str, rule: str) -> None:
    verdict = offline().check(STATEMENT, response)
    assert verdict.correct is False, (name, verdict)
    assert verdict.details.get("screen") == rule, (name, verdict.reason)


@pytest.mark.parametrize("response", MISSTATED)
def test_a_changed_statement_is_rejected(response: str) -> None:
    verdict = offline().check(STATEMENT, response)
    assert verdict.correct is False and verdict.details["screen"] == "statement"


HONEST = [
    "  subst h\n  rfl",
    "by\n  subst h\n  rfl",
    ":= by omega",
    f"```lean\nimport Mathlib\n\nopen Real in\n{SIG} := by\n  -- no sorry here\n  omega\n```",
    f"set_option maxHeartbeats 400000 in\n{SIG} := by\n  set_option maxRecDepth 1000 in omega",
    f"open scoped BigOperators\nopen scoped Real in\n{SIG} := by\n  open scoped Nat in omega",
    f"lemma helper (y : ℕ) (hy : y = 2) : y + 1 = 3 := by omega\n\n{SIG} := helper x h",
    f'@[simp] private lemma two : (2 : ℕ) + 1 = 3 := rfl\n\n{SIG} := by\n  have s := "sorry"\n'
    "  subst h; exact two",
]


@pytest.mark.parametrize("response", HONEST)
def test_honest_proofs_pass_the_screen(response: str) -> None:
    verdict = offline().check(STATEMENT, response)
    assert verdict.correct is None and verdict.reason == "unchecked: no Lean in this test", verdict


def test_no_cheat_passes_even_if_lean_says_yes(tmp_path: Path, fake_launch: Launch) -> None:
    """The stand-in REPL accepts everything: only the design stands between cheats and true."""
    checker = make_checker(tmp_path, fake_launch)
    try:
        for name, response, _ in CHEATS:
            assert checker.check(STATEMENT, response).correct is False, name
        for response in MISSTATED:
            assert checker.check(STATEMENT, response).correct is False, response
        control = checker.check(STATEMENT, "  subst h\n  rfl")
        assert control.correct is True or control.details.get("repl") == "accepted", control
    finally:
        checker.close()


# -- the classes of issue 17, each through the real code path ---------------------------------
def test_full_file_mode_is_not_switched_on_by_a_comment_or_string(
    tmp_path: Path, fake_launch: Launch
) -> None:
    in_comment = f"/-\n{SIG} := by\n  omega\n-/\ntheorem add_one : True := trivial"
    in_string = f'def s := "\n{SIG} := by omega"\n  omega'
    assert not compose(STATEMENT, in_string).full_file
    sub = compose(STATEMENT, in_comment)
    assert sub.full_file and sub.submitted_statement == "theorem add_one : True"
    checker = make_checker(tmp_path, fake_launch)
    try:
        for response in (in_comment, in_string):
            assert checker.check(STATEMENT, response).correct is False, response
    finally:
        checker.close()


def test_an_echoed_axiom_report_cannot_stand_in_for_the_audit(
    tmp_path: Path, fake_launch: Launch
) -> None:
    """The proof makes Lean print "'add_one' does not depend on any axioms"; the audit is a Lean
    error in its own command, so the printed text changes nothing."""
    checker = make_checker(tmp_path, fake_launch)
    try:
        verdict = checker.check(STATEMENT, "  subst h\n  rfl -- FAKE_ECHO FAKE_SORRYAX")
        assert verdict.correct is False and "sorryAx" in verdict.reason
    finally:
        checker.close()


def test_open_namespaces_do_not_change_what_the_audit_names(
    tmp_path: Path, fake_launch: Launch
) -> None:
    """`open Nat` (where Nat.add_one exists) in the header and the proof: the audit builds the
    name `add_one` with Name.str, so there is nothing to resolve or to be ambiguous."""
    checker = make_checker(tmp_path, fake_launch)
    try:
        verdict = checker.check(STATEMENT, f"open Nat in\n{SIG} := by\n  subst h\n  rfl")
        assert verdict.correct is True or verdict.details.get("repl") == "accepted", verdict
    finally:
        checker.close()


def test_universe_parameters_are_compared_not_unified() -> None:
    asked = "theorem poly {α : Sort u} (a : α) : a = a := by sorry"
    assert not same_statement(asked, "theorem poly {α : Prop} (a : α) : a = a").ok
    audit = audit_command("poly", (123, "[u]"))
    assert 'info.levelParams != "[u]"' in audit and "info.type.hash != 123" in audit


def test_the_screen_is_an_allow_list() -> None:
    assert not screen("structure S where\n  x : ℕ").ok  # a command it does not know to allow
    assert screen("structure S where\n  x : ℕ").rule == "command"
    assert screen("set_option linter.unusedVariables false in\n  omega").ok
    assert screen('notation "three" => 3', ScreenConfig(allow_meta=True)).ok
    assert screen("  native_decide", ScreenConfig(allow_native=True)).ok
    assert not screen("#check Nat").ok
    assert screen("  exact Finset.card_le_card h").ok


def test_submission_structure() -> None:
    assert screen_submission(f"{SIG} := by omega", "add_one").ok
    twice = f"{SIG} := by omega\n{SIG} := by omega"
    assert screen_submission(twice, "add_one").rule == "statement"
    private = f"private {SIG} := by omega"
    assert screen_submission(private, "add_one").rule == "statement"
    assert screen_submission("  omega", "add_one").rule == "syntax"


def test_header_allow_list() -> None:
    assert screen_header(
        "import Mathlib\nimport Aesop\nset_option maxHeartbeats 400000\nopen Real"
    ).ok
    assert screen_header("import Lean").rule == "import"
    assert screen_header("import Mathlib\n#eval 1").rule == "command"
    assert screen_header("import Mathlib\nset_option debug.skipKernelTC true").rule == "option"
    assert screen_header("import Mathlib\naxiom a : False").rule == "command"


def test_statement_comparison_reads_tokens() -> None:
    asked = "theorem t (a b : ℕ)  (h : a = b) :\n  b = a := by sorry"
    assert same_statement(asked, "theorem t (a b : ℕ) (h : a = b) : -- flip\n b = a").ok
    assert same_statement(asked, "lemma t (a b : ℕ) (h : a = b) : b = a").ok
    assert not same_statement(asked, "theorem t (a b : ℕ) (h : a = b) : a = b").ok


def test_honest_proof_without_lean_is_unchecked_never_true() -> None:
    checker = LeanChecker(make_config(Path("/nonexistent-project")), launch=None)
    verdict = checker.check(STATEMENT, "  subst h\n  rfl")
    assert verdict.correct is None
    assert verdict.reason.startswith("unchecked: Lean toolchain not found")


def test_a_statement_that_is_not_plainly_a_statement_is_not_checked() -> None:
    verdict = offline().check("theorem t : (by run_tac pure (); exact True) := by sorry", "trivial")
    assert verdict.correct is None and verdict.reason.startswith(
        "cannot check: the asked statement"
    )


def test_every_minif2f_statement_and_header_passes_the_screen(shared_data: Path) -> None:
    from sciglm_lean.loaders import load_minif2f

    questions = list(load_minif2f(shared_data / "minif2f-lean4" / "minif2f.jsonl"))
    for q in questions:
        sub = compose(q.meta["statement"], "  nlinarith [sq_nonneg (x - 1)]", q.meta["header"])
        assert screen(sub.reference).ok, q.id
        assert screen_header(sub.header).ok, q.id
        assert screen_submission(sub.body, sub.name).ok, q.id
    assert len(questions) == 488
