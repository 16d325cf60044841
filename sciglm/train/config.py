"""One dataclass that records a training run completely, with the SciGLM paper's defaults.

It is read from flags and/or ``--config FILE.yaml`` and written back as ``OUTPUT/train_config.yaml``
together with the git revision and library versions (see :func:`run_metadata`).
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import platform
import subprocess
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from sciglm.errors import InputError

#: The paper's base model; it must be converted with ``sciglm convert chatglm3`` first.
DEFAULT_MODEL = "THUDM/chatglm3-6b-base"
LIBRARIES = ("sciglm", "torch", "transformers", "accelerate", "deepspeed", "datasets", "tokenizers")


@dataclass
class TrainConfig:
    """Every knob of ``sciglm train``; defaults follow SciGLM (arXiv 2401.07950)."""

    data: str = ""
    output: str = ""
    model: str = DEFAULT_MODEL
    deepspeed: str | None = None
    learning_rate: float = 3e-6
    lr_scheduler: str = "linear"
    warmup_steps: int = 0
    epochs: float = 2.0
    max_steps: int = -1
    max_source_length: int = 128
    max_target_length: int = 512
    per_device_batch_size: int = 4
    gradient_accumulation_steps: int = 2
    weight_decay: float = 0.0
    max_grad_norm: float = 1.0
    precision: str = "auto"  # auto | bf16 | fp16 | fp32
    packing: bool = True
    padding_free: bool = False
    gradient_checkpointing: bool = False
    seed: int = 42
    logging_steps: int = 1
    save_steps: int = 500
    save_total_limit: int | None = 2
    resume: bool = True
    num_proc: int | None = None
    attn_implementation: str = "sdpa"
    trust_remote_code: bool = False
    check_memory: bool = True
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def max_length(self) -> int:
        """Longest example: source + target tokens (the original padded to this + 1)."""
        return self.max_source_length + self.max_target_length

    def to_dict(self) -> dict[str, Any]:
        """Plain data for YAML."""
        return dataclasses.asdict(self)

    def updated(self, values: dict[str, Any]) -> TrainConfig:
        """A copy with ``values`` (ignoring ``None``) applied; unknown keys are an error."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise InputError(f"unknown training option(s): {', '.join(unknown)}")
        clean = {k: v for k, v in values.items() if v is not None}
        return dataclasses.replace(self, **clean)

    def validate(self) -> None:
        """Reject values that cannot work, naming the option."""
        if not self.data:
            raise InputError("no training data: pass --data MIX (a mixture folder or JSONL file)")
        if not self.output:
            raise InputError("no output folder: pass --output DIR")
        if self.precision not in ("auto", "bf16", "fp16", "fp32"):
            raise InputError(f"precision must be auto, bf16, fp16 or fp32, not {self.precision!r}")
        for name in ("max_source_length", "max_target_length", "per_device_batch_size",
                     "gradient_accumulation_steps", "logging_steps", "save_steps"):
            if getattr(self, name) < 1:
                raise InputError(f"{name} must be at least 1, not {getattr(self, name)}")
        if self.learning_rate <= 0:
            raise InputError(f"learning_rate must be positive, not {self.learning_rate}")


def load_config_file(path: str) -> dict[str, Any]:
    """Options from a YAML file (a saved ``train_config.yaml`` works as is)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read config: {exc.strerror or exc}", path) from exc
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(f"not valid YAML: {getattr(exc, 'problem', exc)}", path,
                         mark.line + 1 if mark else None) from exc
    if not isinstance(data, dict):
        raise InputError("expected a mapping of option: value", path)
    data.pop("run", None)  # metadata written by save_config
    known = {f.name for f in fields(TrainConfig)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise InputError(f"unknown option(s) {', '.join(unknown)}", path)
    return data


def git_revision(path: Path | None = None) -> str | None:
    """The git commit of the sciglm source tree (``+dirty`` if modified), if it is a checkout."""
    where = path or Path(__file__).resolve().parents[2]
    try:
        rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=where, capture_output=True,
                             text=True, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=where,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return rev + ("+dirty" if dirty else "")


def library_versions() -> dict[str, str]:
    """Installed versions of the libraries a run depends on."""
    versions = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def run_metadata() -> dict[str, Any]:
    """Git revision, library versions and host, saved beside the config."""
    return {"git_revision": git_revision(), "versions": library_versions(),
            "host": platform.node(), "platform": platform.platform()}


def save_config(
    config: TrainConfig, folder: str | Path, extra: dict[str, Any] | None = None
) -> Path:
    """Write ``train_config.yaml`` (options + a ``run:`` metadata block) into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    data = config.to_dict()
    data["run"] = run_metadata() | (extra or {})
    path = folder / "train_config.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path
