"""Turning records into Lean code, the loaders, and the reflection prompts."""

from __future__ import annotations

from pathlib import Path

import pytest
from sciglm_lean import dojo
from sciglm_lean.compose import DEFAULT_HEADER, ComposeError, compose
from sciglm_lean.loaders import load_leandojo, load_minif2f, load_statements
from sciglm_lean.subject import LeanSubject

from sciglm.errors import InputError
from sciglm.records import Question, Verdict, VerifyItem
from tests.lean.helpers import STATEMENT


def test_proof_only_response_is_appended_to_the_asked_statement() -> None:
    sub = compose(STATEMENT, "  subst h\n  rfl")
    assert sub.body == "theorem add_one (x : ℕ) (h : x = 2) : x + 1 = 3 := by\n  subst h\n  rfl"
    assert sub.name == "add_one" and not sub.full_file and sub.header == DEFAULT_HEADER
    assert compose(STATEMENT, "by omega").body.endswith(":= by omega")
    assert compose(STATEMENT, ":= by omega").body.endswith(":= by omega")


def test_full_file_in_a_fence_keeps_its_code_and_the_records_header() -> None:
    response = (
        "Proof:\n```lean4\nimport Mathlib\nimport Mathlib.Tactic.Ring\n\n"
        "theorem add_one (x : ℕ) (h : x = 2) :\n    x + 1 = 3 := by\n  omega\n```\nDone."
    )
    sub = compose(STATEMENT, response, "import Mathlib\nopen Nat")
    # the header is the record's: an import it has is dropped, another stays (and is screened)
    assert sub.full_file and sub.body.startswith("import Mathlib.Tactic.Ring\ntheorem add_one")
    assert sub.header == "import Mathlib\nopen Nat"
    assert sub.submitted_statement == "theorem add_one (x : ℕ) (h : x = 2) :\n    x + 1 = 3"


def test_examples_get_a_name_and_bad_statements_fail() -> None:
    assert compose("example : 1 = 1 := by sorry", "rfl").name == "sciglm_example"
    with pytest.raises(ComposeError):
        compose("def f : ℕ := 1", "rfl")
    with pytest.raises(ComposeError):
        compose("  ", "rfl")


def test_minif2f_loader_reads_the_shared_file(shared_data: Path) -> None:
    questions = list(load_minif2f(shared_data / "minif2f-lean4" / "minif2f.jsonl"))
    assert len(questions) == 488
    valid = list(load_minif2f(shared_data / "minif2f-lean4" / "minif2f.jsonl", split="valid"))
    assert len(valid) == 244 and all(q.meta["split"] == "valid" for q in valid)
    first = questions[0]
    assert first.subject == "lean" and first.meta["header"].startswith("import Mathlib")
    assert compose(first.meta["statement"], "  norm_num", first.meta["header"]).name == first.id


def test_statement_loader_names_the_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    path.write_text('{"statement": "theorem t : True := by sorry"}\n{"name": "x"}\n')
    with pytest.raises(InputError, match=r"s\.jsonl:2: record has no 'statement'"):
        list(load_statements(path))


def test_leandojo_loader(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text(
        '{"full_name": "Nat.add_comm", "file_path": "A.lean", "url": "https://x", "commit": "c"}\n'
    )
    (question,) = load_leandojo(path)
    assert question.id == "Nat.add_comm" and question.meta["commit"] == "c"


def test_reflection_prompt_shows_lean_errors_and_goals() -> None:
    question = Question("add_one", "lean", STATEMENT, meta={"statement": STATEMENT})
    verdict = Verdict(
        False,
        None,
        "Lean error at line 2: linarith failed",
        {"messages": ["2:2: error: linarith failed"], "goals": ["x : ℕ\n⊢ x + 1 = 3"]},
    )
    messages = LeanSubject().reflect_prompt(question, "```lean\n...\n```", verdict)
    last = messages[-1]["content"]
    assert "linarith failed" in last and "x : ℕ\n⊢ x + 1 = 3" in last
    assert messages[-2] == {"role": "assistant", "content": "```lean\n...\n```"}
    assert STATEMENT in messages[1]["content"]


def test_leandojo_records_without_leandojo_are_unchecked() -> None:
    if dojo.available():
        pytest.skip("lean-dojo is installed; this checks the message given without it")
    record = {
        "url": "https://github.com/x/y",
        "commit": "abc",
        "file_path": "A.lean",
        "full_name": "thm",
        "id": "1",
        "subject": "lean",
        "response": "by simp",
    }
    verdict = LeanSubject().verify(VerifyItem.from_record(record))
    assert verdict.correct is None
    assert "sciglm[leandojo]" in verdict.reason and "network" in verdict.reason


def test_leandojo_proofs_are_screened_first() -> None:
    record = {
        "url": "https://github.com/x/y",
        "commit": "abc",
        "file_path": "A.lean",
        "full_name": "thm",
        "id": "1",
        "subject": "lean",
        "response": "by\n  native_decide",
    }
    verdict = LeanSubject().verify(VerifyItem.from_record(record))
    assert verdict.correct is False and verdict.details["screen"] == "native"
