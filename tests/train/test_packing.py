"""Packing: bins are valid, and packed batches give the per-example loss of unpacked ones."""

from __future__ import annotations

import random

import pytest
import torch

from sciglm.train.data import IGNORE_INDEX, encode_example
from sciglm.train.packing import PackedCollator, PaddedCollator, pack_examples, pack_lengths
from tests.train.conftest import gsm8k_records, make_model, make_tokenizer


def test_pack_lengths_fills_bins_without_overflow() -> None:
    rng = random.Random(1)
    lengths = [rng.randint(1, 300) for _ in range(500)]
    bins = pack_lengths(lengths, 640)
    assert sorted(i for b in bins for i in b) == list(range(500))
    assert all(sum(lengths[i] for i in b) <= 640 for b in bins)
    lower_bound = -(-sum(lengths) // 640)
    assert len(bins) <= lower_bound * 1.05 + 1


def test_pack_lengths_oversized_example_gets_own_bin() -> None:
    assert sorted(map(sorted, pack_lengths([700, 10, 20], 640))) == [[0], [1, 2]]


def test_packed_collator_resets_positions_and_pads_as_own_segment() -> None:
    rows = pack_examples([{"input_ids": [5, 6, 7], "labels": [-100, 6, 7]},
                          {"input_ids": [8, 9], "labels": [-100, 9]}], capacity=10)
    assert len(rows) == 1 and rows[0]["position_ids"] == [0, 1, 2, 0, 1]
    batch = PackedCollator(pad_token_id=0)(rows + [{"input_ids": [1], "labels": [1]}])
    assert batch["position_ids"].tolist() == [[0, 1, 2, 0, 1], [0, 0, 1, 2, 3]]
    assert batch["labels"][1].tolist() == [1] + [IGNORE_INDEX] * 4
    assert "attention_mask" not in batch
    flat = PackedCollator(pad_token_id=0, flatten=True)(rows + [{"input_ids": [1], "labels": [1]}])
    assert flat["input_ids"].shape == (1, 6)
    assert flat["position_ids"].tolist() == [[0, 1, 2, 0, 1, 0]]


def _per_example_losses(
    model: torch.nn.Module, batch: dict[str, torch.Tensor], leak: bool = False
) -> list[float]:
    """Summed token losses of each example (segment) of a batch, in order of appearance.

    ``leak=True`` runs the model without the position ids (a plain causal mask over the row).
    """
    drop = {"labels", "position_ids"} if leak else {"labels"}
    inputs = {k: v for k, v in batch.items() if k not in drop}
    with torch.no_grad():
        logits = model(**inputs, use_cache=False).logits.float()
    labels = batch["labels"]
    losses = []
    positions = batch.get("position_ids")
    for row in range(labels.shape[0]):
        token_loss = torch.nn.functional.cross_entropy(
            logits[row, :-1], labels[row, 1:], ignore_index=IGNORE_INDEX, reduction="none")
        if positions is None:
            starts = [0]
        else:
            starts = [i for i, p in enumerate(positions[row].tolist()) if p == 0]
        bounds = starts[1:] + [labels.shape[1]]
        for start, end in zip(starts, bounds, strict=True):
            segment = labels[row, start + 1:end]
            if (segment != IGNORE_INDEX).any():
                losses.append(token_loss[start:end - 1].sum().item())
    return losses


@pytest.mark.parametrize(("arch", "attn"), [("llama", "sdpa"), ("llama", "eager"), ("glm", "sdpa")])
def test_packed_loss_equals_unpacked(shared_data, arch: str, attn: str) -> None:
    records = gsm8k_records(shared_data, 12)
    tokenizer = make_tokenizer([r["content"] + r["summary"] for r in records])
    model = make_model(tokenizer, arch=arch, attn=attn).eval()
    examples = [encode_example(tokenizer, r["content"], r["summary"], 128, 512) for r in records]
    assert all(e["labels"][0] == IGNORE_INDEX for e in examples)

    alone = []
    for example in examples:
        alone += _per_example_losses(model, PaddedCollator(tokenizer.pad_token_id)([example]))
    rows = pack_examples(examples, capacity=640)
    assert len(rows) < len(examples)
    packed_batch = PackedCollator(tokenizer.pad_token_id)(rows)
    flat_batch = PackedCollator(tokenizer.pad_token_id, flatten=True)(rows)
    order = [i for row in pack_lengths([len(e["input_ids"]) for e in examples], 640) for i in row]
    expected = [alone[i] for i in order]
    assert _per_example_losses(model, packed_batch) == pytest.approx(expected, rel=1e-4, abs=1e-4)
    assert _per_example_losses(model, flat_batch) == pytest.approx(expected, rel=1e-4, abs=1e-4)
    # Without the position ids the examples would see each other: the test can tell.
    leaky = _per_example_losses(model, packed_batch, leak=True)
    assert len(leaky) == len(expected)
    assert leaky != pytest.approx(expected, rel=1e-4, abs=1e-4)
