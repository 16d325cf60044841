"""The resumable output: torn-line repair, done ids, no duplicates; question input errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sciglm.annotate.questions import read_questions
from sciglm.annotate.store import OutputStore, drop_errors
from sciglm.errors import InputError

from .conftest import read_records, write_questions


def test_torn_last_line_is_cut_and_done_ids_are_read(tmp_path: Path):
    out = tmp_path / "out.jsonl"
    good = json.dumps({"id": "a", "subject": "toy", "stage": "cot", "correct": True})
    out.write_text(good + "\n" + '{"id": "b", "subject": "to', encoding="utf-8")
    with OutputStore(out) as store:
        assert store.repaired_bytes > 0
        assert store.is_done("a") and not store.is_done("b")
        store.write({"id": "b", "subject": "toy", "stage": "failed"})
        with pytest.raises(ValueError, match="already has a record"):
            store.write({"id": "a", "subject": "toy", "stage": "cot"})
    assert [r["id"] for r in read_records(out)] == ["a", "b"]


def test_drop_errors_keeps_one_record_per_id(tmp_path: Path):
    out = tmp_path / "out.jsonl"
    rows = [{"id": "a", "stage": "cot"}, {"id": "b", "stage": "failed", "error": "x"}]
    write_questions(out, rows)
    assert drop_errors(out) == 1
    assert read_records(out) == [{"id": "a", "stage": "cot"}]


def test_a_corrupt_output_line_names_file_and_line(tmp_path: Path):
    out = tmp_path / "out.jsonl"
    out.write_text('{"id": "a"}\nnot json\n{"id": "b"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"out\.jsonl:2: not valid JSON"):
        OutputStore(out)


@pytest.mark.parametrize(("line", "message"), [
    ("not json", "not valid JSON"),
    ('{"id": "x", "subject": "toy", "question": "  "}', "no question text"),
    ('{"id": "x", "subject": "nope", "question": "q"}', "unknown subject 'nope'"),
    ('{"id": "a", "subject": "toy", "question": "again"}', "id 'a' repeats line 1"),
    ('{"id": "x", "question": "q"}', "record has no 'subject'"),
])
def test_bad_question_lines_name_file_and_line(toy: str, tmp_path: Path, line: str, message: str):
    path = tmp_path / "q.jsonl"
    path.write_text('{"id": "a", "subject": "toy", "question": "q"}\n' + line + "\n")
    with pytest.raises(InputError, match=rf"q\.jsonl:2: {message}"):
        read_questions(path)
    skipped: list[InputError] = []
    assert [q.id for q in read_questions(path, on_invalid=skipped.append)] == ["a"]
    assert len(skipped) == 1 and f"q.jsonl:2: {message}" in str(skipped[0])
