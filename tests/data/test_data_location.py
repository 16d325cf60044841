"""One data location rule (``sciglm.catalog.data.data_roots``): ``--data-dir`` (else
``$SCIGLM_DATA``), then the cache ``sciglm data pull`` fills, for every command that reads the
public sets; annotate warns, before any teacher call, about questions of an evaluation set."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sciglm.catalog.data import DATA_ENV, data_roots
from sciglm.cli.main import cli, main
from sciglm.data.decontam import default_eval_sets
from sciglm.data.hub import cache_root
from sciglm.teacher import free_port


def run(args: list[str], capsys: pytest.CaptureFixture) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


def gsm8k_copy(shared_data: Path, root: Path, n: int = 3) -> list[dict]:
    """The first ``n`` GSM8K test rows written as ``root/gsm8k/test.jsonl`` (mirror layout)."""
    lines = (shared_data / "gsm8k/test.jsonl").read_text().splitlines()[:n]
    (root / "gsm8k").mkdir(parents=True)
    (root / "gsm8k/test.jsonl").write_text("\n".join(lines) + "\n")
    return [json.loads(line) for line in lines]


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv(DATA_ENV, raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    return tmp_path


def test_roots_are_the_named_mirror_then_the_cache(isolated: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    assert data_roots() == [("cache", cache_root())]
    monkeypatch.setenv(DATA_ENV, str(isolated / "env"))
    assert data_roots() == [("mirror", isolated / "env"), ("cache", cache_root())]
    assert data_roots(isolated / "given")[0] == ("mirror", isolated / "given")


def test_decontamination_reads_the_cache_that_data_pull_fills(isolated: Path,
                                                              shared_data: Path) -> None:
    gsm8k_copy(shared_data, cache_root())
    found = {s.name: s.path for s in default_eval_sets()}
    assert found == {"gsm8k": str(cache_root() / "gsm8k/test.jsonl")}


def test_every_command_that_reads_data_has_data_dir() -> None:
    import click

    ctx = click.Context(cli)
    for path in (("questions",), ("filter",), ("mix",), ("annotate",), ("data", "pull"),
                 ("data", "list"), ("data", "info")):
        command = cli
        for name in path:
            command = command.get_command(ctx, name)  # type: ignore[union-attr]
        flags = {f for p in command.params for f in getattr(p, "opts", [])}
        assert "--data-dir" in flags, path


def test_questions_and_filter_read_data_dir(isolated: Path, shared_data: Path,
                                            capsys: pytest.CaptureFixture) -> None:
    mirror = isolated / "mirror"
    rows = gsm8k_copy(shared_data, mirror)
    code, out, _ = run(["questions", "--source", "gsm8k", "--data-dir", str(mirror), "--jsonl"],
                       capsys)
    assert code == 0 and [json.loads(line)["question"] for line in out.splitlines()] == \
        [row["question"] for row in rows]
    annotated = isolated / "a.jsonl"
    annotated.write_text(json.dumps({"id": "leak", "subject": "math", "question":
                                     rows[0]["question"], "response": "Step 1. Add. The answer "
                                     "is \\boxed{18}.", "correct": True}) + "\n")
    code, out, _ = run(["filter", str(annotated), "-o", str(isolated / "kept.jsonl"),
                        "--data-dir", str(mirror), "--json"], capsys)
    report = json.loads(out)
    assert report["decontamination"]["eval_sets"] == {"gsm8k": 3}
    assert (isolated / "kept.jsonl").read_text() == ""


def test_annotate_warns_about_eval_questions_before_calling_the_teacher(
        isolated: Path, shared_data: Path) -> None:
    mirror = isolated / "mirror"
    rows = gsm8k_copy(shared_data, mirror)
    questions = isolated / "q.jsonl"
    questions.write_text("".join(json.dumps({"id": f"q{i}", "subject": "math", "question":
                                             row["question"], "reference": "1"}) + "\n"
                                 for i, row in enumerate(rows[:2])))
    url = f"http://127.0.0.1:{free_port()}/v1"
    result = subprocess.run(
        [sys.executable, "-m", "sciglm.cli.main", "annotate", str(questions), "-o",
         str(isolated / "out.jsonl"), "--base-url", url, "--data-dir", str(mirror)],
        capture_output=True, text=True, timeout=120, env=dict(os.environ, COLUMNS="200"))
    assert result.returncode == 1
    err = " ".join(result.stderr.split())
    warning = err.index("2 of 2 question(s) are in the evaluation set 'gsm8k'")
    assert "gsm8k:train" in err and warning < err.index("Error: teacher")
