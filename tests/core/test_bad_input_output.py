"""Bad input and bad output paths as a user meets them (issue #24.3-5): ``sciglm …`` in a
subprocess, one ``Error:`` line and a non-zero exit, nothing written over what was read, no
teacher call spent before a bad output path is refused, and no empty result called a success."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sciglm.endpoint.loopback import LoopbackServer, ok

SCIGLM = [sys.executable, "-m", "sciglm.cli.main"]
LATIN1 = '{"id": "a", "subject": "math", "question": "caf\xe9?", "response": "\\\\boxed{1}", ' \
         '"reference": "1"}\n'


def sciglm(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, COLUMNS="200")
    done = subprocess.run([*SCIGLM, *args], capture_output=True, input=stdin, timeout=300,
                          env=env)
    return subprocess.CompletedProcess(done.args, done.returncode,
                                       done.stdout.decode(errors="replace"),
                                       done.stderr.decode(errors="replace"))


def the_error(result: subprocess.CompletedProcess[str]) -> str:
    """The one ``Error:`` line of a failed run (and no traceback); exit status 1, or 2 where
    click's own check of an option (a file option given a folder) refused it."""
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert result.returncode in (1, 2), result.stderr
    assert len(errors) == 1 and "Traceback" not in result.stderr, result.stderr
    return errors[0]


def answer(i: int = 1) -> dict[str, str]:
    return {"id": f"a{i}", "subject": "math", "question": f"{i}+0?", "response":
            f"\\boxed{{{i}}}", "reference": str(i)}


