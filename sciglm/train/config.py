"""One dataclass that records a training run completely, starting from a named recipe.

It is built from a recipe's values (:mod:`sciglm.train.recipes`), then ``--config FILE.yaml``,
then flags, and written back as ``OUTPUT/train_config.yaml`` together with the git revision and
library versions (see :func:`run_metadata`); the recipe part also goes to ``sciglm-recipe.json``.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import json
import platform
import subprocess
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from sciglm.config import option
from sciglm.errors import InputError
from sciglm.prompt_format import RECIPE_FILE
from sciglm.train.launcher import LaunchConfig
from sciglm.train.recipes import DEFAULT_RECIPE, RECIPES, get_recipe

#: The one default model of every command (train, render, eval, chat, teacher): the embedded
#: SmolLM2-135M-Instruct, so that the documented flow runs offline on a CPU. The paper's base
#: model is named: ``--model chatglm3-6b-base`` (fetched and converted once on first use).
DEFAULT_MODEL = "embedded"
#: The paper's base model (``sciglm train --print-launcher paper`` trains it).
PAPER_MODEL = "THUDM/chatglm3-6b-base"
PRECISIONS = ("auto", "auto-fp16", "bf16", "fp16", "fp32")
PACKINGS = ("none", "batch", "bins")
PROMPT_FORMATS = ("sciglm", "chat")
#: Fields that describe how the model was trained, written to ``sciglm-recipe.json``.
RECIPE_FIELDS = (
    "prompt_format", "packing", "padding_free", "pad_to_max_length", "max_source_length",
    "max_target_length", "learning_rate", "lr_scheduler", "warmup_steps", "epochs", "max_steps",
    "per_device_batch_size", "global_batch_size", "gradient_accumulation_steps", "weight_decay",
    "max_grad_norm", "precision", "gradient_checkpointing", "seed",
)
LIBRARIES = ("sciglm", "torch", "transformers", "accelerate", "deepspeed", "datasets", "tokenizers")


@dataclass
class TrainConfig:
    """Every knob of ``sciglm train``. Build it with :meth:`for_recipe`; the field defaults
    here are the ``chat`` recipe's (the paper's optimisation values, arXiv 2401.07950)."""

    data: str = option("", "Mixture folder (train.jsonl or saved datasets), a JSONL file, or a "
                       "catalogue name such as sciinstruct.")
    output: str = option("", "Run folder (checkpoints, final/); with --dry-run, where the "
                         "rendered examples go (F.jsonl or OUTPUT/rendered.jsonl).", short="-o",
                         path=True)
    model: str = option(DEFAULT_MODEL, "HF folder, Hub id or catalogue name; 'embedded' is the "
                        "bundled SmolLM2-135M (offline, CPU), the paper's base model is "
                        "chatglm3-6b-base (original ChatGLM checkpoints are converted once).")
    recipe: str = option(DEFAULT_RECIPE, "Defaults for everything marked [recipe] "
                         "[default: chat].", choices=tuple(sorted(RECIPES)), deferred=True)
    prompt_format: str = "chat"  # sciglm | chat (sciglm.prompt_format), set by the recipe
    deepspeed: str | None = option(None, "DeepSpeed config: zero2, zero3 or zero3-offload (shipped "
                                   "with sciglm: ZeRO-2, ZeRO-3, ZeRO-3 with the optimizer state "
                                   "in CPU memory), or a JSON file.", metavar="NAME|FILE")
    learning_rate: float = option(3e-6, "Peak learning rate.", aliases=("--lr",), deferred=True)
    lr_scheduler: str = option("linear", "Learning-rate schedule.", deferred=True)
    warmup_steps: int = option(0, "Warm-up steps.", deferred=True)
    epochs: float = option(2.0, "Passes over the data.", deferred=True)
    max_steps: int = option(-1, "Stop after N optimizer steps (-1: run the epochs).",
                            deferred=True)
    max_source_length: int = option(128, "Prompt tokens kept.", deferred=True)
    max_target_length: int = option(512, "Response tokens kept.", deferred=True)
    per_device_batch_size: int = option(4, "Examples (packed rows with --packing bins) per "
                                        "process and micro-batch.", deferred=True)
    #: Examples per optimizer step over all processes; accumulation is derived from it.
    global_batch_size: int | None = option(32, "Examples (rows) per optimizer step over all "
                                           "processes; the accumulation is derived from it and "
                                           "the world size.", deferred=True)
    #: Fixed accumulation (then the global batch follows the world size); None: derived.
    gradient_accumulation_steps: int | None = option(
        None, "Fix the accumulation instead; the global batch then follows the world size.")
    weight_decay: float = option(0.0, "Weight decay.", deferred=True)
    max_grad_norm: float = option(1.0, "Gradient clipping norm (0: none, as the original "
                                  "sciglm run).", deferred=True)
    precision: str = option("auto", "auto: bf16 if the GPU has it, else fp16, fp32 on CPU; "
                            "auto-fp16: fp16 on GPU (the paper), fp32 on CPU.",
                            choices=PRECISIONS, deferred=True)
    #: none: one example per row; batch: each micro-batch in one row; bins: rows of many examples
    packing: str = option("batch", "batch: each micro-batch's examples in one row, no padding, "
                          "same steps as unpacked; bins: many examples per row, fewer optimizer "
                          "steps; none: one example per row.", choices=PACKINGS, deferred=True)
    padding_free: bool = option(False, "With --packing bins: flatten each micro-batch of rows "
                                "into one row.", deferred=True)
    pad_to_max_length: bool = False  # none only: pad every row to source + target + 1
    gradient_checkpointing: bool = option(False, "Recompute activations to save memory.",
                                          negatable=True, deferred=True)
    seed: int = option(42, "Random seed.", deferred=True)
    logging_steps: int = option(1, "Log every N optimizer steps.", deferred=True)
    save_steps: int = option(500, "Checkpoint every N optimizer steps.")
    save_total_limit: int | None = option(2, "Checkpoints kept.")
    resume: bool = option(True, "Continue from the last checkpoint in --output.",
                          negatable=True)
    num_proc: int | None = option(None, "Tokenization processes (default: auto).")
    attn_implementation: str = option("sdpa", "sdpa, eager or flash_attention_2.")
    trust_remote_code: bool = option(False, "Allow model code from the checkpoint.",
                                     deferred=True)
    lora: int | None = option(None, "Train a LoRA adapter of this rank (peft) instead of all "
                              "weights; final/ holds the merged model, adapter/ the adapter "
                              "(not with ZeRO-3).", min=1)
    check_memory: bool = option(True, "Refuse to start when the model clearly does not fit.",
                                negatable=True)
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def for_recipe(cls, values: dict[str, Any]) -> TrainConfig:
        """The recipe named by ``values["recipe"]`` (default ``chat``) with ``values`` on top.

        A fixed ``gradient_accumulation_steps`` without a ``global_batch_size`` replaces the
        recipe's global batch (the batch then follows the world size).
        """
        recipe = get_recipe(values.get("recipe") or DEFAULT_RECIPE)
        config = dataclasses.replace(cls(), recipe=recipe.name, **recipe.settings).updated(values)
        if values.get("gradient_accumulation_steps") is not None and \
                values.get("global_batch_size") is None:
            config = dataclasses.replace(config, global_batch_size=None)
        return config

    @property
    def max_length(self) -> int:
        """Longest example: source + target tokens (+1: EOS after a cut ``sciglm`` response)."""
        extra = 1 if self.prompt_format == "sciglm" else 0
        return self.max_source_length + self.max_target_length + extra

    def with_world_size(self, world_size: int) -> TrainConfig:
        """A copy whose ``gradient_accumulation_steps`` holds the global batch on
        ``world_size`` processes (or whose ``global_batch_size`` follows a fixed accumulation);
        raises before any model is loaded where the global batch cannot be held."""
        from sciglm.train.recipes import gradient_accumulation

        per_step = world_size * self.per_device_batch_size
        if self.gradient_accumulation_steps is not None:
            total = per_step * self.gradient_accumulation_steps
            if self.global_batch_size is not None and self.global_batch_size != total:
                raise InputError(
                    f"--global-batch-size {self.global_batch_size} contradicts {world_size} "
                    f"process(es) x {self.per_device_batch_size} per device x "
                    f"{self.gradient_accumulation_steps} accumulation = {total}; "
                    "pass only one of --global-batch-size and --gradient-accumulation-steps")
            return dataclasses.replace(self, global_batch_size=total)
        if self.global_batch_size is None:
            raise InputError("pass --global-batch-size or --gradient-accumulation-steps")
        steps = gradient_accumulation(self.global_batch_size, world_size,
                                      self.per_device_batch_size)
        return dataclasses.replace(self, gradient_accumulation_steps=steps)

    def recipe_record(self, world_size: int | None = None) -> dict[str, Any]:
        """What ``sciglm-recipe.json`` holds: the recipe name and how it was applied."""
        record: dict[str, Any] = {"recipe": self.recipe}
        record |= {name: getattr(self, name) for name in RECIPE_FIELDS}
        record["model"] = self.model
        if world_size is not None:
            record["world_size"] = world_size
        return record

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
        if isinstance(clean.get("packing"), bool):  # configs written before recipes
            clean["packing"] = "bins" if clean["packing"] else "none"
        return dataclasses.replace(self, **clean)

    def validate(self, need_output: bool = True) -> None:
        """Reject values that cannot work, naming the option."""
        if not self.data:
            raise InputError("no training data: pass --data MIX (a mixture folder or JSONL file)")
        if need_output and not self.output:
            raise InputError("no output folder: pass --output DIR")
        get_recipe(self.recipe)
        for name, allowed in (("precision", PRECISIONS), ("packing", PACKINGS),
                              ("prompt_format", PROMPT_FORMATS)):
            if getattr(self, name) not in allowed:
                raise InputError(f"{name} must be one of {', '.join(allowed)}, "
                                 f"not {getattr(self, name)!r}")
        for name in ("max_source_length", "max_target_length", "per_device_batch_size",
                     "gradient_accumulation_steps", "global_batch_size", "logging_steps",
                     "save_steps"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise InputError(f"{name} must be at least 1, not {value}")
        if self.learning_rate <= 0:
            raise InputError(f"learning_rate must be positive, not {self.learning_rate}")


@dataclass
class TrainCommandConfig(LaunchConfig, TrainConfig):
    """``sciglm train``'s one config: the run's :class:`TrainConfig`, the launcher's
    :class:`LaunchConfig` and how the command runs (these fields are not part of the run, nor of
    its record)."""

    config_file: str | None = option(None, "YAML with any of these options (a saved "
                                     "train_config.yaml works); flags win.", flag="--config",
                                     path="file")
    dry_run: bool = option(False, "Load only the tokenizer: print the step plan and the first "
                           "--show examples.")
    show: int = option(2, "With --dry-run: how many rendered examples to print.", min=0)
    as_json: bool = option(False, "Print the summary as JSON on stdout.", flag="--json")


@dataclass
class RenderConfig(TrainConfig):
    """``sciglm render``'s one config: the options of a run that decide how examples render
    (:attr:`OPTIONS`), and which examples to show where."""

    config_file: str | None = option(None, "A train_config.yaml (e.g. of a run) to render as "
                                     "that run did.", flag="--config", path="file")
    show: int = option(3, "How many examples, from the first.", min=1)
    examples_file: str | None = option(None, "Write the examples as JSONL (text, input_ids, "
                                       "tokens, labels, loss_mask).", flag="--output",
                                       short="-o", path="file")
    as_json: bool = option(False, "Print the examples as JSONL on stdout.", flag="--json")

    #: The options of the command: the run's that decide the rendering, then its own.
    OPTIONS = ("data", "model", "recipe", "max_source_length", "max_target_length",
               "trust_remote_code", "config_file", "show", "examples_file", "as_json")


def load_config_file(path: str) -> dict[str, Any]:
    """Options from a YAML file (a saved ``train_config.yaml`` works as is)."""
    from sciglm.io.text import read_text

    text = read_text(path)
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
    """The git commit of the sciglm source tree (``+dirty`` if modified) where sciglm runs from
    a checkout; ``None`` for an installed package (never the revision of a repository that
    happens to hold the environment it is installed in)."""
    where = path or Path(__file__).resolve().parents[2]
    if not (where / ".git").exists():
        return None
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


def save_recipe(config: TrainConfig, folder: str | Path, world_size: int | None = None) -> Path:
    """Write ``sciglm-recipe.json`` (read by ``sciglm eval`` to render prompts the same way)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / RECIPE_FILE
    path.write_text(json.dumps(config.recipe_record(world_size), indent=2, ensure_ascii=False)
                    + "\n", encoding="utf-8")
    return path
