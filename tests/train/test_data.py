"""Reading the mixture, chat-template rendering with response-only labels, and the CLI's errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sciglm.cli.main import main
from sciglm.errors import InputError
from sciglm.train.data import IGNORE_INDEX, encode_example, locate_data, read_records
from sciglm.train.deepspeed_config import bundled_config_path
from tests.train.conftest import make_tokenizer


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    return exit_info.value.code, capsys.readouterr().err


def test_record_without_summary_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "train.jsonl"
    path.write_text('{"content": "q1", "summary": "a1"}\n\n{"content": "q2"}\n')
    with pytest.raises(InputError, match=r"train\.jsonl:3: record has no 'summary'"):
        read_records(str(tmp_path))


def test_saved_datasets_folder_is_read(tmp_path: Path) -> None:
    import datasets

    rows = [{"content": "q", "summary": "a", "subject": "math"}] * 3
    datasets.DatasetDict({"train": datasets.Dataset.from_list(rows)}).save_to_disk(tmp_path / "hf")
    assert locate_data(str(tmp_path))[0] == "dataset"
    assert read_records(str(tmp_path)) == [{"content": "q", "summary": "a"}] * 3
    datasets.Dataset.from_list([{"content": "q"}]).save_to_disk(tmp_path / "bad")
    with pytest.raises(InputError, match=r"lacks column\(s\) \['summary'\]"):
        read_records(str(tmp_path / "bad"))


def test_prompt_is_masked_and_lengths_are_capped() -> None:
    tokenizer = make_tokenizer(["what is two plus two", "it is four"] * 20)
    example = encode_example(tokenizer, "what is two plus two", "it is four", 128, 512)
    prompt = tokenizer.apply_chat_template([{"role": "user", "content": "what is two plus two"}],
                                           tokenize=False, add_generation_prompt=True)
    n_prompt = len(tokenizer(prompt, add_special_tokens=False)["input_ids"])
    assert example["labels"][:n_prompt] == [IGNORE_INDEX] * n_prompt
    assert example["labels"][n_prompt:] == example["input_ids"][n_prompt:]
    assert example["input_ids"][-1] == tokenizer.eos_token_id
    assert tokenizer.decode(example["input_ids"][n_prompt:-1]) == "it is four"
    short = encode_example(tokenizer, "what is two plus two " * 50, "it is four " * 50, 8, 5)
    assert len(short["input_ids"]) == 13 and short["labels"][:8] == [IGNORE_INDEX] * 8
    # The question is cut, not the template: its start and the assistant marker survive.
    assert short["input_ids"][:8][-2:] == example["input_ids"][n_prompt - 2:n_prompt]
    assert short["input_ids"][:3] == example["input_ids"][:3]


def test_cli_bad_record_is_one_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "mix").mkdir()
    (tmp_path / "mix" / "train.jsonl").write_text(json.dumps({"question": "q"}) + "\n")
    code, err = run_cli(["train", "--data", str(tmp_path / "mix"), "--output",
                         str(tmp_path / "run"), "--model", "embedded"], capsys)
    assert code == 1
    assert f"Error: {tmp_path / 'mix' / 'train.jsonl'}:1: record has no 'content'" in err
    assert not (tmp_path / "run").exists()


def test_cli_paper_model_unavailable_offline_suggests_alternatives(
    tmp_path: Path, gsm8k_mix: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_OFFLINE", True)
    args = ["train", "--data", str(gsm8k_mix), "--output", str(tmp_path / "run"),
            "--model", "THUDM/chatglm3-6b-base"]
    code, err = run_cli(args, capsys)
    assert code == 1
    line = [x for x in err.splitlines() if x.startswith("Error:")][0]
    assert "THUDM/chatglm3-6b-base" in line and "--model embedded" in line
    assert "hf download THUDM/chatglm3-6b-base --revision" in line  # converted on first use


def test_cli_deepspeed_config_contradicting_flags(
    tmp_path: Path, gsm8k_mix: Path, tiny_model_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ds = json.loads(bundled_config_path("zero2").read_text())
    ds["train_micro_batch_size_per_gpu"] = 8
    (tmp_path / "ds.json").write_text(json.dumps(ds))
    code, err = run_cli(["train", "--data", str(gsm8k_mix), "--model", str(tiny_model_dir),
                         "--output", str(tmp_path / "run"),
                         "--deepspeed", str(tmp_path / "ds.json"),
                         "--per-device-batch-size", "4"], capsys)
    assert code == 1
    assert "ds.json: sets train_micro_batch_size_per_gpu=8 but the trainer uses 4" in err


def test_cli_model_that_does_not_fit(
    tmp_path: Path, gsm8k_mix: Path, tiny_model_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = run_cli(["train", "--data", str(gsm8k_mix), "--model", str(tiny_model_dir),
                         "--output", str(tmp_path / "run"), "--per-device-batch-size", "100000",
                         "--gradient-accumulation-steps", "1"],
                        capsys)
    assert code == 1
    assert "does not fit" in err and "GiB per device" in err and "--gradient-checkpointing" in err


def test_config_file_and_flags(tmp_path: Path) -> None:
    from sciglm.train.config import TrainConfig, load_config_file, save_config

    config = TrainConfig.for_recipe({"recipe": "sciglm", "data": "mix", "output": "run",
                                     "learning_rate": 1e-5})
    saved = save_config(config, tmp_path)
    text = saved.read_text()
    assert "git_revision" in text and "transformers" in text
    assert TrainConfig.for_recipe(load_config_file(str(saved))) == config
    (tmp_path / "bad.yaml").write_text("learning_rat: 1\n")
    with pytest.raises(InputError, match="unknown option"):
        load_config_file(str(tmp_path / "bad.yaml"))
