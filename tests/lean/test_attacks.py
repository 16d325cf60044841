"""Issue 22: the screen reads a submission as Lean does or refuses it, code-running constructs are
meta, and the challenge is fixed by the record. Each case reaches the checker with no Lean: a
cheat must come back ``false`` (or ``null``), never ``true``, and no exception may escape."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sciglm_lean.checker import LeanChecker
from sciglm_lean.compose import compose
from sciglm_lean.lexer import LexError, tokenize
from sciglm_lean.sandbox import find_bwrap, sandbox_problem
from sciglm_lean.screen import screen, screen_header

from tests.lean.helpers import STATEMENT, make_config

SIG = "theorem add_one (x : ℕ) (h : x = 2) : x + 1 = 3"

#: Text Lean reads one way and the old screen another (both directions), and code run while
#: elaborating. (name, response, the screen rule expected to catch it)
ATTACKS = [
    # Lean does not interpolate after `panic!`: the old screen skipped to the next `"`.
    ("panic! hides axiom", f'def k : String := panic!"{{"\naxiom c : False\n'
     f'def j : String := "}}"\n{SIG} := c.elim', "syntax"),
    ("get! hides run_cmd", f'def k := get!"{{"\nrun_cmd pure ()\ndef j := "}}"\n{SIG} := by omega',
     "syntax"),
    # Lean interpolates after `s! "` (space), `throwError`, `dbg_trace`, `m!`, `f!`.
    ("s! space sorry", '  have := s! "{sorry}"\n  omega', "syntax"),
    ("throwError sorry", '  have := (throwError "{sorry}" : Option Nat)\n  omega', "syntax"),
    ("dbg_trace sorry", '  exact dbg_trace "{sorry}"; rfl', "syntax"),
    ("m! sorry", '  have := m!"{sorry}"\n  omega', "syntax"),
    ("plain brace", '  have := "{"\n  omega', "syntax"),
    # after an invalid escape Lean resumes reading inside the string (error recovery)
    ("invalid escape hides axiom", f'def k : String := "\\q\naxiom c : False\n"\n{SIG} := c.elim',
     "syntax"),
    # code run at elaboration
    ("simp config term", "  simp (config := { decide := true }) [h]", "meta"),
    ("named config term", "  simp (maxSteps := myDef 3) [h]", "meta"),
    ("decide positional config", "  subst h\n  decide (config := ⟨true, false, true⟩)", "meta"),
    ("include_str", '  have := include_str "/etc/passwd"\n  omega', "meta"),
    ("include_str ident", "  have := include_str p\n  omega", "meta"),
    ("test_extern", f"test_extern Nat.add 1 2\n{SIG} := by omega", "command"),
    ("command mid-line", "  omega; set_premise_selector fun _ _ => pure #[]", "command"),
    ("plausible", "  plausible", "meta"),
    ("slim_check", "  slim_check", "meta"),
    ("_root_ IO", "  have := _root_.IO.Process.run {cmd := \"x\"}\n  omega", "meta"),
    ("_root_ IO quoted", "  have := «_root_».IO.FS.readFile x\n  omega", "meta"),
    ("_root_ sorry", "  exact _root_.sorryAx _ false", "sorry"),
    ("open Lean in", f"open Lean Elab Command in\n{SIG} := by omega", "meta"),
    ("open IO", f"open IO\n{SIG} := by omega", "meta"),
    ("open System.FilePath", f"open System.FilePath in\n{SIG} := by omega", "meta"),
    ("open _root_.Lean", f"open _root_.Lean.Meta in\n{SIG} := by omega", "meta"),
    ("open in tactic", "  open Lean in omega", "meta"),
    ("unknown command at column 0", f"{SIG} := by omega\nsome_new_command foo", "command"),
    ("unknown command before", f"brand_new_cmd x\n{SIG} := by omega", "command"),
    ("maxHeartbeats 0", f"set_option maxHeartbeats 0 in\n{SIG} := by omega", "option"),
    ("maxHeartbeats huge", f"set_option maxHeartbeats 99999999999 in\n{SIG} := by omega",
     "option"),
    ("maxRecDepth huge", "  set_option maxRecDepth 100000000 in omega", "option"),
    ("synth heartbeats 0", f"set_option synthInstance.maxHeartbeats 0 in\n{SIG} := by omega",
     "option"),
    ("linter term", f"set_option linter.unusedVariables x in\n{SIG} := by omega", "option"),
]


def offline() -> LeanChecker:
    return LeanChecker(make_config(Path(".")), launch="unchecked: no Lean in this test")


@pytest.mark.parametrize("name, response, rule", ATTACKS, ids=[a[0] for a in ATTACKS])
def test_each_attack_is_screened(name: str, response: str, rule: str) -> None:
    verdict = offline().check(STATEMENT, response)
    assert verdict.correct is False, (name, verdict)
    assert verdict.details.get("screen") == rule, (name, verdict.reason)


def test_lean_reads_no_interpolation_after_panic_so_neither_does_the_screen() -> None:
    """The axiom after `panic!"{"` is a token the screen sees (or the text is refused)."""
    text = 'def k : String := panic!"{"\naxiom c : False\ndef j : String := "}"'
    try:
        texts = [t.text for t in tokenize(text)]
    except LexError:
        return  # refused: fails closed
    assert "axiom" in texts


@pytest.mark.parametrize(
    "text",
    [
        's!"' + '{s!"' * 5000 + "x",
        "  exact \ud800",
        "-- \udfff\n  omega",
        '"\ud83d"',
        "(" * 100000,
    ],
    ids=["deep interpolation", "lone surrogate", "surrogate in comment", "surrogate in string",
         "deep parens"],
)
def test_hostile_text_is_a_verdict_never_an_exception(text: str) -> None:
    verdict = offline().check(STATEMENT, text)
    assert verdict.correct is not True
    assert verdict.reason


def test_an_oversized_response_is_not_checked() -> None:
    verdict = offline().check(STATEMENT, "  omega\n" + "-- padding\n" * 50000)
    assert verdict.correct is None and "characters" in verdict.reason


def test_an_internal_error_is_a_verdict(monkeypatch: pytest.MonkeyPatch) -> None:
    import sciglm_lean.checker as checker

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(checker, "compose", boom)
    verdict = offline().check(STATEMENT, "  omega")
    assert verdict.correct is None and "boom" in verdict.reason


def test_literal_configs_and_named_arguments_still_pass() -> None:
    assert screen(f"{SIG} := by\n  simp (config := true) [h]").ok  # a literal is not code
    assert screen(f"{SIG} := by\n  decide +kernel").ok
    assert screen(f"set_option maxHeartbeats 400000 in\n{SIG} := by omega").ok
    assert screen(f"open Nat Real in\n{SIG} := by omega").ok


# -- the challenge is fixed by the record -----------------------------------------------------
def test_a_response_import_outside_the_header_is_rejected() -> None:
    response = f"```lean\nimport Mathlib.Tactic\nimport Evil.Module\n\n{SIG} := by omega\n```"
    verdict = offline().check(STATEMENT, response, header="import Mathlib.Tactic")
    assert verdict.correct is False and verdict.details.get("screen") == "import", verdict
    submission = compose(STATEMENT, response, "import Mathlib.Tactic")
    assert submission.header == "import Mathlib.Tactic"  # the record's header, unchanged


def test_a_response_import_already_in_the_header_is_dropped() -> None:
    response = f"```lean\nimport Mathlib\n\n{SIG} := by omega\n```"
    submission = compose(STATEMENT, response, "import Mathlib")
    assert submission.header == "import Mathlib" and "import" not in submission.body


@pytest.mark.parametrize(
    "header", ["import Mathlib.«../..»", "import «Mathlib/../x»", "import Mathlib.«a b»"]
)
def test_module_names_are_plain_identifiers(header: str) -> None:
    result = screen_header(header)
    assert not result.ok and result.rule == "import", result


# -- never Lean on untrusted text outside a sandbox ---------------------------------------------
def test_a_custom_repl_runs_in_the_sandbox_too(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from sciglm_lean.config import LeanConfig, resolve_launch

    if sandbox_problem(find_bwrap()) is not None:
        pytest.skip(str(sandbox_problem(find_bwrap())))
    target = tmp_path / "comparator"
    target.write_text("original")
    script = f"open({str(target)!r}, 'w').write('forged')"
    config = LeanConfig(project=tmp_path, repl_command=(sys.executable, "-c", script))
    launch = resolve_launch(config)
    assert not isinstance(launch, str), launch
    assert launch.command[0].endswith("bwrap") and "--unshare-all" in launch.command
    subprocess.run(launch.command, cwd=launch.cwd, capture_output=True, timeout=60)
    assert target.read_text() == "original"  # the REPL could not overwrite a trusted file


def test_without_a_sandbox_no_repl_starts_unless_allowed_for_local_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sciglm_lean.config import LeanConfig, resolve_launch

    monkeypatch.setenv("SCIGLM_LEAN_BWRAP", "")
    command = (sys.executable, "-c", "pass")
    refused = resolve_launch(LeanConfig(project=tmp_path, repl_command=command))
    assert isinstance(refused, str) and refused.startswith("unchecked:")
    assert "no sandbox" in refused and "SCIGLM_LEAN_UNSANDBOXED" in refused
    allowed = resolve_launch(LeanConfig(project=tmp_path, repl_command=command, unsandboxed=True))
    assert not isinstance(allowed, str) and allowed.command == command


# -- REPL answers bound to their command ------------------------------------------------------
def test_an_answer_with_the_wrong_env_is_not_taken_for_the_commands() -> None:
    from sciglm_lean.repl import ReplCrashed, ReplSession

    answers = iter([{"env": 0}, {"env": 1}, {"env": 1}])
    session = ReplSession(lambda command, timeout: next(answers))
    session.command("import Mathlib")
    session.command("theorem t : True := trivial", 0)
    with pytest.raises(ReplCrashed, match="not bound to its command"):
        session.command("theorem u : True := trivial", 0)  # a replayed/forged answer


def test_a_stray_answer_does_not_shift_later_verdicts(tmp_path: Path) -> None:
    from sciglm_lean.config import Launch

    from tests.lean.helpers import FAKE_REPL, make_checker

    launch = Launch((sys.executable, str(FAKE_REPL)), tmp_path)
    checker = make_checker(tmp_path, launch, recycle_after=100)
    checker._trusted = None  # the REPL stage only: no comparator in this test
    checker.config = make_config(tmp_path, comparator_command=None)
    try:
        first = checker.check(STATEMENT, "  subst h\n  rfl\n  -- FAKE_STRAY")
        honest = checker.check(STATEMENT, "  subst h\n  rfl")
        wrong = checker.check(STATEMENT, "  subst h\n  rfl\n  -- FAKE_ERROR")
    finally:
        checker.close()
    assert first.correct is None and "not bound to its command" in first.reason
    assert honest.details.get("repl") == "accepted", honest  # the REPL stage passed
    assert wrong.correct is False and "linarith failed" in wrong.reason
    assert checker.starts == 2  # the out-of-step process was replaced


def test_a_copied_header_is_not_held_against_the_proof() -> None:
    """miniF2F headers set maxHeartbeats 0, which a proof may not: a response that repeats the
    record's header lines changes nothing, so those lines are dropped, not screened."""
    header = "import Mathlib\n\nset_option maxHeartbeats 0\n\nopen Real Nat"
    copied = "import Mathlib\nset_option maxHeartbeats 0\nopen Real Nat"
    response = f"```lean\n{copied}\n\n{SIG} := by\n  omega\n```"
    submission = compose(STATEMENT, response, header)
    assert submission.body.startswith("theorem add_one") and submission.header == header
    verdict = offline().check(STATEMENT, response, header)
    assert verdict.correct is None and verdict.reason.startswith("unchecked"), verdict
    raised = f"```lean\nimport Mathlib\nset_option maxHeartbeats 0 in\n{SIG} := by\n  omega\n```"
    assert offline().check(STATEMENT, raised, "import Mathlib").details.get("screen") == "option"


