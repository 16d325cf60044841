"""Training data: read the mixture (``content``/``summary``), render each example in the
recipe's prompt format, tokenize in parallel with a cache, and mask the loss to the response.

Two formats (:mod:`sciglm.prompt_format`): ``sciglm`` reproduces the original
``preprocess_function_train`` of THUDM/SciGLM ``training/main.py`` token for token; ``chat``
applies the tokenizer's chat template (ChatGLM3's newline after ``<|assistant|>`` included).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from typing import Any

from sciglm.errors import InputError
from sciglm.io.jsonl import iter_jsonl
from sciglm.prompt_format import sciglm_prompt
from sciglm.train.chatglm_tokenizer import encode_chat

IGNORE_INDEX = -100
#: What ChatGLM3's own tokenizer puts in front of every text encoded with special tokens.
CHATGLM3_PREFIX = ("[gMASK]", "sop")
_SENTINEL = "\ue000"  # a private-use character that marks where the question goes
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


def is_chatglm3(tokenizer: Any) -> bool:
    """Whether the tokenizer has ChatGLM3's special tokens (original or converted)."""
    vocab = tokenizer.get_vocab()
    return all(token in vocab for token in (*CHATGLM3_PREFIX, "<|assistant|>"))


def special_tokens_around(tokenizer: Any) -> tuple[list[int], list[int]]:
    """The ids ``tokenizer.encode(text, add_special_tokens=True)`` puts before and after a text.

    A ChatGLM3 tokenizer that adds nothing (the converted fast one may not) gets ChatGLM3's
    own ``[gMASK]sop`` prefix, which the original tokenizer adds.
    """
    plain = tokenizer("a", add_special_tokens=False)["input_ids"]
    full = tokenizer("a", add_special_tokens=True)["input_ids"]
    prefix: list[int] = []
    suffix: list[int] = []
    for start in range(len(full) - len(plain) + 1):
        if full[start:start + len(plain)] == plain:
            prefix, suffix = full[:start], full[start + len(plain):]
            break
    if not prefix and is_chatglm3(tokenizer):
        prefix = tokenizer.convert_tokens_to_ids(list(CHATGLM3_PREFIX))
    return prefix, suffix


def text_ids(tokenizer: Any, text: str) -> list[int]:
    """Ids of data text: no special token added, and none read from the text itself (a literal
    ``<|assistant|>`` or ``[gMASK]`` in a solution stays text)."""
    return list(tokenizer(text, add_special_tokens=False, split_special_tokens=True)["input_ids"])


def original_query(content: str) -> str:
    """The question as the original ``build_prompt`` used it: a leading ``问：`` is dropped
    (and the text stripped) only where the stripped text starts with it."""
    if "问：" in content.strip()[:2]:
        return content.strip()[2:]
    return content


def encode_sciglm_example(
    tokenizer: Any, content: str, summary: str, max_source: int, max_target: int,
    specials: tuple[list[int], list[int]] | None = None,
) -> dict[str, list[int]]:
    """One example exactly as the original ``preprocess_function_train`` built it, unpadded.

    Prompt: ``[Round 1]\\n\\n问：{q}\\n\\n答：`` with the tokenizer's special tokens
    (``[gMASK]sop`` for ChatGLM3), its *first* ``max_source`` tokens in all; response: its
    first ``max_target`` tokens, then EOS (so a cut response still ends with EOS). Labels are
    ``-100`` on the prompt and wherever a response token equals the pad id (the original's
    ``ignore_pad_token_for_loss``); EOS keeps its loss even where pad and EOS share an id.
    The collator pads the row to ``max_source + max_target + 1`` (641).
    """
    prefix, suffix = specials if specials is not None else special_tokens_around(tokenizer)
    keep = max(max_source - len(prefix) - len(suffix), 0)
    text = sciglm_prompt(original_query(content))
    prompt = prefix + text_ids(tokenizer, text)[:keep] + suffix
    response = text_ids(tokenizer, summary)[:max_target]
    eos, pad = tokenizer.eos_token_id, tokenizer.pad_token_id
    labels = [IGNORE_INDEX] * len(prompt) + \
        [IGNORE_INDEX if token == pad else token for token in response] + [eos]
    return {"input_ids": prompt + response + [eos], "labels": labels}


