"""``sciglm train --print-launcher``: the DeepSpeed command of a multi-GPU, multi-node or the
paper's run, and the repository's training/*.sh, which run exactly that line (checked with a
stand-in ``deepspeed`` that prints the arguments it was given)."""

from __future__ import annotations

import os
import shlex
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from sciglm.cli.main import main
from sciglm.errors import InputError
from sciglm.train.launcher import LaunchConfig, first_host, launch_command
from tests.fresh_process import sciglm_env

REPO = Path(__file__).resolve().parents[2]
MODULE = ["--no_local_rank", "--module", "sciglm.cli.main", "train"]


def printed(args: list[str], capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The words of the line ``sciglm train --print-launcher ...`` prints."""
    with pytest.raises(SystemExit) as info:
        main(["train", *args])
    out, err = capsys.readouterr()
    assert info.value.code == 0, err
    return shlex.split(out)


def test_paper_run_is_the_sciglm_recipe_on_four_gpus_with_its_own_deepspeed_config(
        capsys: pytest.CaptureFixture[str]) -> None:
    words = printed(["--print-launcher", "paper", "--data", "my mix/"], capsys)
    assert words == ["deepspeed", "--num_gpus", "4", *MODULE, "--recipe", "sciglm", "--model",
                     "THUDM/chatglm3-6b-base", "--output",
                     "runs/sciglm-paper", "--data", "my mix/"]


def test_given_options_win_over_the_launchers_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    words = printed(["--print-launcher", "paper", "--data", "mix/", "--deepspeed",
                     "zero3-offload", "--num-gpus", "8", "--lr", "1e-5", "--no-resume",
                     "-o", "runs/x"], capsys)
    assert words[:3] == ["deepspeed", "--num_gpus", "8"]
    flags = words[len(MODULE) + 3:]
    assert flags[flags.index("--deepspeed") + 1] == "zero3-offload"
    assert flags[flags.index("--output") + 1] == "runs/x"
    assert flags[flags.index("--learning-rate") + 1] == "1e-05" and "--no-resume" in flags
    assert flags.count("--deepspeed") == 1 and flags.count("--output") == 1


def test_single_node_uses_every_visible_gpu_and_zero2(capsys: pytest.CaptureFixture[str]) -> None:
    words = printed(["--print-launcher", "single-node", "--data", "mix/", "-o", "runs/x"], capsys)
    assert words == ["deepspeed", *MODULE, "--deepspeed", "zero2", "--data", "mix/", "--output",
                     "runs/x"]


def test_multi_node_reads_the_first_host(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    hostfile = tmp_path / "hostfile"
    hostfile.write_text("# one line per node\n\nnode1 slots=8\nnode2 slots=8\n")
    words = printed(["--print-launcher", "multi-node", "--hostfile", str(hostfile), "--data",
                     "mix/", "-o", "runs/x"], capsys)
    assert words == ["deepspeed", "--hostfile", str(hostfile), "--master_addr", "node1",
                     "--master_port", "29500", *MODULE, "--deepspeed", "zero3", "--data", "mix/",
                     "--output", "runs/x"]


def test_a_config_files_values_are_not_overridden_by_the_defaults(tmp_path: Path) -> None:
    config = tmp_path / "run.yaml"
    command = launch_command(LaunchConfig(print_launcher="paper"), {"data": "mix/"},
                             {"deepspeed": "zero3", "output": "runs/mine"}, str(config))
    assert "--deepspeed" not in command and "--output" not in command
    assert command[-2:] == ["--config", str(config)]


@pytest.mark.parametrize(("text", "message"), [
    (None, "cannot read the hostfile"),
    ("# nothing but a comment\n", "the hostfile names no host"),
])
def test_a_bad_hostfile_is_named(tmp_path: Path, text: str | None, message: str) -> None:
    hostfile = tmp_path / "hostfile"
    if text is not None:
        hostfile.write_text(text)
    with pytest.raises(InputError, match=f"{hostfile}: {message}"):
        first_host(str(hostfile))


def test_a_run_that_would_be_refused_prints_no_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["train", "--print-launcher", "single-node", "--data", "mix/"])
    out, err = capsys.readouterr()
    assert info.value.code != 0 and out == ""
    assert "Error: no output folder: pass --output DIR" in err


@pytest.fixture
def fake_deepspeed(tmp_path: Path) -> dict[str, str]:
    """An environment whose ``deepspeed`` prints its arguments one per line."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "deepspeed"
    script.write_text('#!/usr/bin/env bash\nprintf "%s\\n" "$@"\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    env = sciglm_env(PYTHON=sys.executable)
    return env | {"PATH": f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"}


def run_script(name: str, env: dict[str, str], *args: str) -> list[str]:
    proc = subprocess.run(["bash", str(REPO / "training" / name), *args], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout.splitlines()


def test_finetune_sciglm_sh_runs_the_printed_paper_line(fake_deepspeed: dict[str, str]) -> None:
    env = fake_deepspeed | {"DATA": "a mix/", "NUM_GPUS": "2", "OUTPUT": "runs/p"}
    words = run_script("finetune_sciglm.sh", env, "--max-steps", "2")
    assert words == ["--num_gpus", "2", *MODULE, "--recipe", "sciglm", "--model",
                     "THUDM/chatglm3-6b-base", "--output", "runs/p",
                     "--data", "a mix/", "--max-steps", "2"]


def test_launch_scripts_run_the_printed_lines(fake_deepspeed: dict[str, str],
                                              tmp_path: Path) -> None:
    single = run_script("launch_single_node.sh", fake_deepspeed | {"DS_CONFIG": "zero3"},
                        "--data", "mix/", "-o", "runs/s")
    assert single == [*MODULE, "--deepspeed", "zero3", "--data", "mix/", "--output", "runs/s"]
    hostfile = tmp_path / "hosts"
    hostfile.write_text("gpu-a slots=4\ngpu-b slots=4\n")
    multi = run_script("launch_multi_node.sh", fake_deepspeed | {"HOSTFILE": str(hostfile)},
                       "--data", "mix/", "-o", "runs/m")
    assert multi == ["--hostfile", str(hostfile), "--master_addr", "gpu-a", "--master_port",
                     "29500", *MODULE, "--deepspeed", "zero3", "--data", "mix/", "--output",
                     "runs/m"]


def test_a_refused_launch_runs_nothing(fake_deepspeed: dict[str, str]) -> None:
    proc = subprocess.run(["bash", str(REPO / "training" / "launch_single_node.sh"), "--data",
                           "mix/"], env=fake_deepspeed, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode != 0 and proc.stdout == ""
    assert "Error: no output folder" in proc.stderr


def test_json_reaches_the_launched_run(capsys: pytest.CaptureFixture[str]) -> None:
    """``--json`` is how the launched run reports (rank 0 prints the summary): it is kept."""
    words = printed(["--print-launcher", "single-node", "--data", "mix/", "-o", "runs/j",
                     "--json"], capsys)
    assert words[-1] == "--json"
