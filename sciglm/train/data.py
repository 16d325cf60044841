"""Training data: read the mixture (``content``/``summary``), render it with the chat template,
tokenize in parallel with a cache, and mask the loss to the response tokens."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from typing import Any

from sciglm.errors import InputError
from sciglm.io.jsonl import iter_jsonl

IGNORE_INDEX = -100
#: Used when a tokenizer has no chat template (base models): plain question/answer text.
FALLBACK_TEMPLATE = (
    "{% for m in messages %}{% if m['role'] == 'user' %}Question: {{ m['content'] }}\n"
    "{% else %}Answer: {{ m['content'] }}{% endif %}{% endfor %}"
    "{% if add_generation_prompt %}Answer: {% endif %}"
)


def _is_saved_dataset(folder: Path) -> bool:
    return any((folder / name).exists() for name in ("dataset_dict.json", "state.json"))


def locate_data(path: str) -> tuple[str, Path]:
    """Find the training data: ``("jsonl", file)`` or ``("dataset", folder)``.

    Accepts a JSONL file, a mixture folder holding ``train.jsonl``, or a folder written by
    ``datasets.save_to_disk`` (directly or one level down).
    """
    where = Path(path)
    if where.is_file():
        return "jsonl", where
    if not where.is_dir():
        raise InputError("training data not found (expected a JSONL file or mixture folder)",
                         path)
    if (where / "train.jsonl").is_file():
        return "jsonl", where / "train.jsonl"
    if _is_saved_dataset(where):
        return "dataset", where
    for child in sorted(where.iterdir()):
        if child.is_dir() and _is_saved_dataset(child):
            return "dataset", child
    raise InputError("no train.jsonl and no saved datasets folder inside", path)


def read_records(path: str) -> list[dict[str, str]]:
    """``[{"content", "summary"}, ...]`` from the mixture, or from a catalogue set such as
    ``sciinstruct`` (its released files, fetched if needed); a bad record raises ``file:line``."""
    from sciglm.catalog.data import is_source_name, training_records

    if not Path(path).exists() and is_source_name(path):
        return [_checked(r, where, None) for where, r in training_records(path)]
    kind, where = locate_data(path)
    records: list[dict[str, str]] = []
    if kind == "jsonl":
        for number, record in iter_jsonl(where):
            records.append(_checked(record, str(where), number))
        if not records:
            raise InputError("no training records", str(where))
        return records
    import datasets

    loaded = datasets.load_from_disk(str(where))
    if isinstance(loaded, datasets.DatasetDict):
        if "train" not in loaded:
            raise InputError(f"datasets folder has no 'train' split (has {list(loaded)})",
                             str(where))
        loaded = loaded["train"]
    missing = {"content", "summary"} - set(loaded.column_names)
    if missing:
        raise InputError(f"datasets folder lacks column(s) {sorted(missing)}", str(where))
    for index, record in enumerate(loaded.select_columns(["content", "summary"])):
        records.append(_checked(record, f"{where}[row {index}]", None))
    if not records:
        raise InputError("no training records", str(where))
    return records


def _checked(record: dict[str, Any], where: str, line: int | None) -> dict[str, str]:
    for key in ("content", "summary"):
        value = record.get(key)
        if not isinstance(value, str) or not value.strip():
            problem = "missing" if value is None else "not a non-empty string"
            raise InputError(
                f"record has no '{key}' ({problem}); training records are "
                '{"content": question, "summary": solution}', where, line)
    return {"content": record["content"], "summary": record["summary"]}


def find_data_card(path: str) -> Path | None:
    """The mixture's Markdown data card, if the mixture folder has one."""
    if not Path(path).exists():
        return None  # a catalogue set such as ``sciinstruct``: no folder to look in
    folder = Path(path) if Path(path).is_dir() else Path(path).parent
    for name in ("data_card.md", "DATA_CARD.md", "README.md", "card.md"):
        if (folder / name).is_file():
            return folder / name
    cards = sorted(folder.glob("*.md"))
    return cards[0] if cards else None


def copy_data_card(path: str, output: Path) -> Path | None:
    """Copy the data card next to the run's config; returns the copy."""
    card = find_data_card(path)
    if card is None:
        return None
    output.mkdir(parents=True, exist_ok=True)
    target = output / "data_card.md"
    shutil.copyfile(card, target)
    return target


def ensure_chat_template(tokenizer: Any) -> None:
    """Give a tokenizer without a chat template the plain question/answer one."""
    if not getattr(tokenizer, "chat_template", None):
        tokenizer.chat_template = FALLBACK_TEMPLATE


def encode_example(
    tokenizer: Any, content: str, summary: str, max_source: int, max_target: int
) -> dict[str, list[int]]:
    """Token ids of one example and labels that are ``-100`` on the prompt.

    The prompt is the chat template applied to the user turn with the generation prompt; it
    keeps its last ``max_source`` tokens (so the assistant marker survives). The response is the
    solution plus EOS, cut to ``max_target`` tokens.
    """
    prompt_text = tokenizer.apply_chat_template(
        [{"role": "user", "content": content}], tokenize=False, add_generation_prompt=True
    )
    prompt = tokenizer(prompt_text, add_special_tokens=False)["input_ids"][-max_source:]
    response = tokenizer(summary, add_special_tokens=False)["input_ids"]
    if tokenizer.eos_token_id is not None:
        response = response + [tokenizer.eos_token_id]
    response = response[:max_target]
    return {"input_ids": prompt + response, "labels": [IGNORE_INDEX] * len(prompt) + response}


def tokenize_records(
    records: list[dict[str, str]],
    tokenizer: Any,
    max_source: int,
    max_target: int,
    cache_dir: Path | None = None,
    num_proc: int | None = None,
) -> Any:
    """A ``datasets.Dataset`` of ``input_ids``/``labels``/``length``, tokenized with ``num_proc``
    processes and cached in ``cache_dir`` (keyed by data, tokenizer and lengths)."""
    import datasets

    ensure_chat_template(tokenizer)
    dataset = datasets.Dataset.from_list(records)
    if num_proc is None:
        num_proc = min(os.cpu_count() or 1, 8) if len(records) >= 2000 else 1
    cache_file = None
    if cache_dir is not None:
        key = hashlib.sha256()
        for record in records:
            key.update(record["content"].encode() + b"\0" + record["summary"].encode() + b"\0")
        key.update(str((tokenizer.name_or_path, len(tokenizer), tokenizer.chat_template,
                        max_source, max_target)).encode())
        cache_dir.mkdir(parents=True, exist_ok=True)
        cache_file = str(cache_dir / f"tokenized-{key.hexdigest()[:16]}.arrow")

    def encode(row: dict[str, str]) -> dict[str, Any]:
        encoded = encode_example(tokenizer, row["content"], row["summary"], max_source, max_target)
        return encoded | {"length": len(encoded["input_ids"])}

    return dataset.map(
        encode,
        remove_columns=["content", "summary"],
        num_proc=num_proc if num_proc > 1 else None,
        cache_file_name=cache_file,
        load_from_cache_file=cache_file is not None,
        desc="tokenize",
    )
