"""Peer 4: rensa (Rust MinHash with Python bindings), three ways.

* ``rensa``: its idiomatic use, ``RMinHash.update`` with the shingle strings
  and an ``RMinHashLSH`` index (query, then insert, per document). That
  index needs ``bands * rows == num_perm``, so its banding is the best such
  split (32 × 4 at 0.5 and 128 permutations, where the others use 25 × 5).
* ``rensa-flat``: its fastest signing call,
  ``RMinHash.digest_matrix_from_flat_token_hashes``, given one flat array of
  64-bit shingle hashes (xxh3, computed in Python and timed as the ``hash``
  stage) and row offsets.
* ``rensa-sets``: ``RMinHash.digest_matrix_from_token_sets``, which hashes the
  shingle strings in Rust.

rensa's matrix index calls only return "is a duplicate" flags, not pairs, so
the two matrix peers band their signatures with the shared
:func:`benchmarks.peers.base.band_pairs` (the ``index`` stage, which also
includes converting the digest matrix to numpy).

Example:
    >>> from benchmarks.peers.base import Doc, PeerParams
    >>> docs = [Doc(0, "a", ["x y", "y z"]), Doc(1, "b", ["q r"]), Doc(2, "c", ["x y", "y z"])]
    >>> [run_sets([docs], PeerParams()).pairs.tolist(), run([docs], PeerParams()).pairs.tolist()]
    [[[0, 2]], [[0, 2]]]
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import rensa
import xxhash

from .base import Doc, PeerParams, PeerResult, Stopwatch, band_pairs, lsh_params, lsh_params_exact

NAMES = ("rensa", "rensa-flat", "rensa-sets")


def run(batches: Iterable[list[Doc]], params: PeerParams) -> PeerResult:
    """Idiomatic rensa: one ``RMinHash`` per document, ``RMinHashLSH`` query then insert."""
    clock = Stopwatch()
    bands, rows = lsh_params_exact(params.threshold, params.num_perm)
    lsh = rensa.RMinHashLSH(params.threshold, params.num_perm, bands)
    pairs: list[tuple[int, int]] = []
    for batch in batches:
        for doc in batch:
            with clock("sign"):
                m = rensa.RMinHash(params.num_perm, params.seed)
                m.update(doc.shingles)
            with clock("index"):
                pairs.extend((other, doc.index) for other in lsh.query(m))
                lsh.insert(doc.index, m)
    return PeerResult(
        np.array(pairs, dtype=np.int64).reshape(-1, 2),
        clock.seconds,
        {"bands": bands, "rows": rows, "banding": "rensa needs bands * rows == num_perm"},
    )


def _matrix_peer(batches: Iterable[list[Doc]], params: PeerParams, flat: bool) -> PeerResult:
    clock = Stopwatch()
    bands, rows = lsh_params(params.threshold, params.num_perm)
    matrices, numbers = [], []
    for batch in batches:
        if flat:
            with clock("hash"):
                sizes = [len(doc.shingles) for doc in batch]
                hashes = np.fromiter(
                    (xxhash.xxh3_64_intdigest(s.encode("utf8")) for d in batch for s in d.shingles),
                    dtype=np.uint64,
                    count=sum(sizes),
                )
                offsets = np.zeros(len(batch) + 1, dtype=np.uint64)
                np.cumsum(sizes, out=offsets[1:])
            with clock("sign"):
                matrices.append(
                    rensa.RMinHash.digest_matrix_from_flat_token_hashes(
                        hashes, offsets, params.num_perm, params.seed
                    )
                )
        else:
            with clock("sign"):
                matrices.append(
                    rensa.RMinHash.digest_matrix_from_token_sets(
                        [doc.shingles for doc in batch], params.num_perm, params.seed
                    )
                )
        numbers.extend(doc.index for doc in batch)
    with clock("index"):
        rows_ = [
            np.array(m.to_rows(), dtype=np.uint32).reshape(-1, params.num_perm) for m in matrices
        ]
        signatures = np.concatenate(rows_) if rows_ else np.zeros((0, params.num_perm), np.uint32)
        found = band_pairs(signatures, bands, rows)
        pairs = np.asarray(numbers, dtype=np.int64)[found] if len(found) else found
    notes = {"bands": bands, "rows": rows, "candidates": "shared numpy banding"}
    if flat:
        notes["hash"] = "xxh3_64 in Python (stage 'hash')"
    return PeerResult(pairs.reshape(-1, 2), clock.seconds, notes)


def run_flat(batches: Iterable[list[Doc]], params: PeerParams) -> PeerResult:
    """``digest_matrix_from_flat_token_hashes`` on xxh3 shingle hashes, then shared banding."""
    return _matrix_peer(batches, params, flat=True)


def run_sets(batches: Iterable[list[Doc]], params: PeerParams) -> PeerResult:
    """``digest_matrix_from_token_sets`` on the shingle strings, then shared banding."""
    return _matrix_peer(batches, params, flat=False)
