"""Recipes: golden renderings of the ``sciglm`` recipe built from the original code's logic
(THUDM/SciGLM ``training/main.py`` ``preprocess_function_train``) on a ChatGLM3-layout tokenizer
and on the embedded model, the ``chat`` recipe's ChatGLM3 newline, the global batch on any world
size, the step plan, and the CLI (dry run, ``sciglm render``, unknown recipes)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from sciglm.cli.main import main
from sciglm.errors import InputError
from sciglm.train.config import TrainConfig, load_config_file
from sciglm.train.data import IGNORE_INDEX, make_encoder, tokenize_records
from sciglm.train.packing import PaddedCollator
from sciglm.train.recipes import (
    DEEPSPEED_ZERO2,
    get_recipe,
    gradient_accumulation,
    optimisation,
    optimizer_steps,
    recipe_deepspeed,
)
from sciglm.train.render import render_records, step_plan
from tests.train.conftest import gsm8k_records

SPECIALS = ["[MASK]", "[gMASK]", "[sMASK]", "sop", "eop", "<|system|>", "<|user|>",
            "<|assistant|>", "<|observation|>"]
#: Text that a tokenizer matching special tokens inside words or reading them from data would
#: get wrong: the original (SentencePiece) keeps all of it as text.
TRAPS = ("The people of Aesop's isopropyl geophysics lab saw a leopard. "
         "<|assistant|> [gMASK] sop eop")


@pytest.fixture(scope="module")
def chatglm3(shared_data: Path, tmp_path_factory: pytest.TempPathFactory):
    """(fast tokenizer folder in ChatGLM3's layout, the SentencePiece model, special ids)."""
    import sentencepiece
    from transformers import AutoTokenizer

    from sciglm.train.convert_chatglm3 import convert_tokenizer

    folder = tmp_path_factory.mktemp("chatglm3")
    texts = [r["content"] + "\n" + r["summary"] for r in gsm8k_records(shared_data, 300)]
    texts += ["[Round 1]\n\n问：一个理科题目的解答\n\n答：正确解答"] * 5
    (folder / "corpus.txt").write_text("\n".join(texts))
    sentencepiece.SentencePieceTrainer.train(
        input=str(folder / "corpus.txt"), model_prefix=str(folder / "tokenizer"), vocab_size=900,
        model_type="bpe", byte_fallback=True, character_coverage=1.0, minloglevel=2,
        normalization_rule_name="identity", remove_extra_whitespaces=False)
    sp = sentencepiece.SentencePieceProcessor(model_file=str(folder / "tokenizer.model"))
    convert_tokenizer(folder).save_pretrained(folder / "converted")
    tokenizer = AutoTokenizer.from_pretrained(folder / "converted")
    special = dict(zip(SPECIALS, range(sp.vocab_size(), sp.vocab_size() + len(SPECIALS)),
                       strict=True))
    return tokenizer, sp, special


def original_row(sp, special: dict[str, int], query: str, answer: str) -> tuple[list, list]:
    """``preprocess_function_train`` on ChatGLM3's tokenizer, written from the original code:
    ``build_prompt``, ``encode(add_special_tokens=True, truncation=True, max_length=128)``
    (``[gMASK] sop`` + the first tokens), the answer's first 512 tokens, EOS, pad to 641,
    labels -100 on the prompt and on pad ids (``ignore_pad_token_for_loss``)."""
    if "问：" in query.strip()[:2]:
        query = query.strip()[2:]
    prompt = f"[Round 1]\n\n问：{query}\n\n答："
    a_ids = ([special["[gMASK]"], special["sop"]] + sp.encode(prompt))[:128]
    b_ids = sp.encode(answer)[:512]
    eos, pad = sp.eos_id(), sp.unk_id()  # ChatGLM3: </s> = 2, pad = <unk> = 0
    input_ids = a_ids + b_ids + [eos]
    labels = [pad] * len(a_ids) + b_ids + [eos]
    pad_len = 641 - len(input_ids)
    input_ids += [pad] * pad_len
    labels = [x if x != pad else -100 for x in labels + [pad] * pad_len]
    return input_ids, labels


def golden_cases(shared_data: Path) -> list[dict[str, str]]:
    records = gsm8k_records(shared_data, 200)
    long_q = " ".join(r["content"] for r in records[:6])  # far over 128 tokens
    long_a = "\n".join(r["summary"] for r in records[:12])  # far over 512 tokens
    return [records[0], records[1],
            {"content": long_q, "summary": records[2]["summary"]},
            {"content": records[3]["content"], "summary": long_a},
            {"content": "  问：" + records[4]["content"], "summary": records[4]["summary"]},
            {"content": "一个理科题目：" + records[5]["content"], "summary": "正确解答 42"},
            {"content": TRAPS + " " + records[6]["content"], "summary": TRAPS}]


def test_sciglm_recipe_matches_the_original_on_a_chatglm3_tokenizer(chatglm3, shared_data):
    tokenizer, sp, special = chatglm3
    records = golden_cases(shared_data)
    dataset = tokenize_records(records, tokenizer, 128, 512, prompt_format="sciglm")
    batch = PaddedCollator(tokenizer.pad_token_id, length=641)(list(dataset))
    for row, record in enumerate(records):
        input_ids, labels = original_row(sp, special, record["content"], record["summary"])
        assert batch["input_ids"][row].tolist() == input_ids, row
        assert batch["labels"][row].tolist() == labels, row
        assert batch["attention_mask"][row].tolist() == [int(i < dataset[row]["length"])
                                                         for i in range(641)]
    long_prompt, long_answer = dataset[2], dataset[3]
    assert long_prompt["labels"][:128] == [IGNORE_INDEX] * 128  # the first 128 prompt tokens
    assert long_prompt["input_ids"][:2] == [special["[gMASK]"], special["sop"]]
    assert sum(x != IGNORE_INDEX for x in long_answer["labels"]) == 512 + 1  # cut, then EOS
    assert long_answer["input_ids"][-1] == sp.eos_id()
    # The rendering shown to users is the same row.
    shown = render_records(records[:1], tokenizer, TrainConfig.for_recipe({"recipe": "sciglm"}),
                           1)[0]
    assert shown["input_ids"] == original_row(sp, special, records[0]["content"],
                                              records[0]["summary"])[0]
    assert shown["padding"] == 641 - dataset[0]["length"]
    assert shown["loss_text"].endswith("</s>") and shown["text"].startswith("[gMASK]sop")
    assert "[Round 1]\n\n问：Janet" in shown["text"]


def test_sciglm_recipe_matches_the_original_on_the_embedded_model(shared_data):
    """SmolLM2's tokenizer adds no special tokens and its pad is its EOS: the original masks
    every pad id in the labels, which would hide EOS; sciglm keeps EOS's loss (documented)."""
    from sciglm.train.model import load_config, load_tokenizer

    tokenizer = load_tokenizer(load_config("embedded")[0])
    records = golden_cases(shared_data)
    encode = make_encoder(tokenizer, "sciglm", 128, 512)
    for record in records:
        query = record["content"]
        if "问：" in query.strip()[:2]:
            query = query.strip()[2:]
        prompt = f"[Round 1]\n\n问：{query}\n\n答："
        a_ids = tokenizer.encode(text=prompt, add_special_tokens=True, truncation=True,
                                 max_length=128)
        b_ids = tokenizer.encode(text=record["summary"], add_special_tokens=False,
                                 truncation=True, max_length=512)
        eos = tokenizer.eos_token_id
        expected = a_ids + b_ids + [eos]
        labels = [-100] * len(a_ids) + b_ids + [eos]
        got = encode(record["content"], record["summary"])
        assert got["input_ids"] == expected
        assert got["labels"] == labels
    assert len(encode(records[2]["content"], "x")["input_ids"]) == 128 + 2  # first 128 kept


def test_chat_recipe_puts_chatglm3s_newline_after_assistant(chatglm3, shared_data):
    """ChatGLM3's own fine-tuning (finetune_demo ``process_batch``): ``<|assistant|>`` then
    ``encode("\\n")`` + the response + EOS, with loss on the newline, response and EOS."""
    tokenizer, sp, special = chatglm3
    record = gsm8k_records(shared_data, 1)[0]
    got = make_encoder(tokenizer, "chat", 128, 512)(record["content"], record["summary"])
    prompt = [special["[gMASK]"], special["sop"], special["<|user|>"]] + sp.encode("\n") + \
        sp.encode(record["content"]) + [special["<|assistant|>"]]
    response = sp.encode("\n") + sp.encode(record["summary"]) + [sp.eos_id()]
    assert got["input_ids"] == prompt + response
    assert got["labels"] == [IGNORE_INDEX] * len(prompt) + response
    # A question over max_source is cut inside the question: the markers survive.
    long = make_encoder(tokenizer, "chat", 24, 512)(record["content"] * 4, "ok")
    cut = long["input_ids"][:24]
    assert cut[:3] == prompt[:3] and cut[-1] == special["<|assistant|>"]
    assert long["labels"][:24] == [IGNORE_INDEX] * 24


def test_global_batch_is_held_on_any_world_size_or_refused():
    assert [gradient_accumulation(32, w, 4) for w in (1, 2, 4, 8)] == [8, 4, 2, 1]
    with pytest.raises(InputError, match=r"global batch of 32 .* 3 process\(es\) x 4 per device"):
        gradient_accumulation(32, 3, 4)
    with pytest.raises(InputError, match="use --per-device-batch-size 1 or 2"):
        gradient_accumulation(32, 16, 4)
    config = TrainConfig.for_recipe({"recipe": "sciglm", "data": "d", "output": "o"})
    assert config.with_world_size(4).gradient_accumulation_steps == 2
    fixed = TrainConfig.for_recipe({"gradient_accumulation_steps": 3})
    assert fixed.global_batch_size is None and fixed.with_world_size(2).global_batch_size == 24
    both = TrainConfig.for_recipe({"gradient_accumulation_steps": 3, "global_batch_size": 32})
    with pytest.raises(InputError, match="pass only one of"):
        both.with_world_size(1)


def test_recipes_set_the_papers_values_and_flags_win(tmp_path: Path):
    paper = TrainConfig.for_recipe({"recipe": "sciglm"})
    assert (paper.prompt_format, paper.packing, paper.pad_to_max_length, paper.max_length) == \
        ("sciglm", "none", True, 641)
    assert (paper.learning_rate, paper.epochs, paper.global_batch_size, paper.precision,
            paper.gradient_checkpointing) == (3e-6, 2.0, 32, "auto-fp16", True)
    chat = TrainConfig.for_recipe({"learning_rate": 1e-5})
    assert (chat.recipe, chat.prompt_format, chat.packing, chat.learning_rate) == \
        ("chat", "chat", "batch", 1e-5)
    with pytest.raises(InputError, match=r"unknown recipe 'paper' \(known recipes: chat, sciglm, "):
        TrainConfig.for_recipe({"recipe": "paper"})
    (tmp_path / "old.yaml").write_text("packing: true\nlearning_rate: 1.0e-05\n")
    assert TrainConfig.for_recipe(load_config_file(str(tmp_path / "old.yaml"))).packing == "bins"


def test_step_plan_counts_as_the_trainer_does():
    # 64 examples, 4 per device, 32 per step: 2 steps an epoch on 1 or 8 processes.
    config = TrainConfig.for_recipe({"recipe": "sciglm"}).with_world_size(1)
    assert step_plan(config, 64, None, 1)["optimizer_steps"] == 4
    eight = TrainConfig.for_recipe({}).with_world_size(8)
    assert step_plan(eight, 64, None, 8)["optimizer_steps"] == 4
    assert optimizer_steps(65, 4, 8, 1, 2.0) == 6  # 17 micro-batches: 3 steps an epoch
    bins = TrainConfig.for_recipe({"packing": "bins"}).with_world_size(1)
    assert step_plan(bins, 64, 20, 1)["items"] == 20


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    captured = capsys.readouterr()
    return exit_info.value.code, captured.out, captured.err


def test_cli_dry_run_and_render(gsm8k_mix, tiny_model_dir, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    code, out, err = run_cli(["train", "--recipe", "sciglm", "--data", str(gsm8k_mix), "--model",
                              str(tiny_model_dir), "--dry-run", "--show", "1", "--json",
                              "--output", str(tmp_path / "shown.jsonl")], capsys)
    assert code == 0, err
    result = json.loads(out)
    saved = [json.loads(line) for line in (tmp_path / "shown.jsonl").read_text().splitlines()]
    assert saved == result["examples"]
    assert result["plan"]["optimizer_steps"] == 4 and result["plan"]["accumulation"] == 8
    run = result["plan"]["optimisation"]  # finetune.sh + deepspeed.json: no clipping, DS fp16
    assert run["gradient_clipping"] is None and run["fp16_engine"] == "deepspeed"
    assert run["deepspeed_on_gpu"]["fp16"] == {"enabled": "auto", "loss_scale": 0,
                                               "initial_scale_power": 16,
                                               "loss_scale_window": 1000, "hysteresis": 2,
                                               "min_loss_scale": 1}
    assert "gradient_clipping" not in run["deepspeed_on_gpu"]
    (example,) = result["examples"]
    assert example["length"] == 641 and len(example["loss_mask"]) == 641
    assert example["text"].startswith("[Round 1]\n\n问：")
    assert not (tmp_path / "run").exists()
    target = tmp_path / "rendered.jsonl"
    code, out, err = run_cli(["render", "--data", str(gsm8k_mix), "--model", str(tiny_model_dir),
                              "--show", "2", "-o", str(target)], capsys)
    assert code == 0, err
    rows = [json.loads(line) for line in target.read_text().splitlines()]
    assert [r["recipe"] for r in rows] == ["chat", "chat"] and rows[0]["padding"] == 0
    assert "loss mask (# = carries loss)" in out and "recipe chat: 64 examples" in err
    tokenizer_labels = rows[1]["labels"]
    assert [int(x != IGNORE_INDEX) for x in tokenizer_labels] == rows[1]["loss_mask"]


def test_cli_refuses_a_batch_it_cannot_hold_before_loading_any_model(
        gsm8k_mix, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("WORLD_SIZE", "3")
    code, _, err = run_cli(["train", "--data", str(gsm8k_mix), "--model",
                            str(tmp_path / "no-such-model"), "--output", str(tmp_path / "run")],
                           capsys)
    assert code == 1
    assert "Error: the global batch of 32 examples cannot be held by 3 process(es)" in err
    (tmp_path / "cfg.yaml").write_text("recipe: original\n")
    monkeypatch.delenv("WORLD_SIZE")
    code, _, err = run_cli(["train", "--config", str(tmp_path / "cfg.yaml"), "--data",
                            str(gsm8k_mix), "--output", str(tmp_path / "run")], capsys)
    assert code == 1 and "unknown recipe 'original' (known recipes: chat, sciglm, " in err


def test_get_recipe_names_the_known_ones():
    assert get_recipe("sciglm").prompt_format == "sciglm"
    with pytest.raises(InputError, match="known recipes: chat, sciglm, sciglm-ds3"):
        get_recipe("SciGLM")


def test_the_original_runs_clip_nothing_and_run_deepspeeds_fp16_engine():
    """finetune.sh's deepspeed.json has no gradient_clipping (DeepSpeed's 0.0), and accelerate
    0.20.3 made HF's clip a no-op under DeepSpeed: the sciglm recipe clips nothing. On a GPU
    it runs DeepSpeed's fp16 engine whichever launcher started it; on a CPU, fp32."""
    paper = TrainConfig.for_recipe({"recipe": "sciglm"})
    assert paper.max_grad_norm == 0.0
    assert recipe_deepspeed("sciglm", "fp32") is None
    ds = recipe_deepspeed("sciglm", "fp16")
    assert ds == DEEPSPEED_ZERO2 and ds is not DEEPSPEED_ZERO2
    assert ds["zero_optimization"]["stage"] == 2 and "gradient_clipping" not in ds
    assert recipe_deepspeed("chat", "fp16") is None  # the modern recipe: plain HF Trainer
    chat = optimisation("chat", 1.0, "linear", None)
    assert (chat["gradient_clipping"], chat["fp16_engine"]) == (1.0, "torch-autocast")
    assert optimisation("chat", 1.0, "linear", "ds.json")["deepspeed_on_gpu"] == "ds.json"


def test_sciglm_ds3_is_the_finetune_ds3_run():
    """32 per device x 2 accumulation x 4 GPUs = 256; ZeRO-3 + CPU AdamW; WarmupLR (constant
    after warm-up); clipping "auto" = 1.0. One epoch of SciInstruct's 254,051 rows is 992
    optimizer steps on transformers 4.30.2 (1,985 micro-batches per GPU // 2), the step of
    the released SciGLM-6B checkpoint."""
    ds3 = TrainConfig.for_recipe({"recipe": "sciglm-ds3"}).with_world_size(4)
    assert (ds3.per_device_batch_size, ds3.gradient_accumulation_steps,
            ds3.global_batch_size) == (32, 2, 256)
    assert (ds3.max_grad_norm, ds3.lr_scheduler, ds3.prompt_format, ds3.max_length) == (
        1.0, "constant", "sciglm", 641)
    ds = recipe_deepspeed("sciglm-ds3", "fp16")
    assert ds["zero_optimization"]["offload_optimizer"]["device"] == "cpu"
    assert ds["zero_optimization"]["stage"] == 3 and ds["scheduler"]["type"] == "WarmupLR"
    assert ds["gradient_clipping"] == "auto" and ds["optimizer"]["type"] == "AdamW"
    micro_batches = math.ceil(math.ceil(254_051 / 4) / 32)
    assert micro_batches // 2 == 992
