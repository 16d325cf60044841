"""The REPL protocol against real transcripts recorded from leanprover-community/repl."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sciglm_lean.checker import LeanChecker
from sciglm_lean.repl import (
    CommandResult,
    ReplError,
    ReplProcess,
    ReplSession,
    TacticResult,
    encode_command,
    parse_reply,
    split_json_stream,
)

from tests.lean.helpers import FAKE_REPL


def pairs(folder: Path) -> list[tuple[str, list, list]]:
    out = []
    for expected in sorted(folder.glob("*.expected.out")):
        name = expected.name[: -len(".expected.out")]
        commands = split_json_stream((folder / f"{name}.in").read_text(encoding="utf-8"))
        answers = split_json_stream(expected.read_text(encoding="utf-8"))
        out.append((name, commands, answers))
    return out


def feeder(answers: list):
    """A transport that answers with the recorded answers, in order."""
    feed = iter(answers)
    return lambda command, timeout: next(feed)


def replay(commands: list, answers: list) -> tuple[ReplSession, list]:
    session = ReplSession(feeder(answers))
    return session, [session.send(c) for c in commands[: len(answers)]]


def test_every_transcript_parses_and_keeps_env_bookkeeping(transcripts: Path) -> None:
    found = pairs(transcripts)
    assert len(found) > 60
    for name, commands, answers in found:
        session = ReplSession(feeder(answers))
        for command, raw in zip(commands, answers, strict=False):
            known_envs, known_states = set(session.envs), set(session.proof_states)
            reply = session.send(command)
            if "message" in raw and len(raw) == 1:
                assert isinstance(reply, ReplError), name
                if raw["message"] == "Unknown environment.":
                    assert command["env"] not in known_envs, name
                if raw["message"] == "Unknown proof state.":
                    assert command["proofState"] not in known_states, name
                continue
            if "tactic" in command:
                assert isinstance(reply, TacticResult), (name, command)
                assert command["proofState"] in known_states, (name, command)
                assert reply.proof_state == raw["proofState"], (name, command)
                assert reply.goals == tuple(raw.get("goals") or ()), (name, command)
            elif "cmd" in command or "path" in command:
                assert isinstance(reply, CommandResult), (name, command)
                assert reply.env == raw["env"], (name, command)
                if "env" in command:
                    assert command["env"] in known_envs, (name, command)
            if not isinstance(reply, ReplError):
                assert len(reply.messages) == len(raw.get("messages") or [])
                assert len(reply.errors) == sum(
                    m["severity"] == "error" for m in raw.get("messages") or []
                )


def test_readme_transcript_sorry_goal_and_tactic_mode(transcripts: Path) -> None:
    commands = split_json_stream((transcripts / "readme.in").read_text())
    answers = split_json_stream((transcripts / "readme.expected.out").read_text())
    session, replies = replay(commands, answers)
    first, second, third = replies
    assert isinstance(first, CommandResult) and first.env == 0 and first.has_sorry
    assert first.sorries[0].goal == "x : Unit\n⊢ Nat" and first.sorries[0].proof_state == 0
    assert isinstance(second, TacticResult) and second.goals == ("x : Unit\n⊢ Int",)
    assert second.proof_status != "Completed"
    assert isinstance(third, TacticResult) and not third.goals and not third.errors
    assert third.proof_status == "Completed"
    assert session.envs == {0} and session.proof_states == {0, 1, 2}


@pytest.mark.parametrize(
    "name, expected",
    [
        ("unfinished_tactic_block", "error"),  # unsolved goals
        ("incomplete", "error"),
        ("term_sorry", "sorry"),
        ("tactic_mode_sorry", "sorry"),
        ("import_lean", "clean"),
        ("options", "clean"),
    ],
)
def test_error_and_sorry_detection_on_recorded_answers(
    transcripts: Path, name: str, expected: str
) -> None:
    answer = split_json_stream((transcripts / f"{name}.expected.out").read_text())[0]
    reply = parse_reply(answer)
    verdict = LeanChecker()._judge_elaboration(reply)
    if expected == "clean":
        assert verdict is None
    else:
        assert verdict is not None and verdict.correct is False
        assert ("sorry" in verdict.reason) == (expected == "sorry")


def test_tactic_errors_and_repl_errors(transcripts: Path) -> None:
    answers = split_json_stream((transcripts / "invalid_tactic.expected.out").read_text())
    tactic = parse_reply(answers[1])
    assert isinstance(tactic, TacticResult) and tactic.errors
    assert "my_fake_premise" in tactic.errors[0].data
    unknown = parse_reply(
        split_json_stream((transcripts / "unknown_tactic.expected.out").read_text())[1]
    )
    assert isinstance(unknown, ReplError) and "unknown tactic" in unknown.message


def test_both_sorry_warning_spellings_count() -> None:
    for text in ("declaration uses 'sorry'", "declaration uses `sorry`"):
        reply = parse_reply({"env": 1, "messages": [{"severity": "warning", "data": text}]})
        assert isinstance(reply, CommandResult) and reply.has_sorry


def test_wire_framing_with_pretty_printed_answers(transcripts: Path) -> None:
    """Multi-line answers over a real pipe parse exactly as the recorded text does."""
    for name in ("readme", "Mathlib_test_exact", "self_proof_check"):
        commands = split_json_stream((transcripts / f"{name}.in").read_text())
        answers = split_json_stream((transcripts / f"{name}.expected.out").read_text())
        process = ReplProcess(
            [
                sys.executable,
                str(FAKE_REPL),
                "--replay",
                str(transcripts / f"{name}.in"),
                str(transcripts / f"{name}.expected.out"),
            ]
        )
        process.start()
        try:
            for command, recorded in zip(commands, answers, strict=False):
                assert process.send(command, timeout=10) == recorded
        finally:
            process.close()


def test_encode_command_is_one_line_and_a_blank_line() -> None:
    wire = encode_command({"cmd": "theorem t : 1 = 1 := by\n  rfl", "env": 0})
    assert wire.endswith(b"\n\n") and wire.count(b"\n") == 2