def jsonl(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


# -- 4: input that is not UTF-8 -----------------------------------------------------------------
@pytest.mark.parametrize("command", [["verify"], ["annotate", "-o", "OUT", "--base-url",
                                                  "http://127.0.0.1:9/v1"],
                                     ["filter", "-o", "OUT", "--no-decontam"],
                                     ["classifier", "data", "-o", "OUT"]])
def test_latin1_jsonl_is_one_error_naming_file_and_line(tmp_path: Path,
                                                         command: list[str]) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(json.dumps(answer()).encode() + b"\n" + LATIN1.encode("latin-1"))
    args = [str(tmp_path / "out.jsonl") if a == "OUT" else a for a in command]
    line = the_error(sciglm(*args[:2], str(source), *args[2:]) if command[0] == "classifier"
                     else sciglm(args[0], str(source), *args[1:]))
    assert line.startswith(f"Error: {source}:2: not UTF-8 text")


def test_binary_file_with_skip_invalid_skips_lines_then_says_nothing_was_left(
        tmp_path: Path) -> None:
    source = tmp_path / "bin.jsonl"
    source.write_bytes(bytes(range(128, 256)) * 4 + b"\n")
    result = sciglm("verify", str(source), "--skip-invalid")
    assert f"skipped {source}:1: not UTF-8 text" in result.stderr
    assert the_error(result) == f"Error: {source}: no records to verify (1 invalid line(s) " \
                                "skipped)"


def test_skip_invalid_keeps_the_good_lines_around_a_latin1_one(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(LATIN1.encode("latin-1") + json.dumps(answer(2)).encode() + b"\n")
    result = sciglm("verify", str(source), "--skip-invalid")
    assert result.returncode == 0, result.stderr
    assert [json.loads(x)["correct"] for x in result.stdout.splitlines()] == [True]


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_latin1_csv_and_json_questions_are_one_error(tmp_path: Path, suffix: str) -> None:
    source = tmp_path / f"q{suffix}"
    text = "question,reference\nwhat caf\xe9,1\n" if suffix == ".csv" else \
        '[{"question": "caf\xe9", "reference": "1"}]'
    source.write_bytes(text.encode("latin-1"))
    line = the_error(sciglm("questions", "--source", str(source), "--subject", "math"))
    assert line.startswith(f"Error: {source}:{2 if suffix == '.csv' else 1}: not UTF-8 text")


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    source = tmp_path / "bom.jsonl"
    source.write_bytes(b"\xef\xbb\xbf" + json.dumps(answer()).encode() + b"\n")
    result = sciglm("verify", str(source))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["correct"] is True
    csv = tmp_path / "bom.csv"
    csv.write_bytes(b"\xef\xbb\xbfquestion,reference\nWhat is 1+1?,2\n")
    result = sciglm("questions", "--source", str(csv), "--subject", "math", "--jsonl")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["reference"] == "2"


def test_mix_reads_a_latin1_input_as_one_error(tmp_path: Path) -> None:
    source = tmp_path / "kept.jsonl"
    source.write_bytes(LATIN1.encode("latin-1"))
    line = the_error(sciglm("mix", "--input", f"math={source}", "-o", str(tmp_path / "mix")))
    assert line.startswith(f"Error: {source}:1: not UTF-8 text")


# -- 5: bad output paths --------------------------------------------------------------------------
@pytest.mark.parametrize("command", ["verify", "filter"])
def test_bad_output_paths_are_refused_before_any_work(tmp_path: Path, command: str) -> None:
    source = jsonl(tmp_path / "in.jsonl", [answer() | {"correct": True}])
    before = source.read_bytes()
    extra = ["--no-decontam"] if command == "filter" else []
    folder = the_error(sciglm(command, str(source), "-o", str(tmp_path), *extra))
    assert str(tmp_path) in folder and ("is a folder" in folder or "is a directory" in folder)
    under = the_error(sciglm(command, str(source), "-o", f"{source}/out.jsonl", *extra))
    assert under == (f"Error: {source}/out.jsonl: cannot be created: {source} is a file, "
                     "not a folder")
    same = the_error(sciglm(command, str(source), "-o", str(source), *extra))
    assert same.startswith(f"Error: {source}: is also an input")
    assert source.read_bytes() == before  # verify same.jsonl -o same.jsonl replaced it


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_an_unwritable_folder_is_refused(tmp_path: Path) -> None:
    source = jsonl(tmp_path / "in.jsonl", [answer()])
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    line = the_error(sciglm("verify", str(source), "-o", str(locked / "out.jsonl")))
    assert line.endswith(f"no permission to write in {locked}")


def test_annotate_refuses_a_bad_output_before_any_teacher_call(tmp_path: Path) -> None:
    questions = jsonl(tmp_path / "q.jsonl", [{"id": "q", "subject": "math",
                                              "question": "1+1?", "reference": "2"}])
    with LoopbackServer(lambda request, n: ok("\\boxed{2}")) as server:
        for output, want in [(str(tmp_path), "is a folder"),
                             (f"{questions}/out.jsonl", "is a file, not a folder"),
                             (str(questions), "is also an input")]:
            line = the_error(sciglm("annotate", str(questions), "-o", output,
                                    "--base-url", server.base_url))
            assert want in line
        assert server.requests == []


def test_train_and_mix_refuse_a_file_as_their_output_folder(tmp_path: Path) -> None:
    data = jsonl(tmp_path / "kept.jsonl", [answer()])
    taken = tmp_path / "taken"
    taken.write_text("x")
    line = the_error(sciglm("train", "--data", str(data), "--output", str(taken)))
    assert line == f"Error: {taken}: is a file; name a folder to write into"
    line = the_error(sciglm("mix", "--input", f"math={data}", "-o", str(taken)))
    assert str(taken) in line and "is a file" in line


# -- 3: empty results ---------------------------------------------------------------------------
def test_verify_on_an_empty_file_is_an_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    assert the_error(sciglm("verify", str(empty))) == f"Error: {empty}: no records to verify"


def test_filter_keeping_nothing_says_so_and_keeps_the_reasons(tmp_path: Path) -> None:
    wrong = jsonl(tmp_path / "annotated.jsonl",
                  [answer() | {"correct": False, "stage": "failed"}])
    out = tmp_path / "kept.jsonl"
    line = the_error(sciglm("filter", str(wrong), "-o", str(out), "--no-decontam"))
    assert line.startswith("Error: no record kept of 1 (1 rejected, reasons in ")
    assert out.read_text() == ""
    assert (tmp_path / "kept.rejected.jsonl").read_text().count("\n") == 1


def test_mix_of_nothing_is_an_error(tmp_path: Path) -> None:
    empty = tmp_path / "kept.jsonl"
    empty.write_text("")
    line = the_error(sciglm("mix", "--input", f"math={empty}", "-o", str(tmp_path / "mix"),
                            "--no-decontam"))
    assert line.startswith("Error: the mixture is empty: 0 input record(s)")
    assert not (tmp_path / "mix" / "train.jsonl").exists()


def test_annotate_with_every_question_failed_is_not_a_success(tmp_path: Path) -> None:
    questions = jsonl(tmp_path / "q.jsonl", [{"id": f"q{i}", "subject": "math",
                                              "question": f"{i}+1?", "reference": str(i + 1)}
                                             for i in range(3)])
    out = tmp_path / "annotated.jsonl"
    with LoopbackServer(lambda request, n: ok("The answer is \\boxed{99}.")) as server:
        result = sciglm("annotate", str(questions), "-o", str(out), "--base-url",
                        server.base_url, "--max-reflections", "0")
    line = the_error(result)
    assert line.startswith("Error: none of the 3 question(s) got a solution the verifier "
                           "accepts")
    assert "0 annotated, 3 failed" in result.stderr  # it printed "3 annotated"
    assert out.read_text().count("\n") == 3  # the failed records are kept


def test_annotate_with_some_questions_annotated_succeeds(tmp_path: Path) -> None:
    questions = jsonl(tmp_path / "q.jsonl", [{"id": f"q{i}", "subject": "math",
                                              "question": f"{i}+1?", "reference": str(i + 1)}
                                             for i in range(2)])
    out = tmp_path / "annotated.jsonl"

    def only_the_first(request: dict[str, object], n: int) -> object:
        return ok("The answer is \\boxed{1}.")  # right for q0 (0+1) only

    with LoopbackServer(only_the_first) as server:
        result = sciglm("annotate", str(questions), "-o", str(out), "--base-url",
                        server.base_url, "--max-reflections", "0")
    assert result.returncode == 0, result.stderr
    assert "1 annotated, 1 failed" in result.stderr


# -- also: stdin and questions -o -------------------------------------------------------------
def test_verify_reads_standard_input() -> None:
    stdin = (json.dumps(answer(1)) + "\n" + json.dumps(answer(2) | {"response": "3"}) + "\n")
    result = sciglm("verify", "-", stdin=stdin.encode())
    assert result.returncode == 0, result.stderr
    assert [json.loads(x)["correct"] for x in result.stdout.splitlines()] == [True, False]
    bad = the_error(sciglm("verify", "-", stdin=LATIN1.encode("latin-1")))
    assert bad.startswith("Error: <stdin>:1: not UTF-8 text")


def test_questions_writes_a_file_annotate_reads(tmp_path: Path) -> None:
    source = jsonl(tmp_path / "mine.jsonl", [{"question": "1+1?", "reference": "2"}])
    out = tmp_path / "q.jsonl"
    result = sciglm("questions", "--source", str(source), "--subject", "math", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert [json.loads(x)["question"] for x in out.read_text().splitlines()] == ["1+1?"]
    assert the_error(sciglm("questions", "--source", str(source), "--subject", "math", "-o",
                            str(tmp_path / "new" / "q.jsonl"), "--limit", "0")).endswith(
        "no questions loaded; " + str(tmp_path / "new" / "q.jsonl") + " is empty")


def test_offline_data_pull_does_not_say_to_run_itself(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("SCIGLM_HUB_DIR", "SCIGLM_DATA")}
    env |= {"HF_HUB_OFFLINE": "1", "HF_HOME": str(tmp_path)}
    done = subprocess.run([*SCIGLM, "data", "pull", "gsm8k"], capture_output=True, text=True,
                          env=env, timeout=120)
    line = the_error(done)
    assert "run 'sciglm data pull gsm8k' where" not in line
    assert "offline mode is on" in line and "'sciglm data pull gsm8k --to DIR', copy DIR" in line


def test_eval_classifier_and_render_refuse_bad_outputs_before_work(tmp_path: Path) -> None:
    taken = tmp_path / "taken"
    taken.write_text("x")
    questions = jsonl(tmp_path / "q.jsonl", [{"question": "1+1?", "reference": "2"}])
    runs = [
        ["eval", "--benchmark", f"mine={questions}:math", "--base-url", "http://127.0.0.1:9/v1",
         "--model", "x", "-o", str(taken)],
        ["classifier", "data", str(questions), "-o", f"{taken}/labels.jsonl"],
        ["classifier", "train", "--data", str(questions), "-o", str(taken)],
        ["render", "--data", str(questions), "--model", "embedded", "-o", f"{taken}/x.jsonl"],
    ]
    for args in runs:  # refused before reading the data or reaching the endpoint
        line = the_error(sciglm(*args))
        assert str(taken) in line and "is a file" in line, (args, line)
