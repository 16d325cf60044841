"""The pipeline's configuration: defaults that run offline on the embedded models, every value
overridable from a YAML file; the resolved config is saved as the record of the run."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from sciglm.errors import SciglmError

STAGES = ("annotate", "verify", "filter", "mix", "eval_before", "train", "eval_after")


def sample_path(name: str) -> str:
    """Path of a bundled sample file (``questions.jsonl`` or ``heldout.jsonl``)."""
    return str(resources.files("sciglm.pipeline") / "sample" / name)


@dataclass
class TeacherConfig:
    base_url: str | None = None  # None: start the embedded teacher on loopback
    model: str | None = None
    max_tokens: int = 256
    temperature: float = 0.0
    max_reflections: int = 1
    concurrency: int = 4


@dataclass
class StudentConfig:
    model: str = "embedded"
    recipe: str = "chat"  # sciglm train --recipe: chat or sciglm (the paper's)
    deepspeed: str | None = "training/ds_zero2.json"
    max_steps: int = 8
    learning_rate: float = 1e-5
    per_device_batch_size: int = 2
    gradient_accumulation_steps: int = 1
    max_source_length: int = 128
    max_target_length: int = 256


@dataclass
class EvalConfig:
    max_tokens: int = 192
    limit: int | None = None


@dataclass
class PipelineConfig:
    output: str = "runs/pipeline"
    questions: str = field(default_factory=lambda: sample_path("questions.jsonl"))
    heldout: str = field(default_factory=lambda: sample_path("heldout.jsonl"))
    skip: list[str] = field(default_factory=list)
    teacher: TeacherConfig = field(default_factory=TeacherConfig)
    student: StudentConfig = field(default_factory=StudentConfig)
    eval: EvalConfig = field(default_factory=EvalConfig)
    seed: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def save(self, path: Path) -> None:
        path.write_text(yaml.safe_dump(self.to_dict(), sort_keys=False), encoding="utf-8")


_SECTIONS = {"teacher": TeacherConfig, "student": StudentConfig, "eval": EvalConfig}


def load_config(path: str | None, overrides: dict[str, Any] | None = None) -> PipelineConfig:
    """Defaults, updated from a YAML file, then from command-line overrides."""
    data: dict[str, Any] = {}
    if path:
        try:
            loaded = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
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
        if key in _SECTIONS:
            section_cls = _SECTIONS[key]
            if not isinstance(value, dict):
                raise SciglmError(f"{path or 'config'}: '{key}' must be a mapping")
            names = {f.name for f in fields(section_cls)}
            bad = sorted(set(value) - names)
            if bad:
                raise SciglmError(f"{path or 'config'}: unknown key(s) in {key}: {', '.join(bad)}")
            kwargs[key] = section_cls(**value)
        else:
            kwargs[key] = value
    config = PipelineConfig(**kwargs)
    bad_stages = sorted(set(config.skip) - set(STAGES))
    if bad_stages:
        raise SciglmError(f"unknown stage(s) to skip: {', '.join(bad_stages)} (stages: {STAGES})")
    return config
