"""The DeepSpeed configs sciglm ships (by name), reading a config and refusing one that
contradicts the trainer's settings."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from sciglm.errors import InputError
from sciglm.io.text import read_text
from sciglm.train.config import TrainConfig

#: The configs shipped inside the package (``sciglm/train/deepspeed/``), by the name
#: ``--deepspeed`` takes: ZeRO-2, ZeRO-3, ZeRO-3 with the optimizer state in CPU memory.
BUNDLED = {"zero2": "ds_zero2.json", "zero3": "ds_zero3.json",
           "zero3-offload": "ds_zero3_offload.json"}


def bundled_config_path(name: str) -> Path:
    """The file of the bundled config ``name`` (a key of :data:`BUNDLED`)."""
    return Path(str(resources.files("sciglm.train") / "deepspeed" / BUNDLED[name]))


def resolve_deepspeed_config(value: str) -> str:
    """The file a ``--deepspeed`` value names: a bundled config's name (which wins over a file
    of that name), else a path to a JSON file."""
    if value in BUNDLED:
        return str(bundled_config_path(value))
    if Path(value).is_file():
        return value
    raise InputError(f"no such DeepSpeed config: give one of {', '.join(BUNDLED)} or the "
                     "path of a JSON file", value)


def load_deepspeed_config(value: str) -> dict[str, Any]:
    """The config ``value`` names (see :func:`resolve_deepspeed_config`) as a dict; unreadable
    or invalid JSON is an error naming ``file:line``."""
    path = resolve_deepspeed_config(value)
    text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON ({exc.msg})", path, exc.lineno) from exc
    if not isinstance(data, dict):
        raise InputError("a DeepSpeed config is a JSON object", path)
    return data


def checked_deepspeed_config(config: TrainConfig, precision: str,
                             world: int) -> dict[str, Any] | None:
    """The run's DeepSpeed config (``None`` without ``--deepspeed``), refused where it
    contradicts ``config`` (after :meth:`TrainConfig.with_world_size`) on ``world`` processes."""
    if not config.deepspeed:
        return None
    ds = load_deepspeed_config(config.deepspeed)
    check_consistency(ds, config, precision, world, config.deepspeed)
    return ds


def _explicit(value: Any) -> bool:
    return value is not None and value != "auto"


def check_consistency(ds: dict[str, Any], config: TrainConfig, precision: str, world: int,
                      path: str) -> None:
    """Raise if a non-"auto" value in the DeepSpeed config differs from what the trainer uses."""
    wanted: list[tuple[str, Any, Any, str]] = [
        ("train_micro_batch_size_per_gpu", ds.get("train_micro_batch_size_per_gpu"),
         config.per_device_batch_size, "--per-device-batch-size"),
        ("gradient_accumulation_steps", ds.get("gradient_accumulation_steps"),
         config.gradient_accumulation_steps, "--gradient-accumulation-steps"),
        ("gradient_clipping", ds.get("gradient_clipping"), config.max_grad_norm, "--max-grad-norm"),
        ("train_batch_size", ds.get("train_batch_size"),
         config.per_device_batch_size * config.gradient_accumulation_steps * world,
         "--per-device-batch-size x --gradient-accumulation-steps x processes"),
    ]
    optimizer = (ds.get("optimizer") or {}).get("params", {}) or {}
    wanted += [("optimizer.params.lr", optimizer.get("lr"), config.learning_rate,
                "--learning-rate"),
               ("optimizer.params.weight_decay", optimizer.get("weight_decay"),
                config.weight_decay, "--weight-decay")]
    scheduler = (ds.get("scheduler") or {}).get("params", {}) or {}
    wanted.append(("scheduler.params.warmup_num_steps", scheduler.get("warmup_num_steps"),
                   config.warmup_steps, "--warmup-steps"))
    for key, found, expected, flag in wanted:
        if _explicit(found) and float(found) != float(expected):
            raise InputError(
                f"sets {key}={found} but the trainer uses {expected} ({flag}); "
                'set it to "auto" or pass the same value on the command line', path)
    for name in ("fp16", "bf16"):
        enabled = (ds.get(name) or {}).get("enabled")
        if enabled is True and precision != name:
            raise InputError(f"enables {name} but the run uses {precision} (--precision); "
                             'set "enabled": "auto"', path)
        if enabled is False and precision == name:
            raise InputError(f"disables {name} but the run uses {name} (--precision); "
                             'set "enabled": "auto"', path)
