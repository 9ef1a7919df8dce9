"""Peer 2: datasketch's fastest documented path.

``MinHash.bulk`` (one permutation set reused, ``update_batch`` per document)
with ``hashfunc=xxhash.xxh32_intdigest``, ``LeanMinHash`` for compact
storage, and ``MinHashLSH.insertion_session`` for buffered inserts; every
document is then queried.

Example:
    >>> from benchmarks.peers.base import Doc, PeerParams
    >>> docs = [Doc(0, "a", ["x y", "y z"]), Doc(1, "b", ["x y", "y z"]), Doc(2, "c", ["q r"])]
    >>> run([docs], PeerParams()).pairs.tolist()
    [[0, 1]]
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import xxhash
from datasketch import LeanMinHash, MinHash, MinHashLSH

from .base import Doc, PeerParams, PeerResult, Stopwatch, lsh_params

NAME = "datasketch-fast"


def run(batches: Iterable[list[Doc]], params: PeerParams) -> PeerResult:
    """Sign in bulk with xxh32, insert in one session, then query every document."""
    clock = Stopwatch()
    bands, rows = lsh_params(params.threshold, params.num_perm)
    lsh = MinHashLSH(threshold=params.threshold, num_perm=params.num_perm, params=(bands, rows))
    signed: list[tuple[int, LeanMinHash]] = []
    with lsh.insertion_session() as session:
        for batch in batches:
            with clock("sign"):
                encoded = [[s.encode("utf8") for s in doc.shingles] for doc in batch]
                minhashes = MinHash.bulk(
                    encoded,
                    num_perm=params.num_perm,
                    seed=params.seed,
                    hashfunc=xxhash.xxh32_intdigest,
                )
                lean = [LeanMinHash(m) for m in minhashes]
            with clock("index"):
                for doc, m in zip(batch, lean):
                    session.insert(doc.index, m)
                    signed.append((doc.index, m))
    with clock("index"):
        pairs = [(other, index) for index, m in signed for other in lsh.query(m) if other < index]
    return PeerResult(
        np.array(pairs, dtype=np.int64).reshape(-1, 2),
        clock.seconds,
        {"bands": bands, "rows": rows, "hash": "xxh32"},
    )