def _common_prefix(a: list[int], b: list[int]) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _cut_question(tokenizer: Any, ids: list[int], max_source: int) -> list[int]:
    """``ids`` of a too long chat prompt cut to ``max_source`` tokens inside the question,
    keeping the template around it (role markers, ``[gMASK]sop``) and the question's start;
    where the question cannot be located, the last ``max_source`` tokens."""
    text = tokenizer.apply_chat_template(
        [{"role": "user", "content": _SENTINEL}], tokenize=False, add_generation_prompt=True)
    if text.count(_SENTINEL) != 1:
        return ids[-max_source:]
    before, after = text.split(_SENTINEL)
    template = {"add_special_tokens": False, "split_special_tokens": False}  # template text
    head = _common_prefix(tokenizer(before, **template)["input_ids"], ids)
    tail_ids = tokenizer(after, **template)["input_ids"]
    tail = _common_prefix(tail_ids[::-1], ids[::-1])
    budget = max_source - head - tail
    if budget < 1 or not after.strip() or tail == 0:
        return ids[-max_source:]
    return ids[:head] + ids[head:len(ids) - tail][:budget] + ids[len(ids) - tail:]


def encode_example(
    tokenizer: Any, content: str, summary: str, max_source: int, max_target: int
) -> dict[str, list[int]]:
    """The ``chat`` format: token ids of one example and labels that are ``-100`` on the prompt.

    The prompt is the chat template applied to the user turn with the generation prompt; a
    prompt over ``max_source`` tokens is cut inside the question (the template's markers
    survive). The response is the solution plus EOS, cut to ``max_target`` tokens (a cut
    response has no EOS: the model is not taught to stop mid-solution). Where the template is
    ChatGLM3's (the prompt ends with ``<|assistant|>``), the response starts with the newline
    ChatGLM3's own format puts there, and it carries loss as in ChatGLM3's fine-tuning code.
    """
    prompt_text = tokenizer.apply_chat_template(
        [{"role": "user", "content": content}], tokenize=False, add_generation_prompt=True
    )
    # Special tokens only where the template writes them: data text never forges a role turn.
    prompt = encode_chat(tokenizer, [{"role": "user", "content": content}],
                         add_generation_prompt=True)
    if len(prompt) > max_source:
        prompt = _cut_question(tokenizer, prompt, max_source)
    response = text_ids(tokenizer, summary)
    if prompt_text.endswith("<|assistant|>") and is_chatglm3(tokenizer):
        response = tokenizer("\n", add_special_tokens=False)["input_ids"] + response
    if tokenizer.eos_token_id is not None:
        response = response + [tokenizer.eos_token_id]
    response = response[:max_target]
    return {"input_ids": prompt + response, "labels": [IGNORE_INDEX] * len(prompt) + response}


def make_encoder(
    tokenizer: Any, prompt_format: str, max_source: int, max_target: int
) -> Any:
    """``encode(content, summary) -> {"input_ids", "labels"}`` for a recipe's prompt format."""
    if prompt_format == "sciglm":
        specials = special_tokens_around(tokenizer)
        return lambda content, summary: encode_sciglm_example(
            tokenizer, content, summary, max_source, max_target, specials)
    if prompt_format != "chat":
        raise InputError(f"unknown prompt format {prompt_format!r} (known: sciglm, chat)")
    ensure_chat_template(tokenizer)
    return lambda content, summary: encode_example(
        tokenizer, content, summary, max_source, max_target)


def tokenize_records(
    records: list[dict[str, str]],
    tokenizer: Any,
    max_source: int,
    max_target: int,
    cache_dir: Path | None = None,
    num_proc: int | None = None,
    prompt_format: str = "chat",
) -> Any:
    """A ``datasets.Dataset`` of ``input_ids``/``labels``/``length``, tokenized with ``num_proc``
    processes and cached in ``cache_dir`` (keyed by data, tokenizer, format and lengths)."""
    import datasets

    encoder = make_encoder(tokenizer, prompt_format, max_source, max_target)
    dataset = datasets.Dataset.from_list(records)
    if num_proc is None:
        num_proc = min(os.cpu_count() or 1, 8) if len(records) >= 2000 else 1
    cache_file = None
    if cache_dir is not None:
        key = hashlib.sha256()
        for record in records:
            key.update(record["content"].encode() + b"\0" + record["summary"].encode() + b"\0")
        key.update(str((tokenizer.name_or_path, len(tokenizer), tokenizer.chat_template,
                        prompt_format, max_source, max_target)).encode())
        cache_dir.mkdir(parents=True, exist_ok=True)
        cache_file = str(cache_dir / f"tokenized-{key.hexdigest()[:16]}.arrow")

    def encode(row: dict[str, str]) -> dict[str, Any]:
        encoded = encoder(row["content"], row["summary"])
        return encoded | {"length": len(encoded["input_ids"])}

    return dataset.map(
        encode,
        remove_columns=["content", "summary"],
        num_proc=num_proc if num_proc > 1 else None,
        cache_file_name=cache_file,
        load_from_cache_file=cache_file is not None,
        desc="tokenize",
    )
