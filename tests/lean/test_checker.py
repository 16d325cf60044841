"""Verdict logic of the Lean checker through the real code path, against the stand-in REPL and
the stand-in comparator (tests/lean/fake_repl.py, tests/lean/fake_comparator.py)."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

from sciglm_lean.checker import LeanChecker
from sciglm_lean.config import Launch
from sciglm_lean.lexer import tokenize
from sciglm_lean.trusted import TrustedChecker

from tests.lean.helpers import (
    STATEMENT,
    events,
    fake_trusted,
    make_checker,
    make_config,
    requires_bwrap,
)

OK = "  subst h\n  rfl"


def commands(record: Path) -> list[dict]:
    return [json.loads(line) for line in record.read_text().splitlines()]


@requires_bwrap
def test_true_comes_from_the_trusted_path(tmp_path: Path, fake_launch: Launch) -> None:
    checker = make_checker(tmp_path, fake_launch)
    try:
        good = checker.check(STATEMENT, OK)
        assert good.correct is True, good.reason
        assert good.details["sandbox"].startswith("bubblewrap")
        rejected = checker.check(STATEMENT, OK + "\n  -- COMPARATOR_REJECT")
        assert rejected.correct is False and "rejected by comparator" in rejected.reason
        unconfirmed = checker.check(STATEMENT, OK + "\n  -- COMPARATOR_BUILD_FAILS")
        assert unconfirmed.correct is None and "could not run to its end" in unconfirmed.reason
        assert unconfirmed.details["repl"] == "accepted"
    finally:
        checker.close()


def test_without_a_sandbox_the_verdict_is_null_with_the_reason(
    tmp_path: Path, fake_launch: Launch, monkeypatch
) -> None:
    monkeypatch.setenv("SCIGLM_LEAN_BWRAP", "")
    checker = make_checker(tmp_path, fake_launch)
    try:
        verdict = checker.check(STATEMENT, OK)
        assert verdict.correct is None
        assert "REPL accepted" in verdict.reason and "no sandbox: bubblewrap" in verdict.reason
    finally:
        checker.close()


def test_without_comparator_the_verdict_is_null_with_the_reason(
    tmp_path: Path, fake_launch: Launch
) -> None:
    checker = LeanChecker(make_config(tmp_path), fake_launch, TrustedChecker(tmp_path))
    try:
        verdict = checker.check(STATEMENT, OK)
        assert verdict.correct is None and "no comparator built" in verdict.reason
    finally:
        checker.close()


def test_false_verdicts_follow_lean_errors_and_the_audit(
    tmp_path: Path, fake_launch: Launch
) -> None:
    checker = make_checker(tmp_path, fake_launch)
    try:
        error = checker.check(STATEMENT, OK + "\n  -- FAKE_ERROR")
        assert error.correct is False and "linarith failed" in error.reason
        assert error.details["goals"] == ["x : ℕ\n⊢ x + 1 = 3"]
        assert checker.check(STATEMENT, OK + " -- FAKE_SORRY").correct is False
        axiom = checker.check(STATEMENT, OK + " -- FAKE_AXIOM")
        assert axiom.correct is False and "axiom fake_axiom is not permitted" in axiom.reason
        sorry_ax = checker.check(STATEMENT, OK + " -- FAKE_SORRYAX")
        assert sorry_ax.correct is False and "sorryAx" in sorry_ax.reason
        wrong = checker.check(STATEMENT, OK + " -- WRONG_TYPE")
        assert wrong.correct is False and "not the asked statement" in wrong.reason
        assert checker.starts == 1 and checker.header_loads == 1
    finally:
        checker.close()


def test_the_reference_is_not_in_the_proofs_environment(
    tmp_path: Path, fake_launch: Launch, fake_record: Path
) -> None:
    """The sorried challenge lives in a branch the proof never sees: `exact?` cannot find it."""
    checker = make_checker(tmp_path, fake_launch)
    try:
        verdict = checker.check(STATEMENT, "  exact?")
        assert verdict.correct is False and "exact?" in verdict.reason
    finally:
        checker.close()
    sent = commands(fake_record)
    proof = next(c for c in sent if "exact?" in c["command"]["cmd"])
    assert "sorry" not in proof["history"]  # only the header is in scope
    assert proof["command"]["env"] == 0


def test_the_audit_is_a_fresh_command_that_resolves_no_names(
    tmp_path: Path, fake_launch: Launch, fake_record: Path
) -> None:
    checker = make_checker(tmp_path, fake_launch)
    try:
        checker.check(STATEMENT, OK)
    finally:
        checker.close()
    sent = commands(fake_record)
    audit = next(c["command"] for c in sent if "info.type.hash !=" in c["command"]["cmd"])
    proof = next(c for c in sent if c["command"]["cmd"].startswith("theorem add_one"))
    code = audit["cmd"]
    assert audit["env"] != proof["command"]["env"]  # its own command, after the proof
    assert code.startswith("set_option autoImplicit false in\nrun_cmd do\n")
    assert '(_root_.Lean.Name.str _root_.Lean.Name.anonymous "add_one")' in code
    assert "#print" not in code and "type_of%" not in code
    # every name is _root_-qualified or bound in the command itself: nothing a `variable`,
    # an `open` namespace or a local declaration of the proof can capture
    local = {"target", "allowed", "info", "axioms", "a", "find?", "contains", "type", "hash"}
    syntax = {
        "set_option",
        "autoImplicit",
        "false",
        "in",
        "run_cmd",
        "do",
        "let",
        "match",
        "with",
        "if",
        "then",
        "for",
        "unless",
        "_",
        "m!",
        "levelParams",
    }
    # the screen's tokenizer refuses interpolation: read each m!"…{hole}…" as its holes
    holes = re.sub(r'm!"([^"]*)"', lambda m: " ".join(re.findall(r"\{([^}]*)\}", m[1])), code)
    for token in tokenize(holes):
        if token.kind == "ident":
            head = token.text.split(".")[0]
            assert head in ("_root_", "info", "allowed") or token.text in local | syntax, token


def test_a_repl_that_died_while_idle_is_replaced_transparently(
    tmp_path: Path, fake_launch: Launch, fake_log: Path
) -> None:
    checker = LeanChecker(make_config(tmp_path), launch=fake_launch, trusted=fake_trusted(tmp_path))
    try:
        first = checker.check(STATEMENT, OK)
        assert first.details.get("repl") == "accepted" or first.correct is True
        os.killpg(checker._process.pid, 9)
        time.sleep(0.2)
        second = checker.check(STATEMENT, OK)
        assert second.correct == first.correct
        assert checker.starts == 2 and events(fake_log, "header") == 2
    finally:
        checker.close()


def test_header_reuse_off_reimports_for_every_proof(
    tmp_path: Path, fake_launch: Launch, fake_log: Path
) -> None:
    checker = make_checker(tmp_path, fake_launch, reuse_header=False)
    try:
        for _ in range(3):
            assert checker.check(STATEMENT, OK).correct is not False
    finally:
        checker.close()
    assert events(fake_log, "header") == 3
