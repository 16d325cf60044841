"""JSONL reading names file:line; the appender survives a torn last line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sciglm.errors import InputError
from sciglm.io.jsonl import JsonlAppender, iter_jsonl, read_jsonl, repair_torn_tail, write_jsonl


def test_malformed_line_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"a": 1}\n\n{"a": 2\n[1, 2]\n', encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_jsonl(path)
    assert str(info.value).startswith(f"{path}:3: not valid JSON")


def test_skip_invalid_reports_each_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"a": 1}\nnope\n[1]\n{"a": 4}\n', encoding="utf-8")
    errors: list[InputError] = []
    rows = list(iter_jsonl(path, errors.append))
    assert [(n, r["a"]) for n, r in rows] == [(1, 1), (4, 4)]
    assert [e.line for e in errors] == [2, 3]
    assert "expected a JSON object, got list" in str(errors[1])


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        read_jsonl(tmp_path / "absent.jsonl")


def test_torn_tail_is_cut_and_appending_resumes(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    write_jsonl(path, [{"id": 1}, {"id": 2}])
    with open(path, "a", encoding="utf-8") as handle:
        handle.write('{"id": 3, "resp')  # a crash in the middle of a write
    with JsonlAppender(path) as out:
        assert out.repaired_bytes == len('{"id": 3, "resp')
        out.write({"id": 3})
    assert [r["id"] for r in read_jsonl(path)] == [1, 2, 3]


def test_repair_cuts_a_complete_but_invalid_last_line(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_text(json.dumps({"id": 1}) + "\n" + '{"id": \n', encoding="utf-8")
    assert repair_torn_tail(path) == len('{"id": \n')
    assert read_jsonl(path) == [{"id": 1}]
    assert repair_torn_tail(path) == 0
