"""The public-set loaders on the real files of the shared mirror, and ``sciglm questions``."""

from __future__ import annotations

import collections
import json
import subprocess
import sys
from pathlib import Path

import pytest

from sciglm import registry
from sciglm.errors import InputError
from sciglm.records import VerifyItem

SCIGLM = str(Path(sys.executable).with_name("sciglm"))


def load(name: str, path: Path) -> list:
    return list(registry.get_loader(name).loader(path))


def test_gsm8k(shared_data: Path) -> None:
    questions = load("gsm8k", shared_data / "gsm8k/test.jsonl")
    assert len(questions) == 1319
    first = questions[0]
    assert first.subject == "math" and first.reference == "18" and "Janet" in first.question
    assert "####" not in first.solution


def test_math_and_math500(shared_data: Path) -> None:
    full = load("math", shared_data / "math/test.jsonl")
    assert len(full) == 5000 and all(q.reference for q in full)
    five_hundred = load("math", shared_data / "math/test500.jsonl")
    assert len(five_hundred) == 500
    assert five_hundred[0].id.startswith("test/") and five_hundred[0].meta["level"] in range(1, 6)


def test_scibench_subjects_and_units(shared_data: Path) -> None:
    questions = load("scibench", shared_data / "scibench/scibench.jsonl")
    counts = collections.Counter(q.subject for q in questions)
    assert counts == {"chemistry": 223, "physics": 193, "math": 164}
    assert questions[0].reference == "50.7" and "atm" in questions[0].meta["unit"]


def test_theoremqa_skips_pictures_and_maps_fields(shared_data: Path) -> None:
    questions = load("theoremqa", shared_data / "theoremqa/theoremqa.jsonl")
    assert len(questions) == 800 - 53
    counts = collections.Counter(q.subject for q in questions)
    assert set(counts) == {"math", "physics"}
    fields = {q.meta["field"] for q in questions if q.subject == "math"}
    assert fields == {"Math", "EECS", "Finance"}
    assert {q.reference for q in questions if q.meta["answer_type"] == "bool"} == {"True", "False"}


def test_scieval_subjects(shared_data: Path) -> None:
    questions = load("scieval", shared_data / "scieval/valid.jsonl")
    counts = collections.Counter((q.subject, q.meta["type"]) for q in questions)
    assert counts[("chemistry", "multiple-choice")] == 643
    assert counts[("biology", "judge")] == 99
    assert counts[("physics", "multiple-choice")] == 164


def test_gaokao_letters(shared_data: Path) -> None:
    questions = load("gaokao", shared_data / "gaokao-bench/gaokao_stem.jsonl")
    assert len(questions) == 1354
    physics_mcq = [q for q in questions
                   if q.subject == "physics" and q.meta["type"] == "multi_choice"]
    assert len(physics_mcq) == 64 and any(len(q.reference) > 1 for q in physics_mcq)


@pytest.mark.parametrize(
    ("name", "path"),
    [("scibench", "scibench/scibench.jsonl"), ("scieval", "scieval/valid.jsonl"),
     ("gaokao", "gaokao-bench/gaokao_stem.jsonl"), ("theoremqa", "theoremqa/theoremqa.jsonl")],
)
def test_gold_answers_verify_as_correct(shared_data: Path, name: str, path: str) -> None:
    """Every physics/chemistry/biology gold answer, boxed as a model would, is judged correct."""
    checked = 0
    for q in load(name, shared_data / path):
        if q.subject not in ("physics", "chemistry", "biology"):
            continue
        if name == "gaokao" and q.meta["type"] not in ("single_choice", "multi_choice"):
            continue
        extra = {"unit": q.meta["unit"]} if "unit" in q.meta else {}
        item = VerifyItem(q.id, q.subject, f"The answer is \\boxed{{{q.reference}}}", q.reference,
                          extra=extra)
        verdict = registry.get_subject(q.subject).verify(item)
        assert verdict.correct is True, (q.id, q.reference, verdict.reason)
        checked += 1
    assert checked > 100


def test_missing_field_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "gsm8k.jsonl"
    path.write_text('{"question": "q", "answer": "x\\n#### 1"}\n{"question": "q2"}\n')
    with pytest.raises(InputError, match=r"gsm8k.jsonl:2: missing or empty field 'answer'"):
        load("gsm8k", path)


def test_questions_cli_gsm8k(shared_data: Path) -> None:
    result = subprocess.run(
        [SCIGLM, "questions", "--subject", "math", "--source",
         f"gsm8k:{shared_data / 'gsm8k/test.jsonl'}", "--limit", "5", "--jsonl"],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows] == [f"gsm8k-{i}" for i in range(1, 6)]
    assert rows[0]["reference"] == "18" and rows[0]["subject"] == "math"


def test_questions_cli_filters_by_subject(shared_data: Path) -> None:
    result = subprocess.run(
        [SCIGLM, "questions", "--subject", "physics", "--source",
         f"scibench:{shared_data / 'scibench/scibench.jsonl'}", "--limit", "3", "--jsonl"],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 3 and {r["subject"] for r in rows} == {"physics"}


def test_questions_cli_bad_line_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"question": "q", "answer": "x\\n#### 1"}\nnot json\n')
    result = subprocess.run([SCIGLM, "questions", "--source", f"gsm8k:{path}"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert f"{path}:2" in result.stderr and "Error:" in result.stderr


def test_scibench_ids_are_unique(shared_data) -> None:  # type: ignore[no-untyped-def]
    from sciglm import registry

    loader = registry.get_loader("scibench").loader
    ids = [q.id for q in loader(shared_data / "scibench" / "scibench.jsonl")]
    assert len(ids) == len(set(ids)) == 580
    assert any(i.endswith("#2") for i in ids)


def test_questions_cli_by_catalogue_name(shared_data: Path, tmp_path: Path) -> None:
    """``--source NAME[:SPLIT]`` reads the set from the mirror in $SCIGLM_DATA, no path needed."""
    import os

    env = os.environ | {"SCIGLM_DATA": str(shared_data), "HF_HOME": str(tmp_path / "hf"),
                        "HF_HUB_OFFLINE": "1"}
    result = subprocess.run(
        [SCIGLM, "questions", "--source", "math:test500", "--source", "gsm8k",
         "--source", "scibench", "--subject", "math", "--jsonl"],
        capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    sources = collections.Counter(r["source"] for r in rows)
    assert sources["math"] == 500 and sources["gsm8k"] == 1319
    assert 0 < sources["scibench"] < 580
    result = subprocess.run([SCIGLM, "questions", "--source", "mmlu", "--source", "ceval-sci",
                             "--jsonl"], capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 0, result.stderr  # the sets eval scores, by any of their names
    sources = collections.Counter(json.loads(line)["source"] for line in result.stdout.splitlines())
    assert sources == {"mmlu": 3018, "ceval": 210}
