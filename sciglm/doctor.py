"""``sciglm doctor``: what this installation can do, each missing piece with its fix.

Every check is fast (no model, torch or network is loaded) and never fails the command: a
missing optional piece is a :class:`Check` with its fix, and a check that breaks is reported
as ``failed`` by name. Plugins add their own checks (the Lean toolchain, bubblewrap) through
the ``register_checks`` hook.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import asdict, dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from sciglm.catalog.config import data_dir_option
from sciglm.config import option

#: RAM the embedded teacher (SmolLM2-135M served on loopback) is allowed, in GB.
TEACHER_MEMORY_GB = 2.0
#: The top-level modules of the ``train`` extra that commands with a model import.
TRAIN_MODULES = ("torch", "transformers", "accelerate", "deepspeed")


class CheckStatus(str, Enum):
    """How a piece of the installation stands."""

    OK = "ok"
    MISSING = "missing"  # an optional piece is not there: the fix says how to add it
    WARNING = "warning"  # there, but partly or with a limit
    FAILED = "failed"  # the check itself broke (reported, never raised)


@dataclass(frozen=True)
class Check:
    """One line of ``sciglm doctor``: what was checked, how it stands, and the fix."""

    name: str
    status: CheckStatus
    detail: str
    fix: str = ""

    def to_dict(self) -> dict[str, str]:
        return asdict(self) | {"status": self.status.value}


@dataclass
class DoctorConfig:
    """``sciglm doctor``: where to look for data, and how to print."""

    data_dir: str | None = data_dir_option("the sets")
    as_json: bool = option(False, "Print the checks as JSON on stdout.", flag="--json")


def check_embedded_model() -> Check:
    """The embedded default model: its package and, once used, its converted folder."""
    from sciglm.errors import SciglmError
    from sciglm.models.embedded import EMBEDDED_NAME, INSTALL_HINT, cache_dir, gguf_path

    converted = cache_dir() / "models" / EMBEDDED_NAME
    ready = (converted / "config.json").is_file()
    try:
        source = gguf_path()
    except SciglmError as exc:
        if ready:
            return Check("embedded model", CheckStatus.WARNING,
                         f"converted copy in {converted}, but {exc}", INSTALL_HINT)
        return Check("embedded model", CheckStatus.MISSING, str(exc), INSTALL_HINT)
    where = f"converted in {converted}" if ready else "converted on first use"
    return Check("embedded model", CheckStatus.OK, f"SmolLM2-135M-Instruct ({source}); {where}")


def check_train_extra() -> Check:
    """The ``train`` extra: what every command with a local model imports."""
    missing = [name for name in TRAIN_MODULES if importlib.util.find_spec(name) is None]
    if missing:
        return Check("train extra", CheckStatus.MISSING, f"not installed: {', '.join(missing)}",
                     "pip install 'sciglm[train]' -c constraints.txt")
    return Check("train extra", CheckStatus.OK, ", ".join(TRAIN_MODULES) + " installed")


def check_data(data_dir: str | Path | None = None) -> Check:
    """Where the public sets are read (the one rule) and which are there."""
    from sciglm.catalog.data import CATALOG, data_roots
    from sciglm.data.hub import state

    parts, found = [], 0
    for kind, root in data_roots(data_dir):
        here = [_present(s, root) for s in CATALOG.values() if state(s, root) != "absent"]
        found += len(here)
        parts.append(f"{kind} {root}: {', '.join(here) or 'none'}")
    fix = ("sciglm data pull NAME... (or --all) where there is network, or point --data-dir / "
           "$SCIGLM_DATA at a mirror")
    status = CheckStatus.OK if found else CheckStatus.MISSING
    return Check("data", status, "; ".join(parts), "" if found else fix)


def _present(source: Any, root: Path) -> str:
    """``gsm8k``, or ``gsm8k (test)`` when only some splits are in ``root``."""
    splits = [split for split, rel in source.splits.items() if (root / rel).is_file()]
    whole = len(splits) == len(source.splits)
    return source.name if whole else f"{source.name} ({', '.join(splits)})"


def check_decontamination(data_dir: str | Path | None = None) -> Check:
    """The evaluation sets ``filter``, ``mix`` and ``annotate`` check training text against."""
    from sciglm.data.decontam import DEFAULT_EVAL_SETS, default_eval_sets

    found = {s.name for s in default_eval_sets(data_dir)}
    missing = [name for name in DEFAULT_EVAL_SETS if name not in found]
    detail = f"found: {', '.join(sorted(found)) or 'none'}"
    if not missing:
        return Check("decontamination sets", CheckStatus.OK, detail)
    status = CheckStatus.WARNING if found else CheckStatus.MISSING
    return Check("decontamination sets", status, f"{detail}; not found: {', '.join(missing)}",
                 "sciglm data pull (the sets named), or --data-dir / $SCIGLM_DATA")


def check_gpu() -> Check:
    """An NVIDIA GPU, asked of ``nvidia-smi`` (torch is not imported: doctor stays fast)."""
    smi = shutil.which("nvidia-smi")
    if smi is None:
        return Check("GPU", CheckStatus.MISSING, "no NVIDIA GPU (nvidia-smi not found): "
                     "training and local models run on the CPU",
                     "none for the embedded defaults; a CUDA machine for the paper's run "
                     "(docs/train.md)")
    result = subprocess.run([smi, "-L"], capture_output=True, text=True, timeout=10)
    gpus = [line for line in result.stdout.splitlines() if line.startswith("GPU ")]
    if result.returncode != 0 or not gpus:
        return Check("GPU", CheckStatus.WARNING, f"nvidia-smi found no GPU (exit "
                     f"{result.returncode})", "check the NVIDIA driver")
    return Check("GPU", CheckStatus.OK, "; ".join(gpus))


def available_memory_gb(meminfo: Path = Path("/proc/meminfo")) -> float | None:
    """``MemAvailable`` in GB, or ``None`` where the system does not say."""
    try:
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024**2
    except (OSError, ValueError, IndexError):
        return None
    return None


def check_teacher_memory() -> Check:
    """Whether the embedded teacher fits in the memory available now."""
    free = available_memory_gb()
    if free is None:
        return Check("teacher memory", CheckStatus.WARNING, "available memory unknown here")
    detail = (f"{free:.1f} GB available; the embedded teacher needs about "
              f"{TEACHER_MEMORY_GB:.0f} GB")
    if free < TEACHER_MEMORY_GB:
        return Check("teacher memory", CheckStatus.WARNING, detail,
                     "free memory, or annotate with a remote teacher (--base-url/--model)")
    return Check("teacher memory", CheckStatus.OK, detail)


def check_plugins() -> Check:
    """Installed subject plugins, and those that failed to load."""
    from sciglm import plugins, registry

    subjects = sorted(registry.subjects())
    if plugins.failures:
        failed = "; ".join(f"{f.name}: {f.error}" for f in plugins.failures)
        return Check("plugins", CheckStatus.WARNING, f"subjects {', '.join(subjects)}; failed: "
                     f"{failed}", "reinstall the failing plugin (sciglm plugins)")
    return Check("plugins", CheckStatus.OK, f"subjects: {', '.join(subjects)}")


def _guarded(name: str, check: Callable[[], Check]) -> Check:
    try:
        return check()
    except Exception as exc:  # noqa: BLE001 - doctor reports a broken check, never dies of it
        return Check(name, CheckStatus.FAILED, f"{type(exc).__name__}: {exc}")


def plugin_checks() -> list[tuple[str, Callable[[], Check]]]:
    """``(name, check)`` pairs the plugins registered through ``register_checks``."""
    from sciglm import plugins

    plugins.load_plugins()
    found: list[tuple[str, Callable[[], Check]]] = []

    def register(name: str, check: Callable[[], Check]) -> None:
        found.append((name, check))

    plugins.pm.hook.register_checks(register=register)
    return found


def run_checks(data_dir: str | Path | None = None) -> list[Check]:
    """Every check of ``sciglm doctor``, the built-in ones then the plugins'."""
    built_in: list[tuple[str, Callable[[], Check]]] = [
        ("embedded model", check_embedded_model), ("train extra", check_train_extra),
        ("data", lambda: check_data(data_dir)),
        ("decontamination sets", lambda: check_decontamination(data_dir)),
        ("GPU", check_gpu), ("teacher memory", check_teacher_memory), ("plugins", check_plugins),
    ]
    checks = [_guarded(name, check) for name, check in built_in]
    try:
        registered = plugin_checks()
    except Exception as exc:  # noqa: BLE001 - a broken plugin hook is reported, never raised
        return checks + [Check("plugin checks", CheckStatus.FAILED, f"{type(exc).__name__}: "
                               f"{exc}")]
    return checks + [_guarded(name, check) for name, check in registered]


def as_rows(checks: list[Check]) -> list[list[Any]]:
    """The rows ``sciglm doctor`` prints: check, status, detail, fix."""
    return [[c.name, c.status.value, c.detail, c.fix] for c in checks]
