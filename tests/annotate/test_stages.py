"""Every stage of the state machine, through the real runner, pool and a loopback teacher."""

from __future__ import annotations

from pathlib import Path

from sciglm.annotate.stages import CORRECTED_MARKER, REFLECT_FORMAT, corrected_solution
from sciglm.endpoint.loopback import LoopbackServer

from .conftest import UNDECIDABLE, read_records, write_questions
from .helpers import run, scripted_teacher


def test_each_question_stops_at_the_first_accepted_stage(toy: str, tmp_path: Path):
    rows = [
        {"id": "a", "subject": toy, "question": "Q [cot:4]", "reference": "4"},
        {"id": "b", "subject": toy, "question": "Q [cot:1|reflect:4]", "reference": "4"},
        {"id": "c", "subject": toy, "question": "Q [cot:1|reflect:2|hint:4]", "reference": "4"},
        {"id": "d", "subject": toy, "question": "Q [cot:1|reflect:2|hint:3]", "reference": "4"},
    ]
    path = write_questions(tmp_path / "q.jsonl", rows)
    out = tmp_path / "out.jsonl"
    with LoopbackServer(scripted_teacher) as server:
        summary, client = run(path, out, server, max_reflections=2)
    records = {r["id"]: r for r in read_records(out)}
    assert {k: (r["stage"], r["correct"]) for k, r in records.items()} == {
        "a": ("cot", True), "b": ("reflect", True), "c": ("hint", True), "d": ("failed", False)}
    assert [s["stage"] for s in records["c"]["trajectory"]] == ["cot", "reflect", "reflect", "hint"]
    assert [s.get("round") for s in records["c"]["trajectory"]] == [None, 1, 2, None]
    assert records["c"]["response"].endswith("\\boxed{4}.")
    assert records["d"]["response"] is None
    # The reflection prompt shows the wrong attempt and the kind of error, not the reason
    # (which may quote the reference).
    reflect = records["b"]["trajectory"][1]["prompt"]
    assert reflect[2] == {"role": "assistant", "content": records["b"]["trajectory"][0]["response"]}
    assert "Your final answer: 1" in reflect[3]["content"]
    assert "Checker feedback: the final value is wrong" in reflect[3]["content"]
    assert "does not match the reference" not in reflect[3]["content"]
    assert records["d"]["trajectory"][-1]["verdict"]["predicted"] == "3"
    # Complete records: every field of the issue, usage per stage, teacher settings.
    for record in records.values():
        assert {"id", "subject", "question", "reference", "response", "correct", "stage",
                "trajectory", "usage", "teacher"} <= set(record)
        assert record["teacher"]["model"] == "loopback"
        assert record["teacher"]["parameters"] == {"temperature": 0.7, "max_tokens": 1024}
    assert records["c"]["usage"] == {"cot": {"prompt_tokens": 10, "completion_tokens": 5},
                                     "reflect": {"prompt_tokens": 20, "completion_tokens": 10},
                                     "hint": {"prompt_tokens": 10, "completion_tokens": 5}}
    assert summary.count("cot") == summary.count("reflect") == summary.count("hint") == 1
    assert client.stats.requests == 1 + 2 + 4 + 4
    assert client.stats.completion_tokens == 5 * 11


def test_the_judge_decides_when_the_verifier_cannot(toy: str, tmp_path: Path):
    rows = [
        {"id": "yes", "subject": toy, "question": "Q [cot:7|judge:yes]", "reference": UNDECIDABLE},
        {"id": "no", "subject": toy, "question": "Q [cot:7|judge:no]"},
    ]
    path = write_questions(tmp_path / "q.jsonl", rows)
    out = tmp_path / "out.jsonl"
    with LoopbackServer(scripted_teacher, models=("loopback", "judge-model")) as server:
        run(path, out, server, model="loopback", judge="judge-model", max_reflections=1)
    records = {r["id"]: r for r in read_records(out)}
    assert records["yes"]["stage"] == "cot" and records["yes"]["correct"] is True
    step = records["yes"]["trajectory"][0]
    assert step["verdict"]["correct"] is None  # the verifier could not decide …
    assert step["judge"]["model"] == "judge-model"  # … the judge did
    assert step["judge"]["verdict"]["correct"] is True
    assert step["judge"]["prompt"][1]["content"].count("Reference answer: ??") == 1
    # Judged wrong, no reference: reflect once (judge again), no hint stage, failed.
    assert [s["stage"] for s in records["no"]["trajectory"]] == ["cot", "reflect"]
    assert records["no"]["stage"] == "failed" and records["no"]["correct"] is False
    assert "judge" in records["no"]["usage"]


