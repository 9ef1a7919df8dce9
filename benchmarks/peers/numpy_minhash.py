"""Peer 3: a text-dedup-style MinHash in numpy, with banding and union-find.

Written here after text-dedup's design (not its code): shingles hashed to
32 bits (xxh3), the universal permutations ``(a·h + b) mod (2^61 − 1)``
truncated to 32 bits applied to all shingles of a batch at once, the
minimum per document taken with ``np.minimum.reduceat``; then documents
that share any band are linked (:func:`benchmarks.peers.base.band_pairs`)
and the clusters are the connected components.

Example:
    >>> from benchmarks.peers.base import Doc, PeerParams
    >>> docs = [Doc(0, "a", ["x y", "y z"]), Doc(1, "b", ["q r"]), Doc(2, "c", ["x y", "y z"])]
    >>> run([docs], PeerParams()).pairs.tolist()
    [[0, 2]]
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import xxhash

from .base import Doc, PeerParams, PeerResult, Stopwatch, band_pairs, lsh_params

NAME = "numpy-minhash"
MERSENNE = np.uint64((1 << 61) - 1)
MAX_32 = np.uint64((1 << 32) - 1)
#: Shingles signed at once: bounds the (shingles × num_perm) work array.
CHUNK_SHINGLES = 40_000


def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients ``a`` (≥ 1) and ``b`` of the universal hash permutations."""
    rng = np.random.RandomState(seed)
    a = rng.randint(1, 1 << 31, size=num_perm, dtype=np.uint64)
    b = rng.randint(0, 1 << 31, size=num_perm, dtype=np.uint64)
    return a, b


def sign(docs: list[Doc], a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``(len(docs), num_perm)`` uint32 signatures of documents with at least one shingle."""
    out = np.empty((len(docs), len(a)), dtype=np.uint32)
    start = 0
    while start < len(docs):
        stop, total = start, 0
        while stop < len(docs) and (
            stop == start or total + len(docs[stop].shingles) <= CHUNK_SHINGLES
        ):
            total += len(docs[stop].shingles)
            stop += 1
        chunk = docs[start:stop]
        hashes = np.fromiter(
            (
                xxhash.xxh3_64_intdigest(s.encode("utf8")) & 0xFFFFFFFF
                for d in chunk
                for s in d.shingles
            ),
            dtype=np.uint64,
            count=total,
        )
        permuted = (hashes[:, None] * a[None, :] + b[None, :]) % MERSENNE & MAX_32
        offsets = np.cumsum([0] + [len(d.shingles) for d in chunk[:-1]])
        out[start:stop] = np.minimum.reduceat(permuted, offsets, axis=0)
        start = stop
    return out


def run(batches: Iterable[list[Doc]], params: PeerParams) -> PeerResult:
    """Sign every batch, keep the signature matrix, then band it once."""
    clock = Stopwatch()
    a, b = permutations(params.num_perm, params.seed)
    bands, rows = lsh_params(params.threshold, params.num_perm)
    parts, numbers = [], []
    for batch in batches:
        with clock("sign"):
            parts.append(sign(batch, a, b))
            numbers.extend(doc.index for doc in batch)
    with clock("index"):
        signatures = np.concatenate(parts) if parts else np.zeros((0, params.num_perm), np.uint32)
        found = band_pairs(signatures, bands, rows)
        pairs = np.asarray(numbers, dtype=np.int64)[found] if len(found) else found
    return PeerResult(
        pairs.reshape(-1, 2),
        clock.seconds,
        {"bands": bands, "rows": rows, "hash": "xxh3 (low 32 bits)"},
    )
