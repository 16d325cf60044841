"""Pipeline config: defaults, YAML, overrides and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sciglm.errors import SciglmError
from sciglm.io.jsonl import read_jsonl
from sciglm.pipeline.config import PipelineOptions, load_config
from sciglm.train.deepspeed_config import resolve_deepspeed_config


def test_defaults_point_at_the_bundled_sample() -> None:
    config = load_config(None)
    questions = read_jsonl(config.questions)
    heldout = read_jsonl(config.heldout)
    assert len(questions) == 20 and len(heldout) == 10
    assert not {q["question"] for q in questions} & {q["question"] for q in heldout}
    assert {q["subject"] for q in questions} == {"math", "physics", "chemistry"}
    assert config.teacher["base_url"] is None and config.student["model"] == "embedded"


def test_yaml_then_overrides(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump({"output": "x", "student": {"max_steps": 3}}), "utf-8")
    config = load_config(str(path), {"student.max_steps": 5, "teacher.model": "m"})
    assert config.output == "x"
    assert config.student["max_steps"] == 5 and config.student["model"] == "embedded"
    assert config.teacher["model"] == "m"


def test_command_line_options_override_the_file(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump({"output": "x", "skip": ["train"],
                                    "teacher": {"model": "t"}}), "utf-8")
    given = PipelineOptions(config=str(path), base_url="http://h/v1", max_steps=7,
                            skip=("eval_before", "eval_after"))
    config = load_config(given.config, given.overrides())
    assert config.output == "x" and config.skip == ["eval_before", "eval_after"]
    assert config.teacher["base_url"] == "http://h/v1" and config.teacher["model"] == "t"
    assert config.student["max_steps"] == 7 and config.student["model"] == "embedded"
    assert load_config(None, PipelineOptions().overrides()) == load_config(None)


def test_any_option_of_the_commands_can_be_set_and_becomes_its_flag(tmp_path: Path) -> None:
    """teacher:/student: take every option of sciglm annotate/train, declared once in their
    config dataclasses, and the runner passes them on as those commands' flags."""
    from sciglm.annotate.config import AnnotateConfig
    from sciglm.config import to_flags
    from sciglm.train.config import TrainConfig

    config = load_config(None, {"teacher.idle_timeout": 5.0, "teacher.stream": False,
                                "student.gradient_checkpointing": True,
                                "student.packing": "bins"})
    teacher = to_flags(AnnotateConfig, config.teacher)
    assert ["--idle-timeout", "5.0"] == teacher[teacher.index("--idle-timeout"):][:2]
    assert "--no-stream" in teacher and "--base-url" not in teacher  # None: not passed
    student = to_flags(TrainConfig, config.student)
    assert "--gradient-checkpointing" in student
    assert student[student.index("--packing") + 1] == "bins"
    assert student[student.index("--learning-rate") + 1] == "1e-05"


def test_saved_config_round_trips(tmp_path: Path) -> None:
    config = load_config(None, {"output": str(tmp_path / "run"), "skip": ["eval_before"]})
    config.save(tmp_path / "saved.yaml")
    again = load_config(str(tmp_path / "saved.yaml"))
    assert again == config


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"teacherr": {}}, "unknown key\\(s\\) teacherr"),
        ({"student": {"steps": 1}}, "unknown key\\(s\\) in .*student: steps"),
        ({"student": {"output": "x"}}, "unknown key\\(s\\) in .*student: output"),
        ({"teacher": {"concurrancy": 2}}, "unknown key\\(s\\) in .*teacher: concurrancy"),
        ({"student": 3}, "'student' must be a mapping"),
        ({"skip": ["annotat"]}, "unknown stage\\(s\\) to skip: annotat"),
    ],
)
def test_bad_config_is_a_clear_error(tmp_path: Path, data: dict, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data), "utf-8")
    with pytest.raises(SciglmError, match=message):
        load_config(str(path))


def test_defaults_need_no_source_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """From a folder that is no checkout, the default student's DeepSpeed config and the sample
    questions are files of the package (a pip install has no training/ folder)."""
    monkeypatch.chdir(tmp_path)
    config = load_config(None)
    assert config.student["deepspeed"] == "zero2"
    assert Path(resolve_deepspeed_config("zero2")).is_file()
    assert Path(config.questions).is_file()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"questions": "nope.jsonl"}, "nope.jsonl: questions file not found"),
        ({"student": {"deepspeed": "training/ds_zero2.json"}},
         "training/ds_zero2.json: no such DeepSpeed config: give one of zero2, zero3, "
         "zero3-offload"),
    ],
)
def test_missing_inputs_fail_before_any_stage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              data: dict, message: str) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "run.yaml"
    path.write_text(yaml.safe_dump(data), "utf-8")
    with pytest.raises(SciglmError, match=message):
        load_config(str(path))
