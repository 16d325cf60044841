"""Decontamination: n-gram overlap of training text against evaluation sets.

Tokens are words (each CJK character one token) of the normalized text. Every ``n``-gram of
every evaluation question is hashed (a 64-bit polynomial hash computed with numpy) into one
sorted array; a training text is contaminated when any of its ``n``-grams is in it.
Evaluation questions shorter than ``n`` tokens (but at least ``min_tokens``) are matched whole
as a contiguous run; any evaluation question, however short, matches a training text whose
normalized form is identical.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sciglm.catalog.data import find_data_file
from sciglm.data.text import normalize, tokens
from sciglm.errors import InputError, SciglmError
from sciglm.io.jsonl import iter_jsonl

#: Question fields tried in order when an evaluation file does not name one.
QUESTION_FIELDS = ("question", "problem", "Question", "problem_text", "statement", "content",
                   "prompt", "input")
#: The n-gram size of the overlap check unless another is given.
DEFAULT_NGRAM = 13

class _EvalSetPaths(Mapping[str, str]):
    """Registered benchmark → its scored file in the mirror layout, read from the benchmark
    registry on first use (one place: a plugin's benchmark is decontaminated against too)."""

    def _table(self) -> dict[str, str]:
        from sciglm import registry

        table: dict[str, str] = {}
        for name, bench in registry.benchmarks().items():
            if bench.source is None or bench.split not in bench.source.splits:
                continue
            relative = bench.source.splits[bench.split]
            if relative not in table.values():  # ceval-sci and ceval-hard: in ceval-stem's file
                table[name] = relative
        return table

    def __getitem__(self, name: str) -> str:
        return self._table()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._table())

    def __len__(self) -> int:
        return len(self._table())


#: The benchmarks ``sciglm eval`` knows (name → file relative to the data folder).
DEFAULT_EVAL_SETS: Mapping[str, str] = _EvalSetPaths()

_BASE = np.uint64(0x9E3779B97F4A7C15)
_MIX = np.uint64(0xBF58476D1CE4E5B9)
_SEPARATOR = np.uint64(2**64 - 1)  # between texts in a batch; never a token id


@dataclass
class EvalSet:
    """An evaluation file and the field that holds its question text."""

    name: str
    path: str
    field: str | None = None


@dataclass
class Hit:
    """One contaminated training text: the first overlapping n-gram and where it occurs."""

    index: int
    eval_set: str
    eval_item: int
    ngram: str
    overlaps: int


def default_eval_sets(data_dir: str | Path | None = None) -> list[EvalSet]:
    """Every registered benchmark's scored file found where every command reads the public sets
    (:func:`sciglm.catalog.data.data_roots`: ``data_dir``, else ``$SCIGLM_DATA``, then the
    cache ``sciglm data pull`` fills); empty when none has one."""
    found = ((name, find_data_file(rel, data_dir)) for name, rel in DEFAULT_EVAL_SETS.items())
    return [EvalSet(name, str(path)) for name, path in found if path is not None]


def parse_eval_set(spec: str) -> EvalSet:
    """``NAME:PATH`` or ``NAME:PATH:FIELD`` or a bare ``PATH`` (named after the file)."""
    parts = spec.split(":")
    if len(parts) == 1:
        return EvalSet(Path(spec).stem, spec)
    if len(parts) == 2:
        return EvalSet(parts[0], parts[1])
    if len(parts) == 3:
        return EvalSet(parts[0], parts[1], parts[2] or None)
    raise SciglmError(f"--against {spec!r}: expected NAME:PATH or NAME:PATH:FIELD")


def eval_questions(eval_set: EvalSet) -> list[str]:
    """The question texts of an evaluation file; a record without one is an error at file:line."""
    if not Path(eval_set.path).is_file():
        raise InputError("evaluation set not found", eval_set.path)
    texts: list[str] = []
    for line, record in iter_jsonl(eval_set.path):
        names = (eval_set.field,) if eval_set.field else QUESTION_FIELDS
        text = next((record[f] for f in names if isinstance(record.get(f), str)), None)
        if text is None:
            raise InputError(f"no question field ({', '.join(names)})", eval_set.path, line)
        texts.append(text)
    return texts


class Vocabulary:
    """Token → integer id, shared by the evaluation index and the texts checked against it."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}

    def encode(self, text: str, grow: bool = True) -> np.ndarray:
        """Ids of the text's tokens; with ``grow=False`` unknown tokens are 0 (never indexed)."""
        ids = self._ids
        if grow:
            out = [ids.setdefault(tok, len(ids) + 1) for tok in tokens(text)]
        else:
            out = [ids.get(tok, 0) for tok in tokens(text)]
        return np.asarray(out, dtype=np.uint64)


