"""What every peer shares: its input, its output, the clock, the banding, the clustering.

Why one shared harness: a comparison is only fair when every tool gets the
same input and its output is scored the same way. Every peer receives the
same documents, tokenised once by :func:`shingle` (lower case, ``\\w+``
words, word k-gram shingles, each distinct shingle once), so tokenising is
never part of a peer's time. Every peer returns pairs of document numbers;
:func:`clusters_from_pairs` turns them into clusters (connected components),
as text-dedup's union-find does.

Example:
    >>> shingle("The cat sat on the mat today", 5)
    ['the cat sat on the', 'cat sat on the mat', 'sat on the mat today']
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

__all__ = [
    "Doc",
    "PeerParams",
    "PeerResult",
    "PeerSkipped",
    "Stopwatch",
    "band_pairs",
    "clusters_from_pairs",
    "lsh_params",
    "lsh_params_exact",
    "shingle",
    "words",
]

_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """Lower-case ``\\w+`` words: the one tokenisation every peer gets."""
    return _WORD.findall(text.lower())


def shingle(text: str, size: int) -> list[str]:
    """Distinct word ``size``-grams of ``text`` in order of first appearance.

    A text shorter than ``size`` words is one shingle (all its words); a text
    without words has none.
    """
    tokens = words(text)
    if len(tokens) < size:
        return [" ".join(tokens)] if tokens else []
    return list(dict.fromkeys(map(" ".join, zip(*(tokens[i:] for i in range(size))))))


class Doc(NamedTuple):
    """One document as peers see it: its number, id, shingles and (for TF-IDF) words."""

    index: int
    id: str
    shingles: list[str]
    words: list[str] | None = None


@dataclass(frozen=True)
class PeerParams:
    """Settings shared by all peers of one run.

    Attributes:
        threshold: Jaccard similarity the LSH banding is tuned for, and the
            cut-off of the exact Jaccard peer.
        num_perm: MinHash permutations.
        shingle_size: Words per shingle.
        cosine_threshold: Cut-off of the exact TF-IDF cosine peer.
        seed: Seed of the MinHash permutations.
    """

    threshold: float = 0.5
    num_perm: int = 128
    shingle_size: int = 5
    cosine_threshold: float = 0.8
    seed: int = 1


@dataclass
class PeerResult:
    """What a peer found, and how long each of its stages took (seconds).

    Attributes:
        pairs: ``(k, 2)`` array of document numbers found similar.
        timings: Stage → seconds; stages are the peer's own (``sign`` and
            ``index`` for MinHash peers: ``index`` covers inserting and
            querying, i.e. producing candidate pairs).
        notes: Anything a reader needs to interpret the figures.
    """

    pairs: np.ndarray
    timings: dict[str, float] = field(default_factory=dict)
    notes: dict[str, Any] = field(default_factory=dict)


class PeerSkipped(Exception):
    """The peer cannot run on this input (e.g. quadratic peers on large corpora)."""


class Stopwatch:
    """Adds up the time spent in named stages.

    Example:
        >>> clock = Stopwatch()
        >>> with clock("sign"):
        ...     pass
        >>> list(clock.seconds)
        ['sign']
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - started


@functools.cache
def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) minimising false positives + false negatives at ``threshold``.

    datasketch's own routine with equal weights, so every LSH peer bands alike.
    It integrates numerically (a fraction of a second), so the harness calls
    it once before the clock starts; peers then get the cached answer.
    """
    from datasketch.lsh import _optimal_param

    return _optimal_param(threshold, num_perm, 0.5, 0.5)


@functools.cache
def lsh_params_exact(threshold: float, num_perm: int) -> tuple[int, int]:
    """Like :func:`lsh_params`, restricted to ``bands * rows == num_perm`` (rensa's index needs it)."""
    from datasketch.lsh import _false_negative_probability, _false_positive_probability

    def error(bands: int) -> float:
        rows = num_perm // bands
        return (
            _false_positive_probability(threshold, bands, rows)
            + _false_negative_probability(threshold, bands, rows)
        ) / 2

    best = min((b for b in range(2, num_perm + 1) if num_perm % b == 0), key=error)
    return best, num_perm // best


def _band_keys(block: np.ndarray) -> np.ndarray:
    """One uint64 per row of a band: the values themselves when they fit, else a 64-bit mix."""
    block = np.ascontiguousarray(block)
    if block.dtype.itemsize * block.shape[1] <= 8:
        padded = np.zeros((len(block), 8 // block.dtype.itemsize), dtype=block.dtype)
        padded[:, : block.shape[1]] = block
        return padded.view(np.uint64).reshape(len(block))
    keys = np.zeros(len(block), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for column in block.T:
            keys = (keys ^ column.astype(np.uint64)) * np.uint64(0x9E3779B97F4A7C15)
            keys ^= keys >> np.uint64(29)
    return keys


def band_pairs(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """Candidate pairs of rows sharing any band: each bucket's first row with every other.

    Linking every member to the bucket's first one (a star) instead of all
    pairs gives the same clusters as text-dedup's union-find, in linear size.

    Args:
        signatures: ``(n, num_perm)`` MinHash values, one row per document.
        bands, rows: LSH banding (``bands * rows <= num_perm``).

    Returns:
        ``(k, 2)`` int64 array of row numbers.

    Example:
        >>> sig = np.array([[1, 2, 3, 4], [1, 2, 9, 9], [7, 7, 3, 4]], dtype=np.uint32)
        >>> band_pairs(sig, 2, 2).tolist()
        [[0, 1], [0, 2]]
    """
    found = []
    for band in range(bands):
        keys = _band_keys(signatures[:, band * rows : (band + 1) * rows])
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        starts = np.r_[True, sorted_keys[1:] != sorted_keys[:-1]]
        group = np.cumsum(starts) - 1
        first = order[starts][group]
        linked = first != order
        found.append(np.stack([first[linked], order[linked]], axis=1))
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.concatenate(found).astype(np.int64)
    return np.unique(np.sort(pairs, axis=1), axis=0) if len(pairs) else pairs.reshape(0, 2)


def clusters_from_pairs(pairs: np.ndarray | Iterable[tuple[int, int]], n: int) -> np.ndarray:
    """Cluster number of each of ``n`` documents: connected components of ``pairs``.

    Example:
        >>> clusters_from_pairs(np.array([[0, 2], [3, 4]]), 5).tolist()
        [0, 1, 0, 2, 2]
    """
    pairs = np.asarray(
        list(pairs) if not isinstance(pairs, np.ndarray) else pairs, dtype=np.int64
    ).reshape(-1, 2)
    graph = coo_matrix(
        (np.ones(len(pairs), dtype=np.int8), (pairs[:, 0], pairs[:, 1])), shape=(n, n)
    )
    return connected_components(graph, directed=False)[1]
