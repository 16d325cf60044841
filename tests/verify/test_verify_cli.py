"""``sciglm verify`` on math answers, end to end: real CLI process, real worker pool."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.verify.cli_helpers import run_sciglm, verify_records, write_records
from tests.verify.test_math_subject import CASES


def test_decides_every_issue_example_in_order(tmp_path: Path) -> None:
    records = [
        {"id": f"case-{i}", "subject": "math", "response": response, "reference": reference}
        for i, (response, reference, _) in enumerate(CASES)
    ]
    records.append({"id": "choice", "subject": "math", "response": "The answer is (C)",
                    "reference": "C", "choices": ["1", "2", "3", "4"]})
    verdicts, summary = verify_records(tmp_path, records, "--workers", "2")
    assert [v["id"] for v in verdicts] == [r["id"] for r in records]  # output order kept
    expected = [e for _, _, e in CASES] + [True]
    assert [v["correct"] for v in verdicts] == expected
    assert all(set(v) >= {"id", "subject", "correct", "predicted", "reference", "reason"}
               for v in verdicts)
    assert {"fast", "math-verify"} <= {v["details"]["method"] for v in verdicts}
    math = summary["subjects"]["math"]
    assert math["total"] == len(records)
    assert math["correct"] == sum(expected)
    assert math["wrong"] == len(records) - sum(expected)
    assert math["undecided"] == 0


def test_malformed_line_names_file_and_line(tmp_path: Path) -> None:
    source = tmp_path / "bad.jsonl"
    good = json.dumps({"id": "a", "subject": "math", "response": r"\boxed{1}", "reference": "1"})
    source.write_text(good + "\n" + '{"id": "b", "subject": "math", "response": \n' + good + "\n")
    done = run_sciglm("verify", str(source), "--output", str(tmp_path / "out.jsonl"))
    assert done.returncode != 0
    errors = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and f"{source}:2" in errors[0], done.stderr


def test_skip_invalid_reports_and_goes_on(tmp_path: Path) -> None:
    source = tmp_path / "bad.jsonl"
    lines = [
        json.dumps({"id": "a", "subject": "math", "response": r"\boxed{1}", "reference": "1"}),
        "not json",
        json.dumps({"id": "c", "subject": "math", "response": r"\boxed{2}", "reference": "3"}),
    ]
    source.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out.jsonl"
    done = run_sciglm("verify", str(source), "--output", str(out), "--skip-invalid", "--json")
    assert done.returncode == 0, done.stderr
    assert f"{source}:2" in done.stderr
    summary = json.loads(done.stdout)
    assert summary["invalid_lines"] == 1
    verdicts = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(v["id"], v["correct"]) for v in verdicts] == [("a", True), ("c", False)]


def test_table_summary_without_json(tmp_path: Path) -> None:
    source = write_records(
        tmp_path / "a.jsonl",
        [{"id": "a", "subject": "math", "response": "#### 72", "reference": "72"}],
    )
    done = run_sciglm("verify", str(source), "--workers", "1")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[0])["correct"] is True  # verdicts on stdout
    assert "math" in done.stderr and "undecided" in done.stderr  # the table on stderr


@pytest.mark.slow
def test_issue_answer_shapes_and_fragments_end_to_end(tmp_path: Path) -> None:
    """Issue 15's answer shapes are read whole; issue 14's fragments are never a verdict."""
    records = [
        ("boxes", r"\boxed{(1, 2)}, \boxed{(2, 1)}", "(1,2),(2,1)", True),
        ("final-sentence", "Final Answer: The largest $n$ is 34.", "34", True),
        ("hope", "The final answer is 12,000,023. I hope it is correct.", "12000023", True),
        ("bare", r"\frac{10}{9}", "10/9", True),
        ("thin-space", r"is $\boxed{11,\! 111,\! 111,\! 100}$", "11111111100", True),
        ("approx", r"$x \approx 11$", "11", True),
        ("letter", "$E$", r"\text{E}", True),
        ("word", "AZYUK2A", "2", False),
        ("formula", "The formula is H2O", "2", False),
        ("power", "The answer is 2^{10}.", "2", False),
        ("mixed", r"\boxed{2\frac{1}{2}}", "1", False),
        ("e", r"\boxed{1+1/e}", "1-1/e", False),
        ("600kb", r"\boxed{" + "1+" * 300_000 + "1}", "1", None),
        ("cut-off", r"\boxed{" + "1+" * 1_000 + "1", "1", None),
    ]
    verdicts, _ = verify_records(
        tmp_path,
        [{"id": i, "subject": "math", "response": r, "reference": ref} for i, r, ref, _ in records],
        "--workers", "2",
    )
    assert [(v["id"], v["correct"]) for v in verdicts] == [(i, e) for i, _, _, e in records]
    by_id = {v["id"]: v for v in verdicts}
    assert "too long to scan whole" in by_id["600kb"]["reason"]
    assert "cut off" in by_id["cut-off"]["reason"]