def test_without_reference_or_judge_a_question_fails_after_one_call(toy: str, tmp_path: Path):
    path = write_questions(tmp_path / "q.jsonl",
                           [{"id": "x", "subject": toy, "question": "Q [cot:7]"}])
    out = tmp_path / "out.jsonl"
    with LoopbackServer(scripted_teacher) as server:
        run(path, out, server)
        assert server.counts["ok"] == 1
    (record,) = read_records(out)
    assert record["stage"] == "failed" and record["correct"] is None
    assert "cannot be verified" in record["note"]


def test_reflection_keeps_only_the_corrected_solution_as_target(toy: str, tmp_path: Path):
    """The original kept the text after "正确解答：" (api_gen_gpt_revise.py); so does sciglm."""
    rows = [{"id": "b", "subject": toy, "question": "Q [cot:1|reflect:4]", "reference": "4"},
            {"id": "raw", "subject": toy, "question": "Q [cot:1|reflect:~4|hint:4]",
             "reference": "4"}]
    path = write_questions(tmp_path / "q.jsonl", rows)
    out = tmp_path / "out.jsonl"
    with LoopbackServer(scripted_teacher) as server:
        run(path, out, server, max_reflections=1)
    records = {r["id"]: r for r in read_records(out)}
    marked = records["b"]
    assert marked["stage"] == "reflect"
    assert marked["response"] == "Step 1: think.\nThe answer is \\boxed{4}."  # no critique
    step = marked["trajectory"][1]
    assert step["response"].startswith("What went wrong:")  # the critique stays here
    assert step["target"] == marked["response"]
    assert step["prompt"][-1]["content"].endswith(REFLECT_FORMAT)
    assert CORRECTED_MARKER in REFLECT_FORMAT
    # A right answer without the marker is not taken: critique and solution cannot be split.
    raw = records["raw"]
    assert raw["stage"] == "hint"
    assert raw["trajectory"][1]["target"] is None
    assert raw["trajectory"][1]["verdict"]["correct"] is None
    assert "no 'Corrected solution:' marker" in raw["trajectory"][1]["verdict"]["reason"]


def test_multiple_choice_is_not_reflected_unless_asked(toy: str, tmp_path: Path):
    rows = [{"id": "letter", "subject": toy, "question": "Q [cot:A|reflect:B|hint:B]",
             "reference": "B"},
            {"id": "listed", "subject": toy, "question": "Q [cot:3|reflect:4]",
             "choices": ["3", "4"], "reference": "4"},
            {"id": "open", "subject": toy, "question": "Q [cot:3|reflect:4]", "reference": "4"}]
    path = write_questions(tmp_path / "q.jsonl", rows)
    default, flagged = tmp_path / "default.jsonl", tmp_path / "flagged.jsonl"
    with LoopbackServer(scripted_teacher) as server:
        run(path, default, server, max_reflections=1)
        run(path, flagged, server, max_reflections=1, reflect_choices=True)
    plain = {r["id"]: r for r in read_records(default)}
    assert [s["stage"] for s in plain["letter"]["trajectory"]] == ["cot", "hint"]
    assert plain["letter"]["stage"] == "hint"
    assert [s["stage"] for s in plain["listed"]["trajectory"]] == ["cot", "hint"]
    assert plain["listed"]["stage"] == "failed"  # its hint answer is wrong too
    assert plain["open"]["stage"] == "reflect"
    reflected = {r["id"]: r for r in read_records(flagged)}
    assert {k: r["stage"] for k, r in reflected.items()} == \
        {"letter": "reflect", "listed": "reflect", "open": "reflect"}


def test_corrected_solution_markers() -> None:
    assert corrected_solution("反思：算错了。正确解答：x = 2") == "x = 2"
    assert corrected_solution("What went wrong: a\nCORRECTED SOLUTION:\n b") == "b"
    assert corrected_solution("Corrected solution: a\nCorrected solution: b") == "b"
    assert corrected_solution("The answer is 4") is None
    assert corrected_solution("What went wrong: all.\nCorrected solution:   ") is None
