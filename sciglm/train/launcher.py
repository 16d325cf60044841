"""The DeepSpeed command that runs ``sciglm train`` on every GPU of a machine, on several nodes,
or as the paper's run: what ``sciglm train --print-launcher`` prints and ``training/*.sh`` run,
so a package install launches the same way as a clone."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sciglm.config import option, to_flags
from sciglm.errors import InputError

LAUNCHERS = ("single-node", "multi-node", "paper")
#: GPUs of the paper's run (THUDM/SciGLM ``training/finetune.sh``).
PAPER_GPUS = 4


@dataclass
class LaunchConfig:
    """How ``sciglm train --print-launcher`` spreads the run over GPUs and nodes."""

    print_launcher: str | None = option(
        None, "Print the DeepSpeed command that runs this training, then exit: single-node (every "
        "GPU of this machine, --deepspeed zero2 unless given), multi-node (the nodes of "
        "--hostfile, zero3 unless given) or paper (the paper's run: --recipe sciglm, "
        "ChatGLM3-6B-Base, the recipe's own ZeRO-2 fp16 config, 4 GPUs, output runs/sciglm-paper "
        "unless given).",
        choices=LAUNCHERS)
    num_gpus: int | None = option(None, "With --print-launcher: GPUs per node (default: all "
                                  "visible ones; paper: 4).", min=1)
    hostfile: str = option("hostfile", "With --print-launcher multi-node: one line per node, "
                           "'HOST slots=GPUS'.", path="file")
    master_addr: str | None = option(None, "With --print-launcher multi-node: address of the "
                                     "first node (default: the hostfile's first host).")
    master_port: int = option(29500, "With --print-launcher multi-node: rendezvous port.",
                              min=1, max=65535)


def run_defaults(kind: str) -> dict[str, Any]:
    """The ``sciglm train`` options a launcher sets unless they are given."""
    if kind == "paper":
        from sciglm.train.config import PAPER_MODEL

        # no --deepspeed: the recipe brings its own (the original deepspeed.json, DeepSpeed's
        # fp16 engine); a generic zero2 would replace it
        return {"recipe": "sciglm", "model": PAPER_MODEL, "output": "runs/sciglm-paper"}
    return {"deepspeed": "zero3" if kind == "multi-node" else "zero2"}


def first_host(hostfile: str) -> str:
    """The first host named in a DeepSpeed hostfile (comments and blank lines skipped)."""
    try:
        lines = Path(hostfile).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the hostfile: {getattr(exc, 'strerror', None) or exc}",
                         hostfile) from exc
    for line in lines:
        words = line.split("#", 1)[0].split()
        if words:
            return words[0]
    raise InputError("the hostfile names no host (lines of 'HOST slots=GPUS')", hostfile)


def deepspeed_launcher(kind: str, launch: LaunchConfig) -> list[str]:
    """``deepspeed`` and its own options (before the module it starts)."""
    gpus = launch.num_gpus or (PAPER_GPUS if kind == "paper" else None)
    command = ["deepspeed"]
    if kind == "multi-node":
        command += ["--hostfile", launch.hostfile, "--master_addr",
                    launch.master_addr or first_host(launch.hostfile),
                    "--master_port", str(launch.master_port)]
    if gpus:
        command += ["--num_gpus", str(gpus)]
    return command


def launch_command(launch: LaunchConfig, given: dict[str, Any], from_file: dict[str, Any],
                   config_file: str | None) -> list[str]:
    """The command of ``launch.print_launcher``'s kind that trains with the options ``given`` on
    the command line (and ``--config`` ``config_file``, whose values ``from_file`` are), the
    launcher's defaults under both. Raises where that run would be refused at once."""
    from sciglm.train.config import TrainConfig

    kind = launch.print_launcher or "single-node"
    defaults = {k: v for k, v in run_defaults(kind).items() if k not in from_file}
    values = defaults | given
    TrainConfig.for_recipe(from_file | values).validate()
    flags = to_flags(TrainConfig, values) + (["--config", config_file] if config_file else [])
    return [*deepspeed_launcher(kind, launch), "--no_local_rank", "--module", "sciglm.cli.main",
            "train", *flags]

