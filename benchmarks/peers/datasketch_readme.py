"""Peer 1: datasketch used the way its README shows.

One ``MinHash(num_perm=...)`` per document, ``update`` with each shingle
encoded as UTF-8 (default SHA-1 hash), and a ``MinHashLSH`` index. Each
document is queried against the index and then inserted (the usual
streaming dedup loop; it finds each pair once, the same pairs as inserting
everything and querying everything).

Example:
    >>> from benchmarks.peers.base import Doc, PeerParams
    >>> docs = [Doc(0, "a", ["x y", "y z"]), Doc(1, "b", ["x y", "y z"])]
    >>> run([docs], PeerParams()).pairs.tolist()
    [[0, 1]]
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from datasketch import MinHash, MinHashLSH

from .base import Doc, PeerParams, PeerResult, Stopwatch, lsh_params

NAME = "datasketch"


def run(batches: Iterable[list[Doc]], params: PeerParams) -> PeerResult:
    """Sign with ``MinHash.update`` per shingle, then query and insert into ``MinHashLSH``."""
    clock = Stopwatch()
    bands, rows = lsh_params(params.threshold, params.num_perm)
    lsh = MinHashLSH(threshold=params.threshold, num_perm=params.num_perm, params=(bands, rows))
    pairs: list[tuple[int, int]] = []
    for batch in batches:
        for doc in batch:
            with clock("sign"):
                m = MinHash(num_perm=params.num_perm, seed=params.seed)
                for s in doc.shingles:
                    m.update(s.encode("utf8"))
            with clock("index"):
                pairs.extend((other, doc.index) for other in lsh.query(m))
                lsh.insert(doc.index, m)
    return PeerResult(
        np.array(pairs, dtype=np.int64).reshape(-1, 2),
        clock.seconds,
        {"bands": bands, "rows": rows, "hash": "sha1 (default)"},
    )
