"""Packing several examples into one sequence without cross-talk, and the collators.

A packed row is the concatenation of whole examples; its ``position_ids`` restart at 0 at each
example. With no ``attention_mask`` in the batch, transformers derives the example boundaries
from the position ids: flash-attention uses them as variable-length sequences and SDPA/eager
build a block-diagonal causal mask (``masking_utils.find_packed_sequence_indices``), so a token
never attends to another example. The model must run with ``use_cache=False`` (a cache turns
that detection off); :func:`sciglm.train.trainer.load_model` sets it.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch

from sciglm.train.data import IGNORE_INDEX


def pack_lengths(lengths: Sequence[int], capacity: int) -> list[list[int]]:
    """Group example indices into bins of total length ``<= capacity`` (best-fit decreasing).

    Every index appears exactly once; an example longer than ``capacity`` gets a bin alone.
    """
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    bins: list[list[int]] = []
    free: list[tuple[int, int]] = []  # (remaining space, bin number), sorted
    for index in order:
        size = lengths[index]
        slot = bisect.bisect_left(free, (size, -1))
        if slot < len(free):
            remaining, number = free.pop(slot)
            bins[number].append(index)
            remaining -= size
        else:
            bins.append([index])
            number, remaining = len(bins) - 1, capacity - size
        if remaining > 0:
            bisect.insort(free, (remaining, number))
    return bins


def pack_examples(
    examples: Sequence[dict[str, list[int]]], capacity: int
) -> list[dict[str, list[int]]]:
    """Packed rows (``input_ids``, ``labels``, ``position_ids``) from tokenized examples."""
    bins = pack_lengths([len(e["input_ids"]) for e in examples], capacity)
    rows = []
    for members in bins:
        row: dict[str, list[int]] = {"input_ids": [], "labels": [], "position_ids": []}
        for index in members:
            example = examples[index]
            row["input_ids"].extend(example["input_ids"])
            row["labels"].extend(example["labels"])
            row["position_ids"].extend(range(len(example["input_ids"])))
        rows.append(row)
    return rows


def pack_dataset(dataset: Any, capacity: int) -> Any:
    """A ``datasets.Dataset`` of packed rows from one with ``input_ids`` and ``labels``."""
    import datasets

    examples = dataset.select_columns(["input_ids", "labels"]).to_list()
    rows = pack_examples(examples, capacity)
    return datasets.Dataset.from_list(rows)


@dataclass
class PackedCollator:
    """Batch packed rows (or single examples) with ``position_ids`` and no attention mask.

    ``flatten=True`` is the padding-free mode: the whole batch becomes one row, no pad token at
    all (best with flash-attention's variable-length kernels). Otherwise rows are padded at the
    end to the longest row; the padding forms its own segment (positions restart at 0, labels
    ``-100``), so it is never attended to by real tokens.
    """

    pad_token_id: int
    flatten: bool = False
    pad_to_multiple_of: int | None = None

    def __call__(self, features: list[dict[str, Any]]) -> dict[str, torch.Tensor]:
        rows = []
        for feature in features:
            ids = list(feature["input_ids"])
            positions = feature.get("position_ids")
            positions = list(positions) if positions is not None else list(range(len(ids)))
            rows.append((ids, list(feature["labels"]), positions))
        if self.flatten:
            rows = [(sum((r[0] for r in rows), []), sum((r[1] for r in rows), []),
                     sum((r[2] for r in rows), []))]
        width = max(len(r[0]) for r in rows)
        if self.pad_to_multiple_of and not self.flatten:
            width = -(-width // self.pad_to_multiple_of) * self.pad_to_multiple_of
        input_ids, labels, position_ids = [], [], []
        for ids, labs, positions in rows:
            pad = width - len(ids)
            input_ids.append(ids + [self.pad_token_id] * pad)
            labels.append(labs + [IGNORE_INDEX] * pad)
            position_ids.append(positions + list(range(pad)))
        return {
            "input_ids": torch.tensor(input_ids, dtype=torch.long),
            "labels": torch.tensor(labels, dtype=torch.long),
            "position_ids": torch.tensor(position_ids, dtype=torch.long),
        }


@dataclass
class PaddedCollator:
    """One example per row, right-padded with an attention mask (the original recipe).

    ``length`` pads (and cuts) every row to a fixed size, as the original script did with 641;
    ``None`` pads to the longest example of the batch.
    """

    pad_token_id: int
    length: int | None = None

    def __call__(self, features: list[dict[str, Any]]) -> dict[str, torch.Tensor]:
        width = self.length or max(len(f["input_ids"]) for f in features)
        input_ids, labels, mask = [], [], []
        for feature in features:
            ids = list(feature["input_ids"])[:width]
            labs = list(feature["labels"])[:width]
            pad = width - len(ids)
            input_ids.append(ids + [self.pad_token_id] * pad)
            labels.append(labs + [IGNORE_INDEX] * pad)
            mask.append([1] * len(ids) + [0] * pad)
        return {
            "input_ids": torch.tensor(input_ids, dtype=torch.long),
            "labels": torch.tensor(labels, dtype=torch.long),
            "attention_mask": torch.tensor(mask, dtype=torch.long),
        }
