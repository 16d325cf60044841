"""Public sets as annotated records (reference solutions stand in for a teacher's)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sciglm.data.reference import main, reference_records
from sciglm.errors import InputError


def test_gsm8k_and_gaokao_records(tmp_path: Path) -> None:
    gsm = tmp_path / "gsm.jsonl"
    gsm.write_text(json.dumps({"question": "Q?", "answer": "2+2=<<2+2=4>>4\n#### 4"}) + "\n")
    (record,) = reference_records("gsm8k", str(gsm))
    assert record["reference"] == "4" and record["correct"] is True
    assert record["stage"] == "reference" and record["source"] == "gsm8k"
    gaokao = tmp_path / "g.jsonl"
    gaokao.write_text(json.dumps({"question": "问题", "answer": ["BC"], "analysis": "",
                                  "keywords": "2010-2022_Physics_MCQs"}) + "\n")
    (record,) = reference_records("gaokao", str(gaokao))
    assert record["subject"] == "physics" and record["reference"] == "BC"
    assert record["response"] is None and record["correct"] is False


def test_bad_rows_name_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "math.jsonl"
    path.write_text(json.dumps({"problem": "P", "solution": "S"}) + "\n"
                    + json.dumps({"problem": "P"}) + "\n")
    with pytest.raises(InputError, match=r"math.jsonl:2: not a math record \(missing 'solution'"):
        list(reference_records("math", str(path)))
    assert main([f"math:{path}", "-o", str(tmp_path / "out.jsonl")]) == 1
    assert "Error:" in capsys.readouterr().err and not (tmp_path / "out.jsonl").exists()