def gram_hashes(ids: np.ndarray, n: int) -> np.ndarray:
    """64-bit hashes of every window of ``n`` ids (empty when there are fewer than ``n``)."""
    if len(ids) < n:
        return np.empty(0, dtype=np.uint64)
    count = len(ids) - n + 1
    h = np.full(count, np.uint64(n), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(n):
            h = h * _BASE + ids[j:j + count] * _MIX
    return h


class NgramIndex:
    """All ``n``-grams of a collection of evaluation sets, ready for overlap queries."""

    def __init__(self, eval_sets: Sequence[EvalSet], n: int = DEFAULT_NGRAM,
                 min_tokens: int = 8, vocab: Vocabulary | None = None) -> None:
        if n < 1:
            raise SciglmError(f"n-gram size must be at least 1, got {n}")
        self.n = n
        self.min_tokens = min_tokens
        self.vocab = vocab or Vocabulary()
        self.names = [s.name for s in eval_sets]
        self.paths = {s.name: s.path for s in eval_sets}
        self.sizes: dict[str, int] = {}
        hashes: list[np.ndarray] = []
        owners: list[np.ndarray] = []
        self.short_lengths: set[int] = set()
        self.exact: dict[str, tuple[str, int]] = {}
        for set_number, eval_set in enumerate(eval_sets):
            texts = eval_questions(eval_set)
            self.sizes[eval_set.name] = len(texts)
            for item, text in enumerate(texts):
                self.exact.setdefault(normalize(text), (eval_set.name, item))
                ids = self.vocab.encode(text)
                length = n if len(ids) >= n else len(ids)
                if length < min(min_tokens, n):
                    continue
                if length < n:
                    self.short_lengths.add(length)
                grams = gram_hashes(ids, length)
                hashes.append(grams)
                owners.append(np.full(len(grams), set_number * 10_000_000 + item, dtype=np.int64))
        all_hashes = np.concatenate(hashes) if hashes else np.empty(0, dtype=np.uint64)
        all_owners = np.concatenate(owners) if owners else np.empty(0, dtype=np.int64)
        order = np.argsort(all_hashes, kind="stable")
        self.hashes = all_hashes[order]
        self.owners = all_owners[order]

    def __len__(self) -> int:
        return len(self.hashes)

    def check(self, texts: Iterable[str], advance: Callable[[int], None] | None = None,
              chunk: int = 2000) -> list[Hit | None]:
        """For each text, the first evaluation n-gram it contains, or ``None``."""
        texts = list(texts)
        results: list[Hit | None] = []
        for start in range(0, len(texts), chunk):
            results.extend(self._check_chunk(texts[start:start + chunk], start))
            if advance:
                advance(len(texts[start:start + chunk]))
        return results

    def _check_chunk(self, texts: list[str], offset: int) -> list[Hit | None]:
        """One vectorized pass per n-gram length over the texts joined by a separator id."""
        results: list[Hit | None] = [None] * len(texts)
        for i, text in enumerate(texts):
            same = self.exact.get(normalize(text))
            if same is not None:
                results[i] = Hit(offset + i, same[0], same[1], "(identical question)", 1)
        encoded = [self.vocab.encode(text, grow=False) for text in texts]
        starts = np.cumsum([0] + [len(ids) + 1 for ids in encoded])
        joined = np.full(starts[-1], _SEPARATOR, dtype=np.uint64)
        for ids, begin in zip(encoded, starts[:-1], strict=False):
            joined[begin:begin + len(ids)] = ids
        if not len(self.hashes):
            return results
        for length in (self.n, *sorted(self.short_lengths)):
            grams = gram_hashes(joined, length)
            if not len(grams):
                continue
            pos = np.searchsorted(self.hashes, grams)
            pos[pos >= len(self.hashes)] = 0
            found = np.flatnonzero(self.hashes[pos] == grams)
            for at in found:  # windows spanning a separator never match (its id is not indexed)
                i = int(np.searchsorted(starts, at, side="right")) - 1
                if results[i] is not None:
                    continue
                owner = int(self.owners[pos[at]])
                first = int(at - starts[i])
                words = tokens(texts[i])[first:first + length]
                count = int(np.count_nonzero((found >= starts[i]) & (found < starts[i + 1])))
                results[i] = Hit(offset + i, self.names[owner // 10_000_000],
                                 owner % 10_000_000, " ".join(words), count)
        return results


def eval_set_overlap(texts: Sequence[str], data_dir: str | Path | None = None,
                     n: int = DEFAULT_NGRAM) -> dict[str, int]:
    """How many of ``texts`` overlap each evaluation set :func:`default_eval_sets` finds (the
    ones ``sciglm filter`` and ``mix`` would drop them against), by set name; empty when none
    overlap or no set is found."""
    sets = default_eval_sets(data_dir)
    if not sets or not texts:
        return {}
    counts: dict[str, int] = {}
    for hit in NgramIndex(sets, n=n).check(texts):
        if hit is not None:
            counts[hit.eval_set] = counts.get(hit.eval_set, 0) + 1
    return counts
