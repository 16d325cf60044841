"""The DeepSpeed configs shipped in the package, taken by name wherever a config is taken:
``--deepspeed zero2 | zero3 | zero3-offload`` (a path still works), the memory planner's advice,
the dry run and ``--help``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import sciglm
from sciglm.cli.main import main
from sciglm.errors import InputError
from sciglm.train import memory
from sciglm.train.deepspeed_config import (
    BUNDLED,
    load_deepspeed_config,
    resolve_deepspeed_config,
)

STAGES = {"zero2": (2, False), "zero3": (3, False), "zero3-offload": (3, True)}


@pytest.mark.parametrize("name", sorted(STAGES))
def test_each_name_is_a_file_of_the_package_with_its_stage(name: str) -> None:
    path = Path(resolve_deepspeed_config(name))
    assert path.parent == Path(sciglm.__file__).parent / "train" / "deepspeed"
    assert memory.zero_stage_of(load_deepspeed_config(name)) == STAGES[name]


def test_a_path_still_works_and_a_bad_name_is_named(tmp_path: Path) -> None:
    own = tmp_path / "mine.json"
    own.write_text(json.dumps({"zero_optimization": {"stage": 1}}))
    assert load_deepspeed_config(str(own)) == {"zero_optimization": {"stage": 1}}
    with pytest.raises(InputError, match="zero4: no such DeepSpeed config: give one of zero2, "
                                         "zero3, zero3-offload or the path of a JSON file"):
        load_deepspeed_config("zero4")


def test_the_memory_planner_advises_bundled_names() -> None:
    plans = memory.plans(6_000_000_000, 8, 2, 0.0)
    assert [p.config for p in plans] == [None, "zero2", "zero3", "zero3-offload"]
    assert {p.config for p in plans if p.config} == set(BUNDLED)


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(args)
    out, err = capsys.readouterr()
    return info.value.code, out, err


@pytest.mark.parametrize(("name", "shown"), [("zero2", "ZeRO-2 ("),
                                             ("zero3-offload", "ZeRO-3 + CPU offload (")])
def test_dry_run_names_the_config_it_would_use(name: str, shown: str, gsm8k_mix: Path,
                                                tiny_model_dir: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["train", "--data", str(gsm8k_mix), "--model", str(tiny_model_dir),
                        "--dry-run", "--show", "0", "--deepspeed", name], capsys)
    assert code == 0, err
    text = " ".join(err.split())
    assert f"DeepSpeed {shown}{resolve_deepspeed_config(name)})" in text


def test_dry_run_refuses_an_unknown_config(gsm8k_mix: Path, tiny_model_dir: Path,
                                           tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)  # no checkout here, as for a package install
    code, _, err = run(["train", "--data", str(gsm8k_mix), "--model", str(tiny_model_dir),
                        "--dry-run", "--deepspeed", "training/ds_zero2.json"], capsys)
    assert code == 1
    assert "Error: training/ds_zero2.json: no such DeepSpeed config" in err


@pytest.mark.parametrize("command", [["train"], ["classifier", "train"]])
def test_help_names_the_bundled_configs(command: list[str],
                                       capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run([*command, "--help"], capsys)
    text = " ".join(out.split())
    assert code == 0 and "zero2, zero3" in text and "zero3-offload" in text
    assert "training/ds_" not in text