def test_a_process_keeps_a_bounded_number_of_header_environments(
    tmp_path: Path, fake_launch
) -> None:  # type: ignore[no-untyped-def]
    from sciglm_lean.checker import MAX_HEADERS_PER_PROCESS

    from tests.lean.helpers import make_checker

    checker = make_checker(tmp_path, fake_launch)
    opens = ["Nat", "Real", "Topology", "Rat", "BigOperators", "Finset"]
    try:
        for name in opens[: MAX_HEADERS_PER_PROCESS + 1]:
            checker.check(STATEMENT, "  subst h\n  rfl", f"import Mathlib\nopen {name}")
        assert checker.starts == 2 and checker.header_loads == MAX_HEADERS_PER_PROCESS + 1
        checker.check(STATEMENT, "  subst h\n  rfl", f"import Mathlib\nopen {opens[-2]}")
        assert checker.header_loads == MAX_HEADERS_PER_PROCESS + 1  # reused, not re-imported
    finally:
        checker.close()


def test_allow_meta_lets_notation_start_a_line_but_no_unknown_command() -> None:
    from sciglm_lean.screen import ScreenConfig

    meta = ScreenConfig(allow_meta=True)
    assert screen(f'notation "three" => 3\n{SIG} := by omega', meta).ok
    assert screen(f"brand_new_cmd x\n{SIG} := by omega", meta).rule == "command"
