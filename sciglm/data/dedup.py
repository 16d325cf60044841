"""Deduplication of questions: exact (normalized text hash) and near (MinHash + LSH, datasketch).

The first record of a cluster (in input order) is kept; every other member is reported with
the id of the record it duplicates and the estimated Jaccard similarity.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sciglm.data.text import normalize

if TYPE_CHECKING:  # datasketch loads scipy (about a second): imported where it is used
    from datasketch import MinHash, MinHashLSH


@dataclass
class DedupConfig:
    """Near-duplicate settings: character shingles, MinHash permutations, Jaccard threshold."""

    exact: bool = True
    near: bool = True
    threshold: float = 0.8
    num_perm: int = 64
    shingle: int = 5
    max_chars: int = 2000
    seed: int = 1


@dataclass
class Duplicate:
    """A dropped record: its index, the kept record's index, how it matched."""

    index: int
    kept: int
    kind: str  # "exact" | "near"
    similarity: float


@dataclass
class DedupResult:
    """Indices kept (input order), the duplicates dropped and the clusters (kept → members)."""

    kept: list[int]
    duplicates: list[Duplicate]
    clusters: dict[int, list[int]] = field(default_factory=dict)


def exact_key(text: str) -> str:
    """The hash two texts share when they are equal after normalization."""
    return hashlib.sha1(normalize(text).encode("utf-8")).hexdigest()


def _hash32(data: bytes) -> int:
    return zlib.crc32(data)


def shingles(text: str, k: int, max_chars: int) -> set[bytes]:
    """Character k-grams of the normalized text (spaces removed, so it suits Chinese too)."""
    norm = normalize(text).replace(" ", "")[:max_chars]
    if len(norm) <= k:
        return {norm.encode("utf-8")}
    return {norm[i:i + k].encode("utf-8") for i in range(len(norm) - k + 1)}


def _permutations(num_perm: int, seed: int) -> tuple:
    """The random permutations of a (num_perm, seed) pair, made once and shared."""
    from datasketch import MinHash

    key = (num_perm, seed)
    if key not in _PERMUTATIONS:
        _PERMUTATIONS[key] = MinHash(num_perm=num_perm, seed=seed).permutations
    return _PERMUTATIONS[key]


_PERMUTATIONS: dict[tuple[int, int], tuple] = {}


@functools.cache
def _scheme() -> dict[str, Any]:
    """datasketch >= 2.0 wants the scheme named when permutations are passed in."""
    from datasketch import MinHash

    return {"scheme": "affine32"} if "scheme" in inspect.signature(MinHash).parameters else {}


def minhash(text: str, config: DedupConfig) -> MinHash:
    """The MinHash signature of a text's shingles (crc32 keeps hashing fast and stable)."""
    from datasketch import MinHash

    mh = MinHash(num_perm=config.num_perm, seed=config.seed, hashfunc=_hash32,
                 permutations=_permutations(config.num_perm, config.seed), **_scheme())
    mh.update_batch(list(shingles(text, config.shingle, config.max_chars)))
    return mh


def deduplicate(texts: Sequence[str], config: DedupConfig | None = None,
                advance: Callable[[int], None] | None = None) -> DedupResult:
    """Find exact and near duplicates among ``texts``; earlier texts win."""
    from datasketch import MinHashLSH

    config = config or DedupConfig()
    kept: list[int] = []
    duplicates: list[Duplicate] = []
    clusters: dict[int, list[int]] = {}
    seen: dict[str, int] = {}
    lsh = MinHashLSH(threshold=config.threshold, num_perm=config.num_perm) if config.near else None
    signatures: dict[int, MinHash] = {}
    for index, text in enumerate(texts):
        if advance:
            advance(1)
        if config.exact:
            key = exact_key(text)
            if key in seen:
                duplicates.append(Duplicate(index, seen[key], "exact", 1.0))
                clusters.setdefault(seen[key], []).append(index)
                continue
            seen[key] = index
        if lsh is not None:
            mh = minhash(text, config)
            match = _best_match(lsh, mh, signatures, config.threshold)
            if match is not None:
                duplicates.append(Duplicate(index, match[0], "near", match[1]))
                clusters.setdefault(match[0], []).append(index)
                continue
            lsh.insert(str(index), mh, check_duplication=False)
            signatures[index] = mh
        kept.append(index)
    return DedupResult(kept, duplicates, clusters)


def _best_match(lsh: MinHashLSH, mh: MinHash, signatures: dict[int, MinHash],
                threshold: float) -> tuple[int, float] | None:
    """The earliest kept candidate whose estimated Jaccard reaches the threshold."""
    import numpy as np

    best: tuple[int, float] | None = None
    for key in lsh.query(mh):
        index = int(key)
        other = signatures[index]
        similarity = float(np.count_nonzero(other.hashvalues == mh.hashvalues)) / len(mh)
        if similarity >= threshold and (best is None or index < best[0]):
            best = (index, similarity)
    return best
