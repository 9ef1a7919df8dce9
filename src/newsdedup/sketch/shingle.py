"""Tokens → shingles: 32-bit hashes of every k consecutive tokens.

A shingle hash combines its token hashes with one fixed odd 64-bit
multiplier per position and folds the sum to 32 bits, so order matters
("nato backs kyiv" ≠ "kyiv backs nato") and no string is ever built. The
same function is available in pure Python (:func:`shingle_hash`) so that
``datasketch.MinHash`` can be fed identical values.

Example:
    >>> from newsdedup.text.tokenize import tokenize
    >>> batch = tokenize(["a b c d"])
    >>> hashes, offsets = shingle_batch(batch, 3)
    >>> offsets.tolist()
    [0, 2]
    >>> int(hashes[0]) == shingle_hash(["a", "b", "c"])
    True
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .. import _kernels as K
from ..text.tokenize import TokenBatch, token_hash

__all__ = ["position_multipliers", "shingle_batch", "shingle_hash", "shingle_sets", "shingle_texts"]

_MASK64 = (1 << 64) - 1


def _splitmix64(x: int) -> int:
    x = (x + 0x9E3779B97F4A7C15) & _MASK64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK64
    return x ^ (x >> 31)


_MULTIPLIERS = np.array([_splitmix64(j + 1) | 1 for j in range(32)], np.uint64)


def position_multipliers(k: int) -> np.ndarray:
    """The fixed odd multipliers of positions 0..k-1 (part of the hash definition)."""
    return _MULTIPLIERS[:k]


def shingle_hash(tokens: Sequence[str]) -> int:
    """32-bit hash of one shingle given as token strings (pure Python reference).

    Use it as ``hashfunc`` of a ``datasketch.MinHash`` over token tuples.
    """
    acc = 0
    for j, tok in enumerate(tokens):
        acc = (acc + token_hash(tok) * int(_MULTIPLIERS[j])) & _MASK64
    return ((acc >> 32) ^ (acc & 0xFFFFFFFF)) & 0xFFFFFFFF


def shingle_batch(batch: TokenBatch, k: int) -> tuple[np.ndarray, np.ndarray]:
    """All k-gram hashes of every document of a batch (CSR: values, offsets)."""
    return K.shingle_batch(batch.hashes, batch.offsets, k, position_multipliers(k))


def shingle_sets(tokens: np.ndarray, offsets: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Sorted, de-duplicated k-gram hash sets per document (CSR), for exact Jaccard."""
    hashes, sh_offsets = K.shingle_batch(tokens, offsets, k, position_multipliers(k))
    return sorted_sets(hashes, sh_offsets)


def sorted_sets(values: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sort and de-duplicate each CSR row of uint32 values."""
    return K.sorted_unique_rows(
        np.ascontiguousarray(values, np.uint32), np.asarray(offsets, np.int64)
    )


def shingle_texts(words: Sequence[str], k: int) -> list[str]:
    """Shingles of a token list as space-joined strings (for display and datasketch)."""
    if not words:
        return []
    if len(words) < k:
        return [" ".join(words)]
    return [" ".join(words[i : i + k]) for i in range(len(words) - k + 1)]
