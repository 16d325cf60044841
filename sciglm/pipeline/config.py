"""The pipeline's configuration: defaults that run offline on the embedded models, every value
overridable from a YAML file, then from the command line (:class:`PipelineOptions`); the
resolved config is saved as the record of the run."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from sciglm.config import option
from sciglm.errors import SciglmError

STAGES = ("annotate", "verify", "filter", "mix", "eval_before", "train", "eval_after")
DEFAULT_OUTPUT = "runs/pipeline"


def sample_path(name: str) -> str:
    """Path of a bundled sample file (``questions.jsonl`` or ``heldout.jsonl``)."""
    return str(resources.files("sciglm.pipeline") / "sample" / name)


#: The pipeline's own choices for ``sciglm annotate`` (any of its options may be set in
#: ``teacher:``; the rest keep the command's defaults, declared once in AnnotateConfig).
TEACHER_DEFAULTS: dict[str, Any] = {"base_url": None, "model": None, "max_tokens": 256,
                                    "temperature": 0.0, "max_reflections": 1, "concurrency": 4}
#: The pipeline's own choices for ``sciglm train`` (any TrainConfig option in ``student:``).
STUDENT_DEFAULTS: dict[str, Any] = {
    "model": "embedded", "recipe": "chat", "deepspeed": "zero2",
    "max_steps": 8, "learning_rate": 1e-5, "per_device_batch_size": 2,
    "gradient_accumulation_steps": 1, "max_source_length": 128, "max_target_length": 256,
}
#: Options the pipeline sets itself (paths of the run, the seed).
TEACHER_RESERVED = frozenset({"output", "resume", "retry_errors", "as_json"})
STUDENT_RESERVED = frozenset({"data", "output", "seed"})


#: The pipeline's own choices for ``sciglm eval`` (any of its options in ``eval:``).
EVAL_DEFAULTS: dict[str, Any] = {"max_tokens": 192, "limit": None}
EVAL_RESERVED = frozenset({"model", "base_url", "benchmark", "output", "overwrite", "as_json"})


@dataclass
class PipelineConfig:
    output: str = DEFAULT_OUTPUT
    questions: str = field(default_factory=lambda: sample_path("questions.jsonl"))
    heldout: str = field(default_factory=lambda: sample_path("heldout.jsonl"))
    skip: list[str] = field(default_factory=list)
    teacher: dict[str, Any] = field(default_factory=lambda: dict(TEACHER_DEFAULTS))
    student: dict[str, Any] = field(default_factory=lambda: dict(STUDENT_DEFAULTS))
    eval: dict[str, Any] = field(default_factory=lambda: dict(EVAL_DEFAULTS))
    seed: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def save(self, path: Path) -> None:
        path.write_text(yaml.safe_dump(self.to_dict(), sort_keys=False), encoding="utf-8")


@dataclass
class PipelineOptions:
    """``sciglm pipeline``'s one config: a YAML file of :class:`PipelineConfig` values, the
    command line's overrides of the most used ones, and whether to start over."""

    config: str | None = option(None, "YAML with any of the settings (see docs/pipeline.md).",
                                path="file", exists=True)
    output: str | None = option(None, f"Run folder (default: {DEFAULT_OUTPUT}).", short="-o")
    base_url: str | None = option(None, "Teacher endpoint (default: the embedded teacher on "
                                  "loopback).")
    teacher_model: str | None = option(None, "Teacher model name at --base-url.")
    student: str | None = option(None, "Model to fine-tune (default: the embedded SmolLM2).")
    max_steps: int | None = option(None, "Fine-tuning steps.")
    skip: tuple[str, ...] = option((), "Leave a stage out.", choices=STAGES, multiple=True)
    restart: bool = option(False, "Forget finished stages and run all again.")

    def overrides(self) -> dict[str, Any]:
        """The values given, keyed as :func:`load_config` takes them (``teacher.model`` …)."""
        given = {"output": self.output, "teacher.base_url": self.base_url,
                 "teacher.model": self.teacher_model, "student.model": self.student,
                 "student.max_steps": self.max_steps, "skip": list(self.skip) or None}
        return {key: value for key, value in given.items() if value is not None}


def _command_section(key: str, value: Any, where: str) -> dict[str, Any]:
    """``teacher:`` / ``student:`` / ``eval:``: the pipeline's defaults with the file's values
    on top, every key an option of the command it configures (annotate, train, eval)."""
    from sciglm.annotate.config import AnnotateConfig
    from sciglm.config import check_keys
    from sciglm.eval.config import EvalConfig
    from sciglm.train.config import TrainConfig

    cls, defaults, reserved = {
        "teacher": (AnnotateConfig, TEACHER_DEFAULTS, TEACHER_RESERVED),
        "student": (TrainConfig, STUDENT_DEFAULTS, STUDENT_RESERVED),
        "eval": (EvalConfig, EVAL_DEFAULTS, EVAL_RESERVED),
    }[key]
    if not isinstance(value, dict):
        raise SciglmError(f"{where}: '{key}' must be a mapping")
    check_keys(cls, value, f"{where}: {key}", reserved)
    return {**defaults, **value}


def load_config(path: str | None, overrides: dict[str, Any] | None = None) -> PipelineConfig:
    """Defaults, updated from a YAML file, then from command-line overrides."""
    data: dict[str, Any] = {}
    if path:
        from sciglm.io.text import read_text

        text = read_text(path)  # bad bytes or an unreadable file: one error naming file:line
        try:
            loaded = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            raise SciglmError(f"{path}: cannot read pipeline config: {exc}") from exc
        if not isinstance(loaded, dict):
            raise SciglmError(f"{path}: pipeline config must be a mapping")
        data = loaded
    for key, value in (overrides or {}).items():
        section, _, name = key.partition(".")
        if name:
            data.setdefault(section, {})[name] = value
        else:
            data[key] = value
    known = {f.name for f in fields(PipelineConfig)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise SciglmError(f"{path or 'config'}: unknown key(s) {', '.join(unknown)}")
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key in ("teacher", "student", "eval"):
            kwargs[key] = _command_section(key, value, path or "config")
        else:
            kwargs[key] = value
    config = PipelineConfig(**kwargs)
    bad_stages = sorted(set(config.skip) - set(STAGES))
    if bad_stages:
        raise SciglmError(f"unknown stage(s) to skip: {', '.join(bad_stages)} (stages: {STAGES})")
    _check_inputs(config)
    return config


def _check_inputs(config: PipelineConfig) -> None:
    """Refuse, before any stage runs, questions that are not a file and a DeepSpeed config that
    is neither a bundled one's name nor a file (paths are from the current folder)."""
    from sciglm.train.deepspeed_config import resolve_deepspeed_config

    if "annotate" not in config.skip and not Path(config.questions).is_file():
        raise SciglmError(f"{config.questions}: questions file not found")
    if "train" not in config.skip and config.student.get("deepspeed"):
        resolve_deepspeed_config(config.student["deepspeed"])
